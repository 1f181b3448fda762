import { randomBytes } from 'node:crypto';
import { Cookie, MemoryStore } from 'express-session';
import { advanceClock, args, report, SESSION_LIFETIME_MS, sleep, snapshot } from './measure';

/**
 * express-session's MemoryStore: create N sessions through `store.set(sid, session, cb)`, as
 * express-session does (a Cookie plus one value), let them expire, and see what is reclaimed.
 */
// express-session's Cookie takes its options (the typings omit the parameter).
const CookieWithOptions = Cookie as unknown as new (options: object) => Cookie;

async function main(): Promise<void> {
  const { sessions, idleWaitMs } = args();
  const store = new MemoryStore();
  const set = (sid: string, sess: object) =>
    new Promise<void>((resolve, reject) =>
      store.set(sid, sess as never, (err?: unknown) => (err ? reject(err) : resolve())),
    );
  const length = () =>
    new Promise<number>((resolve, reject) =>
      store.length((err: unknown, n?: number) => (err ? reject(err) : resolve(n ?? 0))),
    );

  const baseline = snapshot();
  const started = performance.now();
  for (let i = 0; i < sessions; i++) {
    // express-session ids: uid-safe, 24 random bytes in base64url.
    await set(randomBytes(24).toString('base64url'), {
      cookie: new CookieWithOptions({ maxAge: SESSION_LIFETIME_MS, httpOnly: true, path: '/' }),
      n: 1,
    });
  }
  const createMs = performance.now() - started;
  const created = snapshot();
  const liveAfterCreate = await length();

  advanceClock(SESSION_LIFETIME_MS + 60_000);
  await sleep(idleWaitMs);
  const expiredIdle = snapshot();
  // The store drops an expired session only when it is read; length() reads them all.
  const liveAfterExpiry = await length();
  const expiredScanned = snapshot();
  report({
    sessions,
    createMs,
    baseline,
    created,
    liveAfterCreate,
    expiredIdle,
    expiredScanned,
    liveAfterExpiry,
    idleWaitMs,
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
