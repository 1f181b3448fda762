import { Inject, Injectable } from '@nestjs/common';
import { InvalidSessionOptionsError } from '../errors/invalid-session-options.error';
import { sessionKey } from '../id/session-key';
import type { SessionIdSource } from '../options/session-module-options.interface';
import { SESSION_SETTINGS, SessionSettings } from '../options/session-settings';
import { GuardedSessionStore } from '../stores/guarded-session-store';
import type { SealingStore, SessionMeta, SessionStore } from '../stores/session-store';
import { isSealingStore } from '../stores/session-store';
import { ActiveSession, SessionServices } from './active-session';
import { isAlive, nextExpiry } from './expiry';
import { SealedSessionJar } from './sealed-session-jar';
import type { SessionIdWriter, SessionOrigin } from './session-id-writer';
import { SessionEvents } from './session-events';
import { SessionRepository } from './session-repository';
import { SessionUsers } from './session-users';

/**
 * Sessions of a sealing store (`CookieStore`), where the client carries the whole session instead
 * of an id. Each request's session gets its own repository over a `SealedSessionJar`, so the
 * session object, its events and its lifecycle are the ones every other store has; only where
 * the data lives differs. `enabled` is false for every other store, and nothing here runs then.
 */
@Injectable()
export class SealedSessions {
  private readonly sealer?: SessionStore & SealingStore;

  constructor(
    @Inject(SESSION_SETTINGS) private readonly settings: SessionSettings,
    store: GuardedSessionStore,
    private readonly events: SessionEvents,
    private readonly users: SessionUsers,
  ) {
    if (!isSealingStore(store.store)) return;
    this.sealer = store.store;
    if (settings.idFrom.includes('query')) {
      throw new InvalidSessionOptionsError(
        `idFrom 'query' cannot carry a ${store.store.constructor.name} session: the sealed session would ` +
          "sit in URLs, logs and Referer headers; use 'cookie' and/or 'header'",
      );
    }
  }

  /** Whether the store seals sessions into what the client carries. */
  get enabled(): boolean {
    return this.sealer !== undefined;
  }

  /**
   * The session in `value` (what the client sent through `source`) when it is one of the store's
   * and still alive by its sealed idle and absolute expiry; else a fresh session. Synchronous:
   * there is nothing to load.
   */
  open(
    value: string | undefined,
    source: SessionIdSource | undefined,
    writer: SessionIdWriter,
    origin: () => SessionOrigin,
  ): ActiveSession {
    const sealer = this.sealer!;
    const name = this.carriedAs(source);
    const jar = new SealedSessionJar(sealer, writer, name, this.settings);
    const now = Date.now();
    // An id that could not have been issued here (its cookie is out of scope) is not honoured.
    const opened = value === undefined || !writer.issuable ? null : jar.open(value, sessionKey);
    if (opened && isAlive(opened.meta, now, this.settings)) {
      const services = this.services(jar, opened.id, opened.meta, name);
      return new ActiveSession(
        services,
        opened.id,
        sessionKey(opened.id),
        opened.meta,
        opened.data,
        true,
        jar,
        origin,
      );
    }
    const id = this.settings.ids.generate();
    const meta: SessionMeta = { createdAt: now, expiresAt: now, lastSeenAt: now, ...origin() };
    meta.expiresAt = nextExpiry(meta, now, this.settings).expiresAt;
    return new ActiveSession(
      this.services(jar, id, meta, name),
      id,
      sessionKey(id),
      meta,
      new Map(),
      false,
      jar,
      origin,
    );
  }

  /** The session's own services: a repository over its jar, and the data the cookie can hold. */
  private services(jar: SealedSessionJar, id: string, meta: SessionMeta, name: string): SessionServices {
    const repository = new SessionRepository(this.settings, jar, this.events);
    const bytes = this.sealer!.dataBudget({ id, meta }, name);
    const { settings, users } = this;
    if (bytes >= settings.maxSessionBytes) return { settings, repository, users };
    return {
      settings,
      repository,
      users,
      dataLimit: { bytes, name: `the data one ${this.sealer!.constructor.name} cookie can hold` },
    };
  }

  /** The name the sealed value travels under: the header for header clients, else the cookie. */
  private carriedAs(source: SessionIdSource | undefined): string {
    const { settings } = this;
    return source === 'header' || !settings.idFrom.includes('cookie')
      ? settings.header
      : settings.cookie.name;
  }
}
