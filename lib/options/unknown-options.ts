import { InvalidSessionOptionsError } from '../errors/invalid-session-options.error';
import { SessionStore } from '../stores/session-store';

/**
 * What to write instead of an express-session option (or a cookie attribute) that has no place
 * here, so a migrating app learns the replacement from the start-up error.
 */
const HINTS: Readonly<Record<string, string>> = {
  name: 'use cookie.name instead',
  key: 'use cookie.name instead',
  resave: 'not needed: changes are saved as per-key deltas, so remove it',
  unset: 'not needed: call session.destroy() to end a session, so remove it',
  proxy:
    "set the platform's trust proxy instead (Express: app.set('trust proxy', ...), Fastify: " +
    'new FastifyAdapter({ trustProxy }))',
  'cookie.expires': 'use cookie.maxAge (ms) instead',
  'cookie.signed': 'use the top-level secret option instead',
};

/**
 * Throws `InvalidSessionOptionsError` for the first key of `options` not in `known`, naming it as
 * `prefix + key` (`cookie.expires`) with a hint when one is known.
 */
export function rejectUnknownOptions(options: object, known: ReadonlySet<string>, prefix = ''): void {
  for (const key of Object.keys(options)) {
    if (known.has(key)) continue;
    const name = `${prefix}${key}`;
    const hint = HINTS[name];
    throw new InvalidSessionOptionsError(`unknown option '${name}'${hint ? `; ${hint}` : ''}`);
  }
}

/**
 * Refuses a `store` that is neither a `SessionStore` nor `{ useClass }`; a connect-style store
 * (express-session's `get`/`set`/`destroy` callbacks) gets told why it does not fit.
 */
export function assertStoreOption(store: unknown): void {
  if (store === undefined || store instanceof SessionStore) return;
  if (typeof store === 'object' && store !== null) {
    const connect = store as Record<string, unknown>;
    if (['get', 'set', 'destroy'].every((m) => typeof connect[m] === 'function')) {
      throw new InvalidSessionOptionsError(
        'store looks like an express-session (connect) store; express-session stores are not ' +
          'SessionStores: use MemoryStore/RedisStore or implement SessionStore',
      );
    }
    if (typeof connect.useClass === 'function') return;
  }
  throw new InvalidSessionOptionsError(
    'store must be a SessionStore instance or { useClass: SessionStoreClass }',
  );
}
