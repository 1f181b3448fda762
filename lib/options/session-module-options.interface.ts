import type { Type } from '@nestjs/common';
import type { SessionCookieOptions } from '../cookie/cookie-attributes';
import type { SessionStore } from '../stores/session-store';

export type { SessionCookieOptions };

/** Where a request's session id may come from. */
export type SessionIdSource = 'cookie' | 'header' | 'query';

/** What `SessionModule.forRoot` takes. Every field is optional; all durations are milliseconds. */
export interface SessionModuleOptions {
  /**
   * Signs the id cookie. The first secret signs; every secret verifies, so a new secret can be put
   * first while cookies signed with the old one keep working. Ids sent by header or query are
   * never signed (they are 192 random bits either way).
   * @default undefined (unsigned cookie)
   */
  secret?: string | string[];
  /**
   * The store instance, or a class Nest instantiates with its dependencies injected.
   * @default new MemoryStore()
   */
  store?: SessionStore | { useClass: Type<SessionStore> };
  cookie?: SessionCookieOptions;
  /**
   * Ms without a request after which a session expires.
   * @default 1_800_000 (30 minutes)
   */
  idleTimeout?: number;
  /**
   * Ms after creation when a session expires however active it is.
   * @default 86_400_000 (24 hours)
   */
  absoluteTimeout?: number;
  /**
   * Where the id is read from, in this order. `'query'` is opt-in: ids in URLs leak through logs
   * and Referer headers. The query parameter is named like the cookie.
   * @default ['cookie', 'header']
   */
  idFrom?: SessionIdSource[];
  /**
   * Header that carries the id in and out when `'header'` is in `idFrom`.
   * @default 'x-session-id'
   */
  header?: string;
  /**
   * Ms a store call may take before the request gets a 503 `SessionStoreUnavailableError`.
   * @default 1_000
   */
  storeTimeout?: number;
  /**
   * An unchanged session's expiry is pushed forward (one store touch, no data rewrite) only once
   * it has moved by at least this many ms, not on every request.
   * @default min(60_000, idleTimeout / 10)
   */
  touchInterval?: number;
  /**
   * Largest session, in bytes of stored JSON (keys plus values); a `set` past it throws a 413
   * `SessionTooLargeError`.
   * @default 65_536
   */
  maxSessionBytes?: number;
  /**
   * Store a session (and send its cookie) even when the request left it empty and unchanged.
   * @default false
   */
  saveUninitialized?: boolean;
  /**
   * Re-send the cookie on every response whose session was saved or had its expiry pushed forward
   * (see `touchInterval`), expiring with the session's idle expiry (or `cookie.maxAge` from now),
   * never past its absolute deadline. Off: the cookie goes out only with a new id, and lasts until
   * the session's absolute deadline (or `cookie.maxAge`).
   * @default false
   */
  rolling?: boolean;
  /**
   * Makes session ids instead of the built-in generator (192 random bits). Each id must be 22 to
   * 128 url-safe characters (`[A-Za-z0-9_-]`, so at least 128 bits of base64url) and should come
   * from a CSPRNG; one that is not throws a `TypeError` at that call (the request fails) rather
   * than name a weak session. Called once at start-up to check it. Ids from clients are then
   * accepted in that shape.
   * @default undefined (built-in ids: 32 characters from `crypto`)
   */
  genid?: () => string;
  /**
   * Most live sessions one user may have; a login past it destroys that user's oldest sessions.
   * 1 is single-session mode: a new login ends the others. Needs a store with a user index.
   * @default undefined (no limit)
   */
  maxSessionsPerUser?: number;
  /**
   * Loads a user's profile for `session.user()`. Called once per user per `userCacheTtl`; the
   * result (JSON-serialisable) is cached in the store, shared by all the user's sessions.
   * @default undefined (`session.user()` throws)
   */
  userLoader?: (userId: string) => Promise<unknown>;
  /**
   * Exposes the request's session as `req.session` (Express) / `request.session` (Fastify) with
   * express-session's API (and @fastify/session's `get`/`set`), and `req.sessionID`, for Passport,
   * csrf-csrf, connect-flash and other middleware. It is the same session `@Session()` injects.
   * @default false
   */
  requestSession?: boolean;
  /**
   * Disconnects the WebSocket clients (socket.io, ws) whose handshake session ends on this
   * instance: destroyed, logged out (also by `destroyByUser` from another device), expired, or
   * moved to a new id (regenerate, login: a socket cannot learn the new id). Within a second of
   * the end. Off: they stay connected and their next message sees no session.
   * @default false
   */
  disconnectOnEnd?: boolean;
  /**
   * Ms a loaded user profile stays cached.
   * @default 300_000 (5 minutes)
   */
  userCacheTtl?: number;
}
