import { Inject, Injectable } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { SocketSessions } from '../contexts/websocket/socket-sessions';
import { RequestSessions } from '../http/request-sessions';
import { isSessionKey, sessionKey } from '../id/session-key';
import { SESSION_SETTINGS, SessionSettings } from '../options/session-settings';
import { assertTtl } from '../session/active-session';
import { nextExpiry } from '../session/expiry';
import type { SessionEvent } from '../session/session-event.interface';
import { SessionEvents } from '../session/session-events';
import { SessionFactory } from '../session/session-factory';
import { SessionRepository } from '../session/session-repository';
import type { Session, SessionData } from '../session/session.interface';
import { GuardedSessionStore } from '../stores/guarded-session-store';
import type { SessionInfo } from '../users/session-info.interface';
import { UserProfiles } from '../users/user-profiles';
import { UserSessions } from '../users/user-sessions';

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
  /** @internal Nest builds it; inject it by type. */
  constructor(
    @Inject(SESSION_SETTINGS) private readonly settings: SessionSettings,
    private readonly requests: RequestSessions,
    private readonly factory: SessionFactory,
    private readonly repository: SessionRepository,
    private readonly store: GuardedSessionStore,
    private readonly events: SessionEvents,
    private readonly users: UserSessions,
    private readonly profiles: UserProfiles,
    private readonly sockets: SocketSessions,
  ) {}

  /** Session lifecycle events: created, regenerated, destroyed, expired (where the store can tell). */
  get events$(): Observable<SessionEvent> {
    return this.events.events$;
  }

  /**
   * The request's session: the same object the handler's `@Session()` receives. Opened here (in a
   * guard, a middleware, a service), it is saved before the response's head leaves, and its id
   * goes out on that response. Pass the response when the request does not lead to it.
   *
   * In a gateway pass the client (socket.io `Socket`, ws `WebSocket`): its handshake's session,
   * loaded fresh on every call (changes need `save()`); without a live session it is empty and
   * `isNew`, and refuses writes (a socket cannot send a new id).
   */
  forRequest<T extends object = SessionData>(req: object, res?: object): Promise<Session<T>> {
    const socket = res === undefined ? this.sockets.open(req) : undefined;
    return (socket ?? this.requests.forRequest(req, res)) as unknown as Promise<Session<T>>;
  }

  /** A session by id, or null when it is unknown, expired or malformed. Changes need `save()`. */
  async get<T extends object = SessionData>(id: string): Promise<Session<T> | null> {
    if (!this.settings.ids.accepts(id)) return null;
    const presented = { id, key: sessionKey(id) };
    const stored = await this.repository.loadLive(presented.key);
    return stored ? (this.factory.loaded(presented, stored) as unknown as Session<T>) : null;
  }

  /** Creates and stores a session now; its `id` is what the client sends in the header. */
  async create<T extends object = SessionData>(
    data: Partial<T> = {},
    options: CreateSessionOptions = {},
  ): Promise<Session<T>> {
    const { userId, ttl } = options;
    if (ttl !== undefined) assertTtl(ttl);
    const session = this.factory.fresh(undefined, undefined, {
      ...(userId === undefined ? {} : { userId }),
      ...(ttl === undefined ? {} : { ttl }),
    });
    for (const [key, value] of Object.entries(data)) session.set(key, value);
    await session.save();
    return session as unknown as Session<T>;
  }

  /** Destroys a session by id; false when there was none. */
  destroy(id: string): Promise<boolean> {
    if (!this.settings.ids.accepts(id)) return Promise.resolve(false);
    return this.repository.destroy(sessionKey(id));
  }

  /**
   * Extends a session's life from now by `ttl` ms (which becomes its idle timeout) or by the
   * module's `idleTimeout`; never past its absolute deadline. False when it is gone.
   */
  async touch(id: string, ttl?: number): Promise<boolean> {
    if (ttl !== undefined) assertTtl(ttl);
    if (!this.settings.ids.accepts(id)) return false;
    const key = sessionKey(id);
    const stored = await this.repository.loadLive(key);
    if (!stored) return false;
    const meta = ttl === undefined ? stored.meta : { ...stored.meta, ttl };
    const expiry = { ...nextExpiry(meta, Date.now(), this.settings), ...(ttl === undefined ? {} : { ttl }) };
    return this.repository.touch(key, expiry);
  }

  /** The user's live sessions, oldest first (needs a store with a user index). */
  listByUser(userId: string): Promise<SessionInfo[]> {
    return this.users.list(userId);
  }

  /**
   * Destroys all of a user's sessions ("log out everywhere"), but `except` (a handle or an id:
   * "everywhere else"). Returns how many ended.
   */
  destroyByUser(userId: string, options: { except?: string } = {}): Promise<number> {
    const { except } = options;
    return this.users.destroyAll(
      userId,
      except === undefined ? undefined : this.settings.ids.accepts(except) ? sessionKey(except) : except,
    );
  }

  /** Destroys the session a handle from `listByUser` names; false when there was none. */
  destroyByHandle(handle: string): Promise<boolean> {
    if (!isSessionKey(handle)) return Promise.resolve(false);
    return this.repository.destroy(handle);
  }

  /** Reloads the users' profiles through `userLoader` now and caches them. */
  async refreshUser(userIds: string | string[]): Promise<void> {
    await Promise.all([userIds].flat().map((id) => this.profiles.reload(id)));
  }

  /** Drops a user's cached profile; the next `session.user()` loads it again. */
  evictUser(userId: string): Promise<void> {
    return this.profiles.evict(userId);
  }

  /** The number of live sessions, if the store can count them. */
  count(): Promise<number> {
    return this.store.count();
  }
}
