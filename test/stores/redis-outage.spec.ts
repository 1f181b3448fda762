import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisStore } from '../../lib/stores/redis';
import type { RedisServerHandle } from '../support/redis-server';
import { startRedisServer, waitUntil } from '../support/redis-server';
import { changes } from '../../lib/testing';

/** The stores' `commandTimeout`: how long a call waits for the client's first connection. */
const TIMEOUT = 300;
const key = () => randomBytes(32).toString('base64url');
const expiry = () => ({ expiresAt: Date.now() + 60_000, lastSeenAt: Date.now() });
const meta = () => ({ createdAt: Date.now(), expiresAt: Date.now() + 60_000, lastSeenAt: Date.now() });
const one = changes({ set: new Map([['a', '1']]) });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Outcome<T> {
  ok: boolean;
  ms: number;
  value?: T;
  error?: Error;
}

/** How a call ended, with what, and how long it took. */
async function timed<T>(call: () => Promise<T>): Promise<Outcome<T>> {
  const started = Date.now();
  try {
    const value = await call();
    return { ok: true, ms: Date.now() - started, value };
  } catch (error) {
    return { ok: false, ms: Date.now() - started, error: error as Error };
  }
}

/** A call's outcome, or 'pending' when it has not settled within `ms`. */
function within<T>(ms: number, call: () => Promise<T>): Promise<Outcome<T> | 'pending'> {
  return Promise.race([timed(call), sleep(ms).then(() => 'pending' as const)]);
}

describe.each([
  ['a client passed in (ioredis defaults: offline queue, retries)', 'borrowed'],
  ['a connection made by RedisStore.connect()', 'owned'],
] as const)('RedisStore outage with %s', (_name, kind) => {
  let server: RedisServerHandle;
  let store: RedisStore;
  let client: Redis | undefined;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    server = await startRedisServer();
    if (kind === 'owned') {
      store = RedisStore.connect({ host: server.host, port: server.port }, { commandTimeout: TIMEOUT });
    } else {
      client = new Redis({ host: server.host, port: server.port });
      client.on('error', () => undefined);
      store = new RedisStore({ client, commandTimeout: TIMEOUT });
    }
  });
  afterAll(async () => {
    await store?.onApplicationShutdown();
    client?.disconnect();
    await server?.stop();
    process.off('unhandledRejection', onUnhandled);
    vi.restoreAllMocks();
  });

  it('fails calls at once while Redis is down, settles those in flight, and recovers when it is back', async () => {
    const k = key();
    expect(await store.apply(k, one, expiry(), meta())).toBe(true);

    // Calls in flight when the server dies.
    const inFlight = Array.from({ length: 50 }, (_, i) =>
      timed<unknown>(() => (i % 2 ? store.load(k) : store.apply(k, one, expiry()))),
    );
    await server.kill();
    // Once the client has seen the connection close, calls fail at once instead of queueing.
    await waitUntil(
      'calls to fail',
      async () => {
        const probe = await within(100, () => store.touch(k, expiry()));
        return probe !== 'pending' && !probe.ok;
      },
      5_000,
      10,
    );
    const calls: (() => Promise<unknown>)[] = [
      () => store.load(k),
      () => store.apply(k, one, expiry()),
      () => store.touch(k, expiry()),
      () => store.destroy(k),
    ];
    const during = await Promise.all(Array.from({ length: 20 }, (_, i) => timed(calls[i % 4])));
    for (const call of during) {
      expect(call.ok).toBe(false);
      expect(call.ms).toBeLessThan(50);
      expect(call.error!.message).toMatch(
        /^RedisStore (load|apply|touch|destroy) failed: the Redis connection is not ready/,
      );
    }

    await server.restart();
    // Calls cut off by the outage settle: failed with the store's error, or answered when ioredis
    // resent them on the reconnect.
    for (const call of await Promise.all(inFlight)) {
      if (call.ok) continue;
      expect(call.error).toBeInstanceOf(Error);
      expect(call.error!.message).toMatch(/^RedisStore (load|apply) failed: /);
      expect(call.error!.cause).toBeDefined();
    }
    // Same store instance, no help: ioredis reconnects and calls work again.
    await waitUntil('the store to answer again', async () => (await store.load(k)) === null, 10_000, 50);
    const fresh = key();
    expect(await store.apply(fresh, one, expiry(), meta())).toBe(true);
    expect((await store.load(fresh))?.data.get('a')).toBe('1');
    expect(unhandled).toEqual([]);
  });

  it('puts no timer of its own on a call sent to a hung Redis: the call gets its reply late', async () => {
    const k = key();
    await store.apply(k, one, expiry(), meta());
    server.pause();
    let calls: [
      Promise<Outcome<unknown>>,
      Promise<Outcome<boolean>>,
      Promise<Outcome<boolean>>,
      Promise<Outcome<number>>,
    ];
    try {
      calls = [
        timed(() => store.load(k)),
        timed(() => store.apply(k, changes({ increment: new Map([['n', 1]]) }), expiry())),
        timed(() => store.touch(k, expiry())),
        timed(() => store.count()),
      ];
      // Well past commandTimeout: only the caller's deadline (the module's storeTimeout) ends
      // the wait for a command already sent.
      const first = await Promise.race([Promise.race(calls), sleep(3 * TIMEOUT).then(() => 'pending')]);
      expect(first).toBe('pending');
    } finally {
      server.resume();
    }
    const [load, apply, touch, count] = await Promise.all(calls);
    for (const call of [load, apply, touch, count]) {
      expect(call.error).toBeUndefined();
      expect(call.ms).toBeGreaterThanOrEqual(3 * TIMEOUT - 5);
    }
    expect(apply.value).toBe(true);
    expect(touch.value).toBe(true);
    expect(count.value).toBeGreaterThanOrEqual(1);
    expect((await store.load(k))?.data.get('n')).toBe('1');
    expect(unhandled).toEqual([]);
  });
});

