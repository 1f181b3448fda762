import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { SessionStore, UserBinding } from '../stores/session-store';
import {
  isCountingStore,
  isPeekableStore,
  isPingableStore,
  isSharedCacheStore,
  isUserIndexStore,
} from '../stores/session-store';
import type { ConformanceRunner, ConformanceTest } from './conformance-runner';
import { skipRunningTest } from './conformance-runner';
import type { ConformanceFixture } from './conformance-fixture';
import { expiryIn, metaFor, sleep } from './conformance-fixture';
import { sets } from './session-changes';

/**
 * A test that runs only on a store with the capability `is` recognises; on another it is marked
 * skipped where the runner can (see `skipRunningTest`) and otherwise passes without asserting.
 */
export function needing<S extends SessionStore>(
  fx: ConformanceFixture,
  is: (store: SessionStore) => store is S,
  capability: string,
  body: (store: S) => Promise<void>,
): ConformanceTest {
  return async (...args) => {
    const store = await fx.store();
    if (!is(store)) return skipRunningTest(args, `the store is no ${capability}`);
    await body(store);
  };
}

/** The optional capabilities: `peek`, `ping`, `count`, the user index and the shared cache. */
export function describeCapabilities({ describe, it }: ConformanceRunner, fx: ConformanceFixture): void {
  it(
    'answers a peek as load would, or not at all, when it can peek (PeekableStore only)',
    needing(fx, isPeekableStore, 'PeekableStore', async (store) => {
      const key = await fx.create({ n: 1 });
      const peeked = store.peek(key);
      if (peeked !== undefined) {
        const loaded = await store.load(key);
        assert.deepEqual(peeked && [...peeked.data], loaded && [...loaded.data]);
      }
      await store.destroy(key);
      const gone = store.peek(key);
      assert.ok(gone === null || gone === undefined, 'a destroyed session is not handed over');
      const short = await fx.create({ n: 1 }, 100);
      await sleep(250);
      const expired = store.peek(short);
      assert.ok(expired === null || expired === undefined, 'an expired session is not handed over');
    }),
  );

  it(
    'answers ping, changing nothing, when it supports ping (PingableStore only)',
    needing(fx, isPingableStore, 'PingableStore', async (store) => {
      const key = await fx.create({ kept: '1' });
      await store.ping();
      await store.ping();
      assert.equal((await fx.data(key)).kept, '1');
    }),
  );

  it(
    'counts live sessions when it supports count (CountingStore only)',
    needing(fx, isCountingStore, 'CountingStore', async (store) => {
      const before = await store.count();
      const made = [await fx.create(), await fx.create(), await fx.create()];
      assert.equal(await store.count(), before + 3);
      await store.destroy(made[0]);
      assert.equal(await store.count(), before + 2);
    }),
  );

  it(
    "lists a user's live sessions oldest first when it keeps a user index (UserIndexStore only)",
    needing(fx, isUserIndexStore, 'UserIndexStore', async (store) => {
      const userId = `user-${randomUUID()}`;
      const first = await fx.create({}, 60_000, { userId, userAgent: 'first' });
      await sleep(5);
      const second = await fx.create({}, 60_000, { userId, userAgent: 'second' });
      await sleep(5);
      const short = await fx.create({}, 300, { userId, userAgent: 'short-lived' });
      await fx.create({}, 60_000, { userId: `${userId}-other` });
      let listed = await store.listByUser(userId);
      assert.deepEqual(
        listed.map((e) => e.key),
        [first, second, short],
      );
      assert.deepEqual(
        listed.map((e) => e.meta.userAgent),
        ['first', 'second', 'short-lived'],
      );
      await store.destroy(first);
      await sleep(700);
      listed = await store.listByUser(userId);
      assert.deepEqual(
        listed.map((e) => e.key),
        [second],
      );
      assert.deepEqual(await store.listByUser(`nobody-${randomUUID()}`), []);
    }),
  );

  it(
    'keeps, expires and deletes cached values when it has a cache (SharedCacheStore only)',
    needing(fx, isSharedCacheStore, 'SharedCacheStore', async (store) => {
      const name = `cache-${randomUUID()}`;
      assert.equal(await store.getCached(name), null);
      await store.setCached(name, '{"name":"Ada"}', 60_000);
      assert.equal(await store.getCached(name), '{"name":"Ada"}');
      await store.deleteCached(name);
      assert.equal(await store.getCached(name), null);
      await store.setCached(name, 'short', 300);
      await sleep(700);
      assert.equal(await store.getCached(name), null);
    }),
  );

  describe('user rules, atomic in the store (UserIndexStore only)', () => {
    describeUserRules(it, fx);
  });
}

