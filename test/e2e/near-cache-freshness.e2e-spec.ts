import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../lib/stores/redis';
import { holdingProxy } from '../support/holding-proxy';
import type { RedisServerHandle } from '../support/redis-server';
import { startRedisServer, waitUntil } from '../support/redis-server';
import { ADAPTERS, createSessionTestApp } from '../support/session-test-app';
import { trackedClients } from '../support/tracked-clients';

/**
 * Read-your-writes across instances, made deterministic: instance B's invalidations are held back
 * (a proxy holds its subscriber's bytes), as when a client outruns them. A client that follows its
 * cookies still reads its own write through B; one that carries only the id cookie reads B's
 * stale copy until the invalidation arrives.
 */
describe.each(ADAPTERS)('near-cache read-your-writes across instances (%s)', (adapter) => {
  let server: RedisServerHandle;
  let proxy: Awaited<ReturnType<typeof holdingProxy>>;
  const clients = trackedClients();
  const stores: RedisStore[] = [];
  let a: INestApplication;
  let b: INestApplication;

  beforeAll(async () => {
    server = await startRedisServer();
    proxy = await holdingProxy(server.port);
    const app = async (port: number) => {
      const client = clients.track(new Redis({ host: server.host, port }));
      const store = new RedisStore({ client, nearCache: {} });
      stores.push(store);
      await waitUntil('tracking to arm', async () => store.nearCacheStats.active, 10_000, 10);
      return createSessionTestApp(adapter, { store });
    };
    a = await app(server.port);
    b = await app(proxy.port); // its connection is the proxy's first, its subscriber the second
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await Promise.all(stores.map((s) => s.onApplicationShutdown()));
    await clients.closeAll();
    proxy?.close();
    await server?.stop();
  });

  it('the writer reads its write through the other instance; a client without the token reads the stale copy', async () => {
    const created = await request(a.getHttpServer()).post('/set/v?value=one').expect(201);
    const setCookies = created.headers['set-cookie'] as unknown as string[];
    const pairs = () => setCookies.map((c) => c.split(';')[0]);
    expect(pairs().some((p) => p.startsWith('sid.v='))).toBe(true);
    let cookie = pairs().join('; ');
    const idOnly = pairs().find((p) => p.startsWith('sid='))!;
    // B caches the session.
    expect((await request(b.getHttpServer()).get('/read').set('Cookie', cookie)).body.data.v).toBe('one');

    proxy.hold(1);
    try {
      const written = await request(a.getHttpServer())
        .post('/set/v?value=two')
        .set('Cookie', cookie)
        .expect(201);
      const token = (written.headers['set-cookie'] as unknown as string[]).find((c) =>
        c.startsWith('sid.v='),
      )!;
      cookie = `${idOnly}; ${token.split(';')[0]}`;
      // Without the token, B serves its copy (the invalidation is still held): what a non-writer sees.
      const other = await request(b.getHttpServer()).get('/read').set('Cookie', idOnly).expect(200);
      expect(other.body.data.v).toBe('one');
      // The writer presents its token: B reloads.
      const mine = await request(b.getHttpServer()).get('/read').set('Cookie', cookie).expect(200);
      expect(mine.body.data.v).toBe('two');
    } finally {
      proxy.release(1);
    }
    expect((await request(b.getHttpServer()).get('/read').set('Cookie', idOnly)).body.data.v).toBe('two');
  });
});
