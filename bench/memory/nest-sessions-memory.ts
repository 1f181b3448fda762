import { randomBytes } from 'node:crypto';
import { MemoryStore } from '../../lib/stores/memory/memory.store';
import type { SessionChanges } from '../../lib/stores/session-store';
import { advanceClock, args, report, SESSION_LIFETIME_MS, sleep, snapshot } from './measure';

/** One value per session, as in express-session's run: what one `session.set('n', 1)` sends. */
const CHANGES: SessionChanges = {
  clear: false,
  set: new Map([['n', '1']]),
  delete: new Set(),
  increment: new Map(),
};

/**
 * nest-sessions' MemoryStore through the store API: create N sessions with `apply(key, changes,
 * expiry, createMeta)`, let them expire, and see what its sweep reclaims without any access.
 */
async function main(): Promise<void> {
  const { sessions, idleWaitMs } = args();
  const store = new MemoryStore({ maxSessions: 2_000_000 });

  const baseline = snapshot();
  const started = performance.now();
  for (let i = 0; i < sessions; i++) {
    const now = Date.now();
    const expiresAt = now + SESSION_LIFETIME_MS;
    // Store keys are a one-way hash of the session id: 32 bytes in base64url.
    await store.apply(
      randomBytes(32).toString('base64url'),
      CHANGES,
      { expiresAt, lastSeenAt: now },
      { createdAt: now, expiresAt, lastSeenAt: now },
    );
  }
  const createMs = performance.now() - started;
  const created = snapshot();
  const liveAfterCreate = await store.count();

  advanceClock(SESSION_LIFETIME_MS + 60_000);
  // No access at all: only the store's own (unref'd, default 10 s) sweep timer can reclaim them.
  await sleep(idleWaitMs);
  const expiredIdle = snapshot();
  const liveAfterExpiry = await store.count();
  const expiredScanned = snapshot();
  store.onApplicationShutdown();
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
