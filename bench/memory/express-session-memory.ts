import { randomBytes } from 'node:crypto';
import { Cookie, MemoryStore } from 'express-session';
import { measureStore, runMain, SESSION_LIFETIME_MS } from './measure';

// express-session's Cookie takes its options (the typings omit the parameter).
const CookieWithOptions = Cookie as unknown as new (options: object) => Cookie;

/**
 * express-session's MemoryStore: sessions created through `store.set(sid, session, cb)`, as
 * express-session does (a Cookie plus one value). It drops an expired session only when it is
 * read; `length()` reads them all.
 */
runMain(() => {
  const store = new MemoryStore();
  return measureStore({
    createOne: () =>
      new Promise<void>((resolve, reject) =>
        store.set(
          // express-session ids: uid-safe, 24 random bytes in base64url.
          randomBytes(24).toString('base64url'),
          {
            cookie: new CookieWithOptions({ maxAge: SESSION_LIFETIME_MS, httpOnly: true, path: '/' }),
            n: 1,
          } as never,
          (err?: Error) => (err ? reject(err) : resolve()),
        ),
      ),
    count: () =>
      new Promise<number>((resolve, reject) =>
        store.length((err: Error | null, n?: number) => (err ? reject(err) : resolve(n ?? 0))),
      ),
  });
});
