import type { ActiveSession } from '../../session/active-session';

type Callback = (err?: unknown) => void;

/** express-session's `req.session.cookie`, read-only: what the session cookie says. */
export interface SessionViewCookie {
  readonly path: string;
  readonly httpOnly: boolean;
  readonly secure: boolean | 'auto';
  readonly sameSite: string;
  readonly domain?: string;
  readonly expires: Date;
  readonly maxAge: number;
  readonly originalMaxAge: number;
}

/** The cookie facts a view reports (from the module's settings). */
export interface SessionViewOptions {
  readonly cookie: Omit<SessionViewCookie, 'expires' | 'maxAge' | 'originalMaxAge'>;
  readonly lifetime: number;
}

/** Where Passport keeps its login (`passport.user`), in both Passport and @fastify/passport. */
const PASSPORT_KEY = 'passport';

/** Methods of both APIs; any other property is session data. */
const RESERVED = new Set([
  'id',
  'sessionId',
  'cookie',
  'regenerate',
  'save',
  'destroy',
  'reload',
  'touch',
  'resetMaxAge',
  'get',
  'set',
  'data',
  'then',
]);

/**
 * `req.session` / `request.session` for the middleware ecosystem (Passport, csrf-csrf,
 * connect-flash): express-session's API (`req.session.x = v`, `regenerate(cb)`, `save(cb)`, ...)
 * and @fastify/session's (`get`, `set`, promise-returning methods), over the request's one
 * session. Top-level properties are the session's keys: an assignment is a `set`, `delete` a
 * delete; objects read from it are kept, and written back before the session is saved when they
 * were changed in place (`req.session.passport.user = id`), so nested changes persist as a `set`
 * of their top-level key. `regenerate` means what it means there: a new id and no data.
 */
export function createSessionView(
  session: ActiveSession,
  options: SessionViewOptions,
  onError: (error: unknown) => void,
): object {
  /** Values handed out, with the JSON they had, to write back the ones changed in place. */
  const handedOut = new Map<string, { value: unknown; json: string }>();
  const remember = (key: string, value: unknown) => {
    if (typeof value === 'object' && value !== null)
      handedOut.set(key, { value, json: JSON.stringify(value) });
    else handedOut.delete(key);
  };
  session.beforeSave(() => {
    for (const [key, entry] of handedOut) {
      const json = JSON.stringify(entry.value);
      if (json !== entry.json) {
        session.set(key as never, entry.value);
        entry.json = json;
        bindPassportUser(key, entry.value);
      }
    }
  });
  const data = session as unknown as {
    get(key: string): unknown;
    set(key: string, value: unknown): void;
    delete(key: string): void;
  };
  /**
   * Passport keeps the logged-in user under `passport`: when it names a user the session is not
   * bound to, the session logs in as that user (a new id, indexed under the user, limits applied),
   * so listByUser and destroyByUser see Passport logins. Queued before the save that follows.
   */
  const bindPassportUser = (key: string, value: unknown) => {
    if (key !== PASSPORT_KEY) return;
    // Passport keeps `{ user }`, @fastify/passport the serialized user itself.
    const user = typeof value === 'object' && value !== null ? (value as { user?: unknown }).user : value;
    if ((typeof user === 'string' || typeof user === 'number') && String(user) !== session.userId) {
      session.login(String(user)).catch((error: unknown) => onError(error));
    }
  };

  const read = (key: string) => {
    const kept = handedOut.get(key);
    if (kept) return kept.value;
    const value = data.get(key);
    remember(key, value);
    return value;
  };
  const write = (key: string, value: unknown) => {
    data.set(key, value);
    remember(key, value);
    bindPassportUser(key, value);
  };
  const forget = (key: string) => {
    handedOut.delete(key);
    data.delete(key);
  };
  const done = (step: Promise<void>, cb?: Callback) => {
    if (cb) step.then(() => cb(), cb);
    return cb ? view : step;
  };
  const methods: Record<string, unknown> = {
    // express-session: regenerate(cb); @fastify/session: regenerate(keysToKeep?) returning a promise.
    regenerate: (arg?: Callback | string[]) => {
      const kept = (Array.isArray(arg) ? arg : []).map((key) => [key, data.get(key)] as const);
      handedOut.clear();
      const renewed = session.renew().then(() => {
        for (const [key, value] of kept) if (value !== undefined) write(key, value);
      });
      return done(renewed, typeof arg === 'function' ? arg : undefined);
    },
    save: (cb?: Callback) => done(session.save(), cb),
    destroy: (cb?: Callback) => {
      handedOut.clear();
      return done(session.destroy(), cb);
    },
    reload: (cb?: Callback) => {
      handedOut.clear();
      return done(session.reload(), cb);
    },
    touch: () => view,
    resetMaxAge: () => view,
    get: (key: string) => read(key),
    set: (key: string, value: unknown) => (value === undefined ? forget(key) : write(key, value)),
    data: () => session.all(),
  };
  const cookie = (): SessionViewCookie => {
    const expires = new Date(
      Math.min(session.createdAt.getTime() + options.lifetime, Date.now() + options.lifetime),
    );
    return {
      ...options.cookie,
      expires,
      maxAge: expires.getTime() - Date.now(),
      originalMaxAge: options.lifetime,
    };
  };
  const keys = () => Object.keys(session.all());
  const view: object = new Proxy(Object.create(null) as object, {
    get(_target, key) {
      if (typeof key !== 'string') return undefined;
      if (key === 'id' || key === 'sessionId') return session.id;
      if (key === 'cookie') return cookie();
      if (key in methods) return methods[key];
      if (key === 'then') return undefined; // never a thenable
      return read(key);
    },
    set(_target, key, value) {
      if (typeof key !== 'string' || RESERVED.has(key)) return false;
      if (value === undefined) forget(key);
      else write(key, value);
      return true;
    },
    deleteProperty(_target, key) {
      if (typeof key !== 'string' || RESERVED.has(key)) return false;
      forget(key);
      return true;
    },
    has(_target, key) {
      return typeof key === 'string' && (key === 'id' || key === 'cookie' || session.has(key));
    },
    ownKeys() {
      return ['cookie', ...keys()];
    },
    getOwnPropertyDescriptor(_target, key) {
      if (key === 'cookie') return { value: cookie(), enumerable: true, configurable: true, writable: false };
      if (typeof key !== 'string' || !session.has(key)) return undefined;
      return { value: read(key), enumerable: true, configurable: true, writable: true };
    },
  });
  return view;
}
