import assert from 'node:assert/strict';
import type { SessionChanges, UnreadWriteRules } from '../stores/session-store';
import { isUnreadWriteStore } from '../stores/session-store';
import { needing } from './capability-conformance';
import type { ConformanceRunner } from './conformance-runner';
import type { ConformanceFixture } from './conformance-fixture';
import { sleep } from './conformance-fixture';
import { changes, sets } from './session-changes';

const STORE = 'UnreadWriteStore';

const rules = (extra: Partial<UnreadWriteRules> = {}): UnreadWriteRules => ({
  now: Date.now(),
  idleTimeout: 60_000,
  absoluteTimeout: 3_600_000,
  maxBytes: 65_536,
  ...extra,
});

/** What `maxSessionBytes` counts for `values` (JSON texts): braces, then name, value, colon and comma each. */
function jsonBytes(values: Record<string, string>): number {
  let bytes = 2;
  for (const [name, json] of Object.entries(values)) {
    bytes += Buffer.byteLength(JSON.stringify(name)) + Buffer.byteLength(json) + 2;
  }
  return bytes;
}

const increments = (by: Record<string, number>): SessionChanges =>
  changes({ increment: new Map(Object.entries(by)) });

/** `applyUnread`: a write to a session nobody read first, checked by the store itself. */
export function describeUnreadWrites({ describe, it }: ConformanceRunner, fx: ConformanceFixture): void {
  describe('writes to a session not read first (UnreadWriteStore only)', () => {
    it(
      'applies sets, deletes and increments to a live session and returns its new expiry',
      needing(fx, isUnreadWriteStore, STORE, async (store) => {
        const key = await fx.create({ kept: 'a', gone: 1, n: 2 });
        const created = (await fx.loaded(key)).meta.createdAt;
        const now = Date.now();
        const result = await store.applyUnread(
          key,
          changes({
            set: new Map([['added', '"b"']]),
            delete: new Set(['gone']),
            increment: new Map([
              ['n', 3],
              ['fresh', 1],
            ]),
          }),
          rules({ now, idleTimeout: 30_000 }),
        );
        assert.equal(result.status, 'applied');
        assert.ok(result.status === 'applied');
        assert.equal(result.meta.createdAt, created);
        assert.equal(result.meta.expiresAt, now + 30_000);
        assert.equal(result.meta.lastSeenAt, now);
        assert.deepEqual(await fx.data(key), { kept: 'a', added: 'b', n: 5, fresh: 1 });
        const stored = await fx.loaded(key);
        assert.equal(stored.meta.expiresAt, now + 30_000);
      }),
    );

    it(
      'clears first when asked, and keeps the user it is bound to',
      needing(fx, isUnreadWriteStore, STORE, async (store) => {
        const key = await fx.create({ a: 1, b: 2 }, 60_000, { userId: 'unread-user' });
        const result = await store.applyUnread(key, { ...sets({ c: 3 }), clear: true }, rules());
        assert.ok(result.status === 'applied');
        assert.equal(result.meta.userId, 'unread-user');
        assert.deepEqual(await fx.data(key), { c: 3 });
      }),
    );

    it(
      'answers absent, creating nothing, for an unknown key or one past its idle or absolute expiry',
      needing(fx, isUnreadWriteStore, STORE, async (store) => {
        const unknown = fx.key();
        assert.deepEqual(await store.applyUnread(unknown, sets({ n: 1 }), rules()), { status: 'absent' });
        assert.equal(await store.load(unknown), null);

        // Alive by its stored expiry, but created longer ago than the absolute timeout.
        const old = await fx.create({ n: 1 }, 60_000, { createdAt: Date.now() - 10_000 });
        const late = await store.applyUnread(old, increments({ n: 1 }), rules({ absoluteTimeout: 5_000 }));
        assert.deepEqual(late, { status: 'absent' });
        assert.deepEqual(await fx.data(old), { n: 1 });

        const idle = await fx.create({ n: 1 }, 150);
        await sleep(300);
        assert.deepEqual(await store.applyUnread(idle, increments({ n: 1 }), rules()), { status: 'absent' });
      }),
    );

    it(
      "follows the session's own ttl instead of the idle timeout, and never passes the absolute deadline",
      needing(fx, isUnreadWriteStore, STORE, async (store) => {
        const own = await fx.create({}, 60_000, { ttl: 5_000 });
        const now = Date.now();
        const result = await store.applyUnread(own, sets({ x: 1 }), rules({ now }));
        assert.ok(result.status === 'applied');
        assert.equal(result.meta.expiresAt, now + 5_000);
        assert.equal(result.meta.ttl, 5_000);

        const created = Date.now() - 1_000;
        const capped = await fx.create({}, 60_000, { createdAt: created });
        const near = await store.applyUnread(capped, sets({ x: 1 }), rules({ now, absoluteTimeout: 3_000 }));
        assert.ok(near.status === 'applied');
        assert.equal(near.meta.expiresAt, created + 3_000);
      }),
    );

    it(
      'refuses, writing nothing, a change that would pass maxBytes, counted in bytes as the module counts them',
      needing(fx, isUnreadWriteStore, STORE, async (store) => {
        const stored = { 'é"\\\n': JSON.stringify('ü'.repeat(40)), n: '1' };
        const key = await fx.create({ 'é"\\\n': 'ü'.repeat(40), n: 1 });
        const added = JSON.stringify('x'.repeat(30));
        const after = jsonBytes({ ...stored, more: added, n: '11' });
        const change = changes({ set: new Map([['more', added]]), increment: new Map([['n', 10]]) });
        const refused = await store.applyUnread(key, change, rules({ maxBytes: after - 1 }));
        assert.deepEqual(refused, { status: 'too-large', bytes: after });
        assert.deepEqual(Object.keys(await fx.data(key)).sort(), ['n', 'é"\\\n'].sort());
        assert.equal((await fx.data(key)).n, 1);
        const taken = await store.applyUnread(key, change, rules({ maxBytes: after }));
        assert.equal(taken.status, 'applied');
        assert.equal((await fx.data(key)).n, 11);
      }),
    );

    it(
      'adds up concurrent increments',
      needing(fx, isUnreadWriteStore, STORE, async (store) => {
        const key = await fx.create({ n: 0 });
        await Promise.all(
          Array.from({ length: 25 }, () => store.applyUnread(key, increments({ n: 1 }), rules())),
        );
        assert.equal((await fx.data(key)).n, 25);
      }),
    );
  });
}
