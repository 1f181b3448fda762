import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisStore } from '../../lib/stores/redis';
import { RedisServerHandle, startRedisServer, waitUntil } from '../support/redis-server';
import { changes } from './store-conformance';

const TIMEOUT = 300;
const key = () => randomBytes(32).toString('base64url');
const expiry = () => ({ expiresAt: Date.now() + 60_000, lastSeenAt: Date.now() });
const meta = () => ({ createdAt: Date.now(), expiresAt: Date.now() + 60_000, lastSeenAt: Date.now() });
const one = changes({ set: new Map([['a', '1']]) });

/** How a call ended and how long it took. */
async function timed(call: () => Promise<unknown>): Promise<{ ok: boolean; ms: number; error?: Error }> {
  const started = Date.now();
  try {
    await call();
    return { ok: true, ms: Date.now() - started };
  } catch (error) {
    return { ok: false, ms: Date.now() - started, error: error as Error };
  }
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

  it('fails within the timeout while Redis is down and recovers when it is back', async () => {
    const k = key();
    expect(await store.apply(k, one, expiry(), meta())).toBe(true);

    // Calls in flight when the server dies, and calls made while it is down.
    const inFlight = Array.from({ length: 50 }, (_, i) =>
      timed(() => (i % 2 ? store.load(k) : store.apply(k, one, expiry()))),
    );
    await server.kill();
    const during = await Promise.all([
      ...inFlight,
      ...Array.from({ length: 20 }, () => timed(() => store.load(k))),
    ]);
    for (const call of during) expect(call.ms).toBeLessThan(TIMEOUT + 150);
    const failed = during.filter((c) => !c.ok);
    expect(failed.length).toBeGreaterThanOrEqual(20);
    for (const { error } of failed) {
      expect(error).toBeInstanceOf(Error);
      expect(error!.message).toMatch(/^RedisStore (load|apply) failed: /);
      expect(error!.cause).toBeDefined();
    }
    // Once the client knows the connection is gone, calls fail at once instead of queueing.
    const fast = await timed(() => store.touch(k, expiry()));
    expect(fast.ok).toBe(false);
    expect(fast.ms).toBeLessThan(50);

    await server.restart();
    // Same store instance, no help: ioredis reconnects and calls work again.
    await waitUntil('the store to answer again', async () => (await store.load(k)) === null, 10_000, 50);
    const fresh = key();
    expect(await store.apply(fresh, one, expiry(), meta())).toBe(true);
    expect((await store.load(fresh))?.data.get('a')).toBe('1');
    expect(unhandled).toEqual([]);
  });

  it('fails within the timeout when Redis hangs without closing connections', async () => {
    const k = key();
    await store.apply(k, one, expiry(), meta());
    server.pause();
    try {
      const calls = await Promise.all([
        timed(() => store.load(k)),
        timed(() => store.apply(k, one, expiry())),
        timed(() => store.touch(k, expiry())),
        timed(() => store.count()),
      ]);
      for (const call of calls) {
        expect(call.ok).toBe(false);
        expect(call.ms).toBeGreaterThanOrEqual(TIMEOUT - 5);
        expect(call.ms).toBeLessThan(TIMEOUT + 150);
        expect(call.error!.message).toMatch(/no reply within 300 ms \(commandTimeout\)/);
      }
    } finally {
      server.resume();
    }
    await waitUntil('the store to answer again', async () => (await store.load(k)) !== null, 10_000, 50);
    expect(unhandled).toEqual([]);
  });
});

describe('RedisStore calls waiting for a connection', () => {
  it('gives up at the timeout and is never sent later', async () => {
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
      expect(call.ms).toBeLessThan(TIMEOUT + 150);
      server.resume();
      await waitUntil('the client to be ready', async () => client.status === 'ready', 5_000, 20);
      await new Promise((r) => setTimeout(r, 50));
      expect(await client.exists(`sess:{${k}}`)).toBe(0);
      expect(await store.apply(k, one, expiry(), meta())).toBe(true);
    } finally {
      server.resume();
      client.disconnect();
      await server.stop();
    }
  });
});
