import { Injectable } from '@nestjs/common';
import { Observable } from 'rxjs';
import { SESSION_ID_PATTERN } from './session.constants';
import type { SessionEvent } from './interfaces/session-event.interface';
import { RequestSessions } from './request-sessions';
import { ActiveSession, Session, SessionData } from './session';
import { SessionRuntime } from './session-runtime';
import { sessionKey } from './utils/session-key.util';

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
    const session = ActiveSession.fresh(this.runtime, {}, undefined, options.ttl);
    if (options.userId !== undefined) session.bindUser(options.userId);
    for (const [key, value] of Object.entries(data)) session.set(key, value);
    await session.save();
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
