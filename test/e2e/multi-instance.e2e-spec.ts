import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../lib/stores/redis';
import type { RedisServerHandle } from '../support/redis-server';
import { startRedisServer } from '../support/redis-server';
import { cookiePair, createSessionTestApp, sessionCookie } from '../support/session-test-app';

describe('two app instances sharing one Redis (Express and Fastify)', () => {
  let server: RedisServerHandle;
  const clients: Redis[] = [];
  let apps: INestApplication[];

  beforeAll(async () => {
    server = await startRedisServer();
    const store = () => {
      const client = new Redis({ host: server.host, port: server.port });
      clients.push(client);
      return new RedisStore({ client });
    };
    apps = [
      await createSessionTestApp('express', { store: store() }),
      await createSessionTestApp('fastify', { store: store() }),
    ];
  });
  afterAll(async () => {
    for (const app of apps ?? []) await app.close();
    for (const client of clients) client.disconnect();
    await server?.stop();
  });

  const servers = () => apps.map((a) => a.getHttpServer());

  it('keeps all 100 keys set concurrently through both instances', async () => {
    const [a, b] = servers();
    const cookie = cookiePair(sessionCookie(await request(a).post('/set/seed')));
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        request(i % 2 ? b : a)
          .post(`/set/k_${i}`)
          .set('Cookie', cookie),
      ),
    );
    expect(results.map((r) => r.status).every((s) => s === 201)).toBe(true);
    const { body } = await request(b).get('/read').set('Cookie', cookie).expect(200);
    for (let i = 0; i < 100; i++) expect(body.data[`k_${i}`]).toBe(`k_${i}`);
  });

  it('counts all 100 concurrent increments made through both instances', async () => {
    const [a, b] = servers();
    const cookie = cookiePair(sessionCookie(await request(a).post('/set/seed')));
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        request(i % 2 ? b : a)
          .post('/incr')
          .set('Cookie', cookie),
      ),
    );
    const { body } = await request(a).get('/read').set('Cookie', cookie).expect(200);
    expect(body.data.n).toBe(100);
  });

  it('sees a logout on one instance at once on the other', async () => {
    const [a, b] = servers();
    const cookie = cookiePair(sessionCookie(await request(a).post('/set/seed')));
    await request(b).post('/logout').set('Cookie', cookie).expect(201);
    expect((await request(a).get('/read').set('Cookie', cookie)).body.isNew).toBe(true);
  });
});
