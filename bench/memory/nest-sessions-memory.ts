import { randomBytes } from 'node:crypto';
import { MemoryStore } from '../../lib/stores/memory/memory.store';
import type { SessionChanges } from '../../lib/stores/session-store';
import { measureStore, runMain, SESSION_LIFETIME_MS } from './measure';

/** One value per session, as in express-session's run: what one `session.set('n', 1)` sends. */
const CHANGES: SessionChanges = {
  clear: false,
  set: new Map([['n', '1']]),
  delete: new Set(),
  increment: new Map(),
};

/**
 * nest-sessions' MemoryStore through the store API, `apply(key, changes, expiry, createMeta)`.
 * Without any access, only its own (unref'd, default 10 s) sweep timer reclaims expired sessions.
 */
runMain(() => {
  const store = new MemoryStore({ maxSessions: 2_000_000 });
  return measureStore({
    createOne: async () => {
      const now = Date.now();
      const expiresAt = now + SESSION_LIFETIME_MS;
      // Store keys are a one-way hash of the session id: 32 bytes in base64url.
      await store.apply(
        randomBytes(32).toString('base64url'),
        CHANGES,
        { expiresAt, lastSeenAt: now },
        { createdAt: now, expiresAt, lastSeenAt: now },
      );
    },
    count: () => store.count(),
    close: () => store.onApplicationShutdown(),
  });
});