function describeUserRules(it: ConformanceRunner['it'], fx: ConformanceFixture): void {
  const userOf = () => `user-${randomUUID()}`;
  const bind = async (userId: string, createdAt: number, binding: UserBinding = {}, ttl = 60_000) => {
    const store = await fx.store();
    const k = fx.key();
    const meta = { ...metaFor(ttl, { userId }), createdAt };
    const created = await store.apply(k, sets({ mine: k }), expiryIn(ttl), meta, binding);
    return { k, created };
  };
  const alive = async (keys: string[]) => {
    const store = await fx.store();
    return (await Promise.all(keys.map(async (k) => ((await store.load(k)) ? k : null)))).filter(Boolean);
  };

  it(
    'destroyByUser destroys every session of the user but the one kept, and names them',
    needing(fx, isUserIndexStore, 'UserIndexStore', async (store) => {
      const userId = userOf();
      const made: string[] = [];
      for (let i = 0; i < 4; i++) made.push((await bind(userId, Date.now() + i)).k);
      const other = (await bind(userOf(), Date.now())).k;
      const destroyed = await store.destroyByUser(userId, made[2]);
      assert.deepEqual([...destroyed].sort(), [made[0], made[1], made[3]].sort());
      assert.deepEqual(await alive([...made, other]), [made[2], other]);
      assert.deepEqual(
        (await store.listByUser(userId)).map((e) => e.key),
        [made[2]],
      );
      assert.deepEqual(await store.destroyByUser(userId), [made[2]]);
      assert.deepEqual(await store.listByUser(userId), []);
    }),
  );

  it(
    'files a regenerated session in place of the old one only while the old one is indexed',
    needing(fx, isUserIndexStore, 'UserIndexStore', async (store) => {
      const userId = userOf();
      const old = (await bind(userId, Date.now())).k;
      const moved = await bind(userId, Date.now(), { replaces: old });
      assert.equal(moved.created, true);
      assert.deepEqual(
        (await store.listByUser(userId)).map((e) => e.key),
        [moved.k],
      );
      // A second regeneration of the same old session is refused, and leaves nothing behind.
      const again = await bind(userId, Date.now(), { replaces: old });
      assert.equal(again.created, false);
      assert.equal(await store.load(again.k), null);
      // After "log out everywhere", regenerating a session that was logged out is refused too.
      await store.destroyByUser(userId);
      const late = await bind(userId, Date.now(), { replaces: moved.k });
      assert.equal(late.created, false);
      assert.deepEqual(await alive([old, moved.k, again.k, late.k].filter((k) => k !== old)), []);
    }),
  );

  it(
    'keeps the newest sessions of a user past a limit, destroying the older ones',
    needing(fx, isUserIndexStore, 'UserIndexStore', async (store) => {
      const userId = userOf();
      const start = Date.now();
      const older: string[] = [];
      for (let i = 0; i < 3; i++) older.push((await bind(userId, start + i)).k);
      const newest = (await bind(userId, start + 10, { limit: 2 })).k;
      assert.deepEqual(await alive([...older, newest]), [older[2], newest]);
      assert.deepEqual(
        (await store.listByUser(userId)).map((e) => e.key),
        [older[2], newest],
      );
    }),
  );

  it(
    'reports each live session a limit destroys, and no other (the module publishes them as destroyed)',
    needing(fx, isUserIndexStore, 'UserIndexStore', async (store) => {
      const reported: [key: string, userId: string][] = [];
      store.onEvicted((key, userId) => reported.push([key, userId]));
      const userId = userOf();
      const start = Date.now();
      const older: string[] = [];
      for (let i = 0; i < 3; i++) older.push((await bind(userId, start + i)).k);
      await bind(userId, start + 5, {}, 100); // expires before the limit applies: not reported
      await sleep(250);
      await bind(userOf(), start + 6, { limit: 1 }); // another user's limit takes nothing of this one
      // A regeneration under the limit: the session it replaces leaves, and is no eviction.
      const moved = (await bind(userId, start + 10, { replaces: older[2], limit: 2 })).k;
      assert.deepEqual(await alive([...older, moved]), [older[1], older[2], moved]);
      assert.deepEqual(reported, [[older[0], userId]]);
    }),
  );

  it(
    'counts only live sessions against a limit: an expired one does not cost a live one its place',
    needing(fx, isUserIndexStore, 'UserIndexStore', async () => {
      const userId = userOf();
      const start = Date.now();
      const older = (await bind(userId, start)).k;
      // Newer than `older` but abandoned: it expires while `older` stays in use.
      const expired = (await bind(userId, start + 1, {}, 150)).k;
      await new Promise((resolve) => setTimeout(resolve, 400));
      const newest = (await bind(userId, start + 10, { limit: 2 })).k;
      assert.deepEqual(await alive([older, expired, newest]), [older, newest]);
    }),
  );

  for (const limit of [1, 2]) {
    it(
      `keeps exactly the ${limit} newest of 20 concurrent logins`,
      needing(fx, isUserIndexStore, 'UserIndexStore', async () => {
        const userId = userOf();
        const start = Date.now();
        const logins = await Promise.all(
          Array.from({ length: 20 }, (_, i) => bind(userId, start + i, { limit })),
        );
        const keys = logins.map((l) => l.k);
        assert.deepEqual(await alive(keys), keys.slice(-limit));
      }),
    );
  }

  it(
    'leaves no session of the user when destroyByUser races regenerations of all of them',
    needing(fx, isUserIndexStore, 'UserIndexStore', async (store) => {
      const userId = userOf();
      const sessions: string[] = [];
      for (let i = 0; i < 10; i++) sessions.push((await bind(userId, Date.now())).k);
      // As the module regenerates a user's session: file the new key in the old one's place,
      // then destroy the old one.
      const regenerate = async (old: string) => {
        const moved = await bind(userId, Date.now(), { replaces: old });
        if (moved.created) await store.destroy(old);
        return moved;
      };
      const [moved] = await Promise.all([Promise.all(sessions.map(regenerate)), store.destroyByUser(userId)]);
      // A regeneration filed before the logout was destroyed by it; one after it was refused.
      assert.deepEqual(await alive([...sessions, ...moved.map((m) => m.k)]), []);
    }),
  );
}
