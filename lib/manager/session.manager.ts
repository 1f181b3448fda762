import { Injectable } from '@nestjs/common';
import { Observable } from 'rxjs';
import { SESSION_ID_PATTERN } from '../session.constants';
import type { SessionEvent } from '../session/session-event.interface';
import type { SessionInfo } from '../users/session-info.interface';
import { RequestSessions } from '../http/request-sessions';
import { ActiveSession, Session, SessionData } from '../session/active-session';
import { SessionRuntime } from '../session-runtime';
import { sessionKey } from '../id/session-key';

/** A handle: the url-safe base64 of a SHA-256. */
const HANDLE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface CreateSessionOptions {
  /** Binds the new session to a user (indexed for `listByUser` when the store keeps an index). */
  userId?: string;
  /** Idle timeout of this session in ms, instead of the module's `idleTimeout`. */
  ttl?: number;
}

/**
 * Sessions outside the handler: in guards (`forRequest`), and for token clients that carry the
 * id in a header (`create`, `get`, `destroy`, `touch`). Inject it by type.
 */
@Injectable()
export class SessionManager {
  constructor(
    private readonly runtime: SessionRuntime,
    private readonly requests: RequestSessions,
  ) {}

  /** Session lifecycle events: created, regenerated, destroyed, expired (where the store can tell). */
  get events$(): Observable<SessionEvent> {
    return this.runtime.events.asObservable();
  }

  /**
   * The request's session: the same object the handler's `@Session()` receives, and saved with it.
   * Guards run before interceptors, so this is how a guard reads the session.
   */
  forRequest<T extends object = SessionData>(req: object): Promise<Session<T>> {
    return this.requests.forRequest(req as never) as unknown as Promise<Session<T>>;
  }

  /** A session by id, or null when it is unknown, expired or malformed. Changes need `save()`. */
  async get<T extends object = SessionData>(id: string): Promise<Session<T> | null> {
    if (!SESSION_ID_PATTERN.test(id)) return null;
    const key = sessionKey(id);
    const stored = await this.runtime.call('load', () => this.runtime.store.load(key));
    if (!stored || !this.runtime.isAlive(stored.meta, Date.now())) return null;
    return ActiveSession.loaded(this.runtime, id, key, stored) as unknown as Session<T>;
  }

  /** Creates and stores a session now; its `id` is what the client sends in the header. */
  async create<T extends object = SessionData>(
    data: Partial<T> = {},
    options: CreateSessionOptions = {},
  ): Promise<Session<T>> {
    if (options.ttl !== undefined) positiveTtl(options.ttl);
    const session = ActiveSession.fresh(this.runtime, undefined, undefined, options.ttl);
    if (options.userId !== undefined) session.bindUser(options.userId);
    for (const [key, value] of Object.entries(data)) session.set(key, value);
    await session.save();
    if (options.userId !== undefined) await this.runtime.users.enforceLimit(options.userId, session.handle);
    return session as unknown as Session<T>;
  }

  /** Destroys a session by id; false when there was none. */
  async destroy(id: string): Promise<boolean> {
    if (!SESSION_ID_PATTERN.test(id)) return false;
    const key = sessionKey(id);
    const destroyed = await this.runtime.call('destroy', () => this.runtime.store.destroy(key));
    if (destroyed) this.runtime.emit('destroyed', key);
    return destroyed;
  }

  /**
   * Extends a session's life from now by `ttl` ms (which becomes its idle timeout) or by the
   * module's `idleTimeout`; never past its absolute deadline. False when it is gone.
   */
  async touch(id: string, ttl?: number): Promise<boolean> {
    if (ttl !== undefined) positiveTtl(ttl);
    if (!SESSION_ID_PATTERN.test(id)) return false;
    const key = sessionKey(id);
    const stored = await this.runtime.call('load', () => this.runtime.store.load(key));
    const now = Date.now();
    if (!stored || !this.runtime.isAlive(stored.meta, now)) return false;
    const meta = ttl === undefined ? stored.meta : { ...stored.meta, ttl };
    const expiry = { ...this.runtime.expiryAt(meta, now), ...(ttl === undefined ? {} : { ttl }) };
    return this.runtime.call('touch', () => this.runtime.store.touch(key, expiry));
  }

  /** The user's live sessions, oldest first (needs a store with a user index). */
  listByUser(userId: string): Promise<SessionInfo[]> {
    return this.runtime.users.list(userId);
  }

  /**
   * Destroys all of a user's sessions ("log out everywhere"), but `except` (a handle or an id:
   * "everywhere else"). Returns how many ended.
   */
  destroyByUser(userId: string, options: { except?: string } = {}): Promise<number> {
    const { except } = options;
    const exceptKey = except === undefined ? undefined : SESSION_ID_PATTERN.test(except) ? sessionKey(except) : except;
    return this.runtime.users.destroyAll(userId, exceptKey);
  }

  /** Destroys the session a handle from `listByUser` names; false when there was none. */
  async destroyByHandle(handle: string): Promise<boolean> {
    if (!HANDLE_PATTERN.test(handle)) return false;
    return this.runtime.users.destroy(handle);
  }

  /** Reloads the users' profiles through `userLoader` now and caches them. */
  async refreshUser(userIds: string | string[]): Promise<void> {
    await Promise.all([userIds].flat().map((id) => this.runtime.users.reload(id)));
  }

  /** Drops a user's cached profile; the next `session.user()` loads it again. */
  evictUser(userId: string): Promise<void> {
    return this.runtime.users.evict(userId);
  }

  /** The number of live sessions, if the store can count them. */
  async count(): Promise<number> {
    const { store } = this.runtime;
    if (!store.count) throw new TypeError(`${store.constructor.name} cannot count sessions`);
    return this.runtime.call('count', () => store.count!());
  }
}

function positiveTtl(ttl: number): void {
  if (!(typeof ttl === 'number' && Number.isFinite(ttl) && ttl > 0)) {
    throw new TypeError(`ttl must be > 0 ms, got ${String(ttl)}`);
  }
}
