import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../lib/stores/redis';
import { sessionKey } from '../../lib/id/session-key';
import type { RedisServerHandle } from '../support/redis-server';
import { startRedisServer } from '../support/redis-server';
import { ADAPTERS, cookiePair, createSessionTestApp, sessionCookie } from '../support/session-test-app';

describe.each(ADAPTERS)('corrupt data in Redis (%s)', (adapter) => {
  let server: RedisServerHandle;
  let client: Redis;
  let app: INestApplication;
  const PREFIX = 'corrupt:';

  beforeAll(async () => {
    server = await startRedisServer();
    client = new Redis({ host: server.host, port: server.port });
    app = await createSessionTestApp(adapter, { store: new RedisStore({ client, prefix: PREFIX }) });
  });
  afterAll(async () => {
    await app?.close();
    client?.disconnect();
    await server?.stop();
  });

  async function sessionWithKey(): Promise<{ cookie: string; redisKey: string }> {
    const res = await request(app.getHttpServer()).post('/set/a?value=1').expect(201);
    return { cookie: cookiePair(sessionCookie(res)), redisKey: `${PREFIX}{${sessionKey(res.body.id)}}` };
  }

  it.each([
    ['a string instead of a hash', (k: string) => client.set(k, 'garbage')],
    ['a list instead of a hash', (k: string) => client.del(k).then(() => client.rpush(k, 'x'))],
    ['metadata that is not a number', (k: string) => client.hset(k, 'm:expiresAt', 'soon')],
    ['metadata removed', (k: string) => client.hdel(k, 'm:createdAt')],
  ])('gives a fresh session, 2xx, for %s', async (_label, corrupt) => {
    const { cookie, redisKey } = await sessionWithKey();
    await corrupt(redisKey);
    const res = await request(app.getHttpServer()).get('/read').set('Cookie', cookie).expect(200);
    expect(res.body.isNew).toBe(true);
    expect(res.body.data).toEqual({});
    // and a write through the same cookie starts a new session rather than failing
    const write = await request(app.getHttpServer()).post('/set/b').set('Cookie', cookie);
    expect(write.status).toBe(201);
  });

  it('reads a data field that is not JSON as absent and keeps the rest', async () => {
    const { cookie, redisKey } = await sessionWithKey();
    await client.hset(redisKey, 'd:broken', '{not json');
    const res = await request(app.getHttpServer()).get('/read').set('Cookie', cookie).expect(200);
    expect(res.body.data).toEqual({ a: '1' });
  });
});
