import assert from 'node:assert/strict';
import type { ConformanceRunner } from './conformance-runner';
import type { ConformanceFixture } from './conformance-fixture';
import { expiryIn, sleep } from './conformance-fixture';
import { changes, sets } from './session-changes';

/** What every store must do: the four required methods, under concurrency and expiry. */
export function describeRequiredMethods({ it }: ConformanceRunner, fx: ConformanceFixture): void {
  it('loads nothing for an unknown key', async () => {
    assert.equal(await (await fx.store()).load(fx.key()), null);
  });

  it('creates a session and loads its data and metadata back', async () => {
    const k = await fx.create({ a: 1, b: 'two', c: { nested: [1, 2] } }, 60_000, {
      userAgent: 'agent/1.0',
      ip: '127.0.0.9',
      ttl: 60_000,
    });
    const loaded = await fx.loaded(k);
    assert.deepEqual(fx.decode(loaded), { a: 1, b: 'two', c: { nested: [1, 2] } });
    assert.equal(loaded.meta.userAgent, 'agent/1.0');
    assert.equal(loaded.meta.ip, '127.0.0.9');
    assert.equal(loaded.meta.ttl, 60_000);
    assert.ok(loaded.meta.expiresAt > Date.now() + 50_000, `expiresAt ${loaded.meta.expiresAt} too soon`);
    assert.ok(loaded.meta.createdAt <= Date.now(), `createdAt ${loaded.meta.createdAt} in the future`);
  });

  it('does not bring back an absent session when applying without create', async () => {
    const store = await fx.store();
    const k = fx.key();
    assert.equal(await store.apply(k, sets({ a: 1 }), expiryIn(60_000)), false);
    assert.equal(await store.load(k), null);
  });

  it('applies set, delete and increment as a delta over the stored data', async () => {
    const k = await fx.create({ keep: 'yes', drop: 1, n: 5 });
    await (
      await fx.store()
    ).apply(
      k,
      changes({
        set: new Map([['added', '"x"']]),
        delete: new Set(['drop']),
        increment: new Map([
          ['n', 3],
          ['fresh', 2],
          ['half', 0.5],
        ]),
      }),
      expiryIn(60_000),
    );
    assert.deepEqual(await fx.data(k), { keep: 'yes', added: 'x', n: 8, fresh: 2, half: 0.5 });
  });

  it('counts a non-numeric value as 0 when incrementing it', async () => {
    const k = await fx.create({ s: 'text' });
    await (await fx.store()).apply(k, changes({ increment: new Map([['s', 4]]) }), expiryIn(60_000));
    assert.equal((await fx.data(k)).s, 4);
  });

  it('adds increments as JavaScript numbers do: exact integers, the same doubles', async () => {
    const store = await fx.store();
    const k = await fx.create({ big: 2 ** 53 - 3, f: 0.1, neg: -1 });
    const step = (big: number, f: number) =>
      store.apply(
        k,
        changes({
          increment: new Map([
            ['big', big],
            ['f', f],
            ['neg', -0.5],
          ]),
        }),
        expiryIn(60_000),
      );
    await step(1, 0.2);
    await step(1, 1 / 3);
    const data = await fx.data(k);
    assert.equal(data.big, 2 ** 53 - 1);
    assert.equal(data.f, 0.1 + 0.2 + 1 / 3);
    assert.equal(data.neg, -2);
  });

  it('clears the stored keys before the same change set sets new ones', async () => {
    const k = await fx.create({ old1: 1, old2: 2 });
    await (
      await fx.store()
    ).apply(k, changes({ clear: true, set: new Map([['new', '1']]) }), expiryIn(60_000));
    assert.deepEqual(await fx.data(k), { new: 1 });
  });

  it('keeps keys that look like object internals or store metadata as plain data', async () => {
    const odd = { constructor: 1, hasOwnProperty: 2, toString: 3, 'a:b': 4, 'ключ ✓': 5, '': 6 };
    const k = await fx.create(odd);
    assert.deepEqual(await fx.data(k), odd);
  });

  it('round-trips a large value', async () => {
    const big = 'x'.repeat(200_000);
    const k = await fx.create({ big });
    assert.equal((await fx.data(k)).big, big);
  });

  it('keeps every key of 100 concurrent change sets on one session', async () => {
    const store = await fx.store();
    const k = await fx.create();
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => store.apply(k, sets({ [`k${i}`]: i }), expiryIn(60_000))),
    );
    const data = await fx.data(k);
    assert.equal(Object.keys(data).length, 100);
    for (let i = 0; i < 100; i++) assert.equal(data[`k${i}`], i);
  });

  it('adds up 100 concurrent increments', async () => {
    const store = await fx.store();
    const k = await fx.create();
    await Promise.all(
      Array.from({ length: 100 }, () =>
        store.apply(k, changes({ increment: new Map([['n', 1]]) }), expiryIn(60_000)),
      ),
    );
    assert.equal((await fx.data(k)).n, 100);
  });

  it('touches: extends the expiry and keeps the data; false when gone', async () => {
    const store = await fx.store();
    const k = await fx.create({ a: 1 }, 60_000);
    const later = { expiresAt: Date.now() + 120_000, lastSeenAt: Date.now() + 5, ttl: 120_000 };
    assert.equal(await store.touch(k, later), true);
    const loaded = await fx.loaded(k);
    assert.deepEqual(fx.decode(loaded), { a: 1 });
    assert.equal(loaded.meta.expiresAt, later.expiresAt);
    assert.equal(loaded.meta.lastSeenAt, later.lastSeenAt);
    assert.equal(loaded.meta.ttl, 120_000);
    assert.equal(await store.touch(fx.key(), later), false);
  });

  it('destroys: gone afterwards, true only the first time', async () => {
    const store = await fx.store();
    const k = await fx.create({ a: 1 });
    assert.equal(await store.destroy(k), true);
    assert.equal(await store.load(k), null);
    assert.equal(await store.destroy(k), false);
    assert.equal(await store.apply(k, sets({ a: 2 }), expiryIn(60_000)), false);
    assert.equal(await store.load(k), null);
  });

  it('expires a session at its expiry and does not revive it by apply or touch', async () => {
    const store = await fx.store();
    const k = await fx.create({ a: 1 }, 300);
    assert.notEqual(await store.load(k), null);
    await sleep(700);
    assert.equal(await store.load(k), null);
    assert.equal(await store.apply(k, sets({ a: 2 }), expiryIn(60_000)), false);
    assert.equal(await store.touch(k, expiryIn(60_000)), false);
    assert.equal(await store.load(k), null);
  });
}
