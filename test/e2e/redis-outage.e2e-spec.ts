import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../lib/stores/redis';
import type { RedisServerHandle } from '../support/redis-server';
import { startRedisServer } from '../support/redis-server';
import { ADAPTERS, cookiePair, createSessionTestApp, sessionCookie } from '../support/session-test-app';

describe.each(ADAPTERS)('Redis outage under traffic (%s)', (adapter) => {
  let server: RedisServerHandle;
  let client: Redis;
  let app: INestApplication;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    server = await startRedisServer();
    client = new Redis({
      host: server.host,
      port: server.port,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    });
    client.on('error', () => undefined);
    app = await createSessionTestApp(adapter, {
      store: new RedisStore({ client, commandTimeout: 500 }),
      storeTimeout: 800,
    });
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await app?.close();
    client?.disconnect();
    await server?.stop();
  });

  it('answers 503 fast while Redis is killed, keeps other routes up, and recovers without a restart', async () => {
    const http = app.getHttpServer();
    const cookie = cookiePair(sessionCookie(await request(http).post('/set/kept?value=before')));

    // traffic in flight while the server dies
    const inFlight = Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        request(http)
          .post(i % 2 ? '/incr' : '/set/k')
          .set('Cookie', cookie)
          .then((r) => r.status),
      ),
    );
    await server.kill();
    const statuses = await inFlight;
    expect(statuses.every((s) => s === 201 || s === 503)).toBe(true);

    const started = Date.now();
    const [read, write, untouched] = await Promise.all([
      request(http).get('/read').set('Cookie', cookie),
      request(http).post('/incr').set('Cookie', cookie),
      request(http).get('/untouched').set('Cookie', cookie),
    ]);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(read.status).toBe(503);
    expect(read.body.message).toMatch(/Session store unavailable/);
    expect(write.status).toBe(503);
    expect(untouched.status).toBe(200);

    await server.restart();
    // The server kept nothing (no persistence): the old session is gone, new ones work again.
    let recovered = 0;
    for (let i = 0; i < 50 && recovered === 0; i++) {
      const res = await request(http).post('/set/after');
      if (res.status === 201) recovered = 1;
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(recovered).toBe(1);
    const fresh = cookiePair(sessionCookie(await request(http).post('/set/again?value=1').expect(201)));
    expect((await request(http).get('/read').set('Cookie', fresh).expect(200)).body.data).toEqual({
      again: '1',
    });
    expect(unhandled).toEqual([]);
  });
});
