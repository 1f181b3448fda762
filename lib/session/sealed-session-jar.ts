import type { SessionSettings } from '../options/session-settings';
import { applySessionChanges } from '../stores/apply-session-changes';
import { GuardedSessionStore } from '../stores/guarded-session-store';
import type {
  SealedSession,
  SealingStore,
  SessionChanges,
  SessionExpiry,
  SessionMeta,
  SessionStore,
  StoredSession,
} from '../stores/session-store';
import { cookieExpiry } from './expiry';
import type { SessionIdWriter } from './session-id-writer';

function withExpiry(meta: SessionMeta, expiry: SessionExpiry): SessionMeta {
  const next = { ...meta, expiresAt: expiry.expiresAt, lastSeenAt: expiry.lastSeenAt };
  if (expiry.ttl !== undefined) next.ttl = expiry.ttl;
  return next;
}

/**
 * One client's session under a sealing store (`CookieStore`), for one request: the store the
 * session's repository writes to, and the writer its id goes out through. What the client carried
 * is opened once; every write applies the delta here and sends the re-sealed session, in place of
 * an id, through the request's own writer (a cookie or a header), which never learns what it
 * carries. Nothing is shared between requests: that is what stateless means (last writer wins).
 * In-process and synchronous, so none of the guard's timeouts apply; a session too large to seal
 * rejects with `SessionTooLargeError` (413), never a 503.
 */
export class SealedSessionJar extends GuardedSessionStore implements SessionIdWriter {
  /** The store key of the session held, and its id once known (a created one learns it at `issue`). */
  private key?: string;
  private id?: string;
  private current?: StoredSession;
  /** The held session as sealed, made at most once per change. */
  private sealed?: string;

  constructor(
    private readonly sealer: SessionStore & SealingStore,
    private readonly writer: SessionIdWriter,
    /** The cookie or header name the sealed value travels under (it counts toward the size limit). */
    private readonly name: string,
    private readonly settings: SessionSettings,
  ) {
    super(sealer, settings.storeTimeout);
  }

  /** Adopts what the client carried; the session inside, or null when it is none of ours. */
  open(value: string, key: (id: string) => string): SealedSession | null {
    const session = this.sealer.unseal(value);
    if (!session) return null;
    this.id = session.id;
    this.key = key(session.id);
    this.current = { data: session.data, meta: session.meta };
    this.sealed = value;
    return session;
  }

  override load(key: string): Promise<StoredSession | null> {
    return Promise.resolve(key === this.key && this.current ? this.current : null);
  }

  override apply(
    key: string,
    changes: SessionChanges,
    expiry: SessionExpiry,
    create?: SessionMeta,
  ): Promise<boolean> {
    if (create) {
      // A new id (created, regenerated, logged in): sealed once `issue` names it.
      this.key = key;
      this.id = undefined;
      this.current = { data: applySessionChanges(new Map(), changes), meta: withExpiry(create, expiry) };
      this.sealed = undefined;
      return Promise.resolve(true);
    }
    if (key !== this.key || !this.current) return Promise.resolve(false);
    const next = {
      data: applySessionChanges(this.current.data, changes),
      meta: withExpiry(this.current.meta, expiry),
    };
    return this.replace(next);
  }

  override touch(key: string, expiry: SessionExpiry): Promise<boolean> {
    if (key !== this.key || !this.current) return Promise.resolve(false);
    return this.replace({ data: this.current.data, meta: withExpiry(this.current.meta, expiry) });
  }

  override destroy(key: string): Promise<boolean> {
    if (key !== this.key || !this.current) return Promise.resolve(false);
    this.key = this.id = this.current = this.sealed = undefined;
    return Promise.resolve(true);
  }

  get issuable(): boolean {
    return this.writer.issuable;
  }

  /** The session's id is known now: the sealed session goes out in its place. */
  issue(id: string, expiresAt: number | undefined): void {
    if (id !== this.id) this.sealed = undefined;
    this.id = id;
    this.send(expiresAt);
  }

  revoke(): void {
    this.writer.revoke();
  }

  /** Seals `next` (throwing when it cannot fit) and only then holds and sends it. */
  private replace(next: StoredSession): Promise<boolean> {
    try {
      const sealed = this.id === undefined ? undefined : this.seal(this.id, next);
      this.current = next;
      this.sealed = sealed;
    } catch (error) {
      return Promise.reject(error);
    }
    this.send(cookieExpiry(next.meta, Date.now(), this.settings));
    return Promise.resolve(true);
  }

  private send(expiresAt: number | undefined): void {
    if (this.id === undefined || !this.current) return;
    this.sealed ??= this.seal(this.id, this.current);
    this.writer.issue(this.sealed, expiresAt);
  }

  private seal(id: string, session: StoredSession): string {
    return this.sealer.seal({ id, data: session.data, meta: session.meta }, this.name);
  }
}
