import type { ActiveSession } from '../../session/active-session';

/** What a socket cannot do: send a new id (there is no response to carry a cookie or header). */
const NEW_ID_STEPS = new Set<PropertyKey>(['regenerate', 'login']);
/** What a socket without a live session cannot do: it would make a session nobody can present. */
const WRITES = new Set<PropertyKey>(['set', 'delete', 'clear', 'increment', 'save']);

const NO_NEW_ID =
  'a WebSocket cannot send a new session id (no response carries the cookie): call regenerate() or ' +
  'login() in an HTTP handler, then reconnect the socket';
const NO_SESSION =
  'this WebSocket has no session (its handshake presented no live session id) and a socket cannot start one: create it over HTTP (e.g. at login), then connect; check session.isNew before writing';

/**
 * The session a WebSocket message handler gets: the handshake's session, loaded for this message,
 * as `Session<T>`, but refusing what only an HTTP response can complete. `regenerate()` and
 * `login()` reject (the old id would die and the new one could reach no client). Without a live
 * session (none presented, or ended) it is a fresh, empty session (`isNew`, no `userId`) that
 * reads as empty and throws on every write, since its id could never reach the client; nothing
 * of it is ever stored.
 */
export function socketSession(session: ActiveSession): ActiveSession {
  const absent = session.isNew;
  return new Proxy(session, {
    get(target, property) {
      if (NEW_ID_STEPS.has(property)) return () => Promise.reject(new Error(NO_NEW_ID));
      if (absent) {
        if (property === 'save') return () => Promise.reject(new Error(NO_SESSION));
        if (WRITES.has(property)) {
          return () => {
            throw new Error(NO_SESSION);
          };
        }
        // Nothing to store, also with `saveUninitialized` (the id would reach no one).
        if (property === 'commit') return () => undefined;
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