describe('RedisStore calls waiting for a connection', () => {
  it('wait for the first connection up to commandTimeout, and a call that gave up is never sent', async () => {
    const server = await startRedisServer();
    const client = new Redis({ host: server.host, port: server.port, lazyConnect: true });
    client.on('error', () => undefined);
    try {
      const store = new RedisStore({ client, commandTimeout: TIMEOUT });
      // A hung server accepts the connection but never answers the ready check.
      server.pause();
      const k = key();
      const call = await timed(() => store.apply(k, one, expiry(), meta()));
      expect(call.ok).toBe(false);
      expect(call.ms).toBeGreaterThanOrEqual(TIMEOUT - 5);
      expect(call.ms).toBeLessThan(TIMEOUT + 150);
      expect(call.error!.message).toMatch(
        /^RedisStore apply failed: not connected within 300 ms \(commandTimeout\)/,
      );
      server.resume();
      await waitUntil('the client to be ready', async () => client.status === 'ready', 5_000, 20);
      await sleep(50);
      expect(await client.exists(`sess:{${k}}`)).toBe(0);
      expect(await store.apply(k, one, expiry(), meta())).toBe(true);
    } finally {
      server.resume();
      client.disconnect();
      await server.stop();
    }
  });

  it('wait for the first connection only: while a connected client reconnects, calls fail at once', async () => {
    const server = await startRedisServer();
    const client = new Redis({ host: server.host, port: server.port });
    client.on('error', () => undefined);
    try {
      const store = new RedisStore({ client, commandTimeout: TIMEOUT });
      const k = key();
      expect(await store.apply(k, one, expiry(), meta())).toBe(true);
      // The server drops the connection and hangs: ioredis reconnects, the server accepts the new
      // connection but never answers its ready check.
      await server.command('CLIENT', 'KILL', 'TYPE', 'normal');
      server.pause();
      await waitUntil('the client to reconnect', async () => client.status === 'connect', 5_000, 5);
      const call = await timed(() => store.load(k));
      expect(call.ok).toBe(false);
      expect(call.ms).toBeLessThan(50);
      expect(call.error!.message).toMatch(
        /^RedisStore load failed: the Redis connection is not ready \(connect\)/,
      );
      server.resume();
      await waitUntil('the store to answer again', async () => (await store.load(k)) !== null, 5_000, 20);
    } finally {
      server.resume();
      client.disconnect();
      await server.stop();
    }
  });
});
