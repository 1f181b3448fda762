import { Inject, Injectable } from '@nestjs/common';
import { sessionKey } from '../id/session-key';
import { SESSION_SETTINGS, SessionSettings } from '../options/session-settings';
import type { SessionMeta, StoredSession } from '../stores/session-store';
import { ActiveSession, SessionServices } from './active-session';
import { nextExpiry } from './expiry';
import type { SessionIdWriter, SessionOrigin } from './session-id-writer';
import { SessionRepository } from './session-repository';
import { SessionUsers } from './session-users';

/** An id a client presented that is well-formed (and correctly signed); not yet known to exist. */
export interface PresentedId {
  id: string;
  key: string;
  /** The client's token of its last write (see `FreshnessStore`), untrusted. */
  freshness?: string;
}

/**
 * Makes session objects: the one place a client's session is opened (loaded when its id names a
 * live session, else fresh with a new id), whoever asks: a request, a manager call, a transport.
 */
@Injectable()
export class SessionFactory {
  private readonly services: SessionServices;

  constructor(
    @Inject(SESSION_SETTINGS) settings: SessionSettings,
    private readonly repository: SessionRepository,
    users: SessionUsers,
  ) {
    this.services = { settings, repository, users };
  }

  /** The session `presented` names if it is alive, else a fresh one (never adopting the id). */
  open(
    presented: PresentedId | undefined,
    writer?: SessionIdWriter,
    origin?: () => SessionOrigin,
  ): Promise<ActiveSession> {
    // An id that could not have been issued here (its cookie is out of scope) is not honoured.
    if (!presented || writer?.issuable === false) return Promise.resolve(this.fresh(writer, origin));
    // `then`, not `async`: one promise on the hot path of every returning client.
    return this.repository
      .loadLive(presented.key, presented.freshness)
      .then((stored) =>
        stored ? this.loaded(presented, stored, writer, origin) : this.fresh(writer, origin),
      );
  }

  /**
   * `open`'s answer without a promise when it needs no I/O: no id presented, or a store that
   * holds the session in this process. Undefined when only `open` can tell.
   */
  openNow(
    presented: PresentedId | undefined,
    writer?: SessionIdWriter,
    origin?: () => SessionOrigin,
  ): ActiveSession | undefined {
    if (!presented || writer?.issuable === false) return this.fresh(writer, origin);
    const stored = this.repository.peekLive(presented.key, presented.freshness);
    if (stored === undefined) return undefined;
    return stored ? this.loaded(presented, stored, writer, origin) : this.fresh(writer, origin);
  }

  /** A session object over a stored session. */
  loaded(
    presented: PresentedId,
    stored: StoredSession,
    writer?: SessionIdWriter,
    origin?: () => SessionOrigin,
  ): ActiveSession {
    return new ActiveSession(
      this.services,
      presented.id,
      presented.key,
      stored.meta,
      stored.data,
      true,
      writer,
      origin,
    );
  }

  /**
   * A session that is not loaded (`@Session({ load: false })`): `presented`'s id, with no data or
   * metadata yet. Its writes are saved as one delta the store checks against the stored session.
   */
  unread(presented: PresentedId, writer?: SessionIdWriter, origin?: () => SessionOrigin): ActiveSession {
    const now = Date.now();
    const unknown: SessionMeta = { createdAt: now, expiresAt: now, lastSeenAt: now };
    return new ActiveSession(
      this.services,
      presented.id,
      presented.key,
      unknown,
      new Map(),
      true,
      writer,
      origin,
      true,
    );
  }

  /** A new session with a fresh id; stored at its first save with changes. */
  fresh(
    writer?: SessionIdWriter,
    origin: () => SessionOrigin = () => ({}),
    extra: Partial<SessionMeta> = {},
  ): ActiveSession {
    const id = this.services.settings.ids.generate();
    const now = Date.now();
    const meta: SessionMeta = { createdAt: now, expiresAt: now, lastSeenAt: now, ...origin(), ...extra };
    meta.expiresAt = nextExpiry(meta, now, this.services.settings).expiresAt;
    return new ActiveSession(this.services, id, sessionKey(id), meta, new Map(), false, writer, origin);
  }
}
