import { Module } from '@nestjs/common';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore, SessionModule, SessionStore } from '../../lib';
import { RedisServerHandle, startRedisServer } from '../support/redis-server';
import { cookiePair, createSessionTestApp, sessionCookie } from '../support/session-test-app';

const REDIS_CLIENT = 'REDIS_CLIENT';
let server: RedisServerHandle;

/** An app's own Redis module, as users have one: the client is a provider the app owns. */
@Module({
  providers: [
    { provide: REDIS_CLIENT, useFactory: () => new Redis({ host: server.host, port: server.port }) },
  ],
  exports: [REDIS_CLIENT],
})
class RedisModule {}

describe('registering RedisStore', () => {
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(() => server?.stop());

  it('works through forRootAsync with an injected client provider, and leaves that client open', async () => {
    const app = await createSessionTestApp(
      'express',
      SessionModule.forRootAsync({
        imports: [RedisModule],
        inject: [REDIS_CLIENT],
        useFactory: (client: Redis) => ({ store: new RedisStore({ client, prefix: 'async:' }) }),
      }),
    );
    const client = app.get<Redis>(REDIS_CLIENT, { strict: false });
    const res = await request(app.getHttpServer()).post('/set/a?value=1').expect(201);
    const read = await request(app.getHttpServer())
      .get('/read')
      .set('Cookie', cookiePair(sessionCookie(res)));
    expect(read.body.data).toEqual({ a: '1' });
    expect((await client.keys('async:*')).length).toBe(1);
    await app.close();
    expect(client.status).toBe('ready'); // the user's client is the user's to close
    client.disconnect();
  });

  it('closes a connection RedisStore.connect opened when the app shuts down', async () => {
    const app = await createSessionTestApp('fastify', {
      store: RedisStore.connect(`redis://${server.host}:${server.port}`),
    });
    await request(app.getHttpServer()).post('/set/a').expect(201);
    const store = app.get<SessionStore, { ownedClient?: Redis }>(SessionStore);
    const client = store.ownedClient!;
    expect(client.status).toBe('ready');
    const closed = new Promise((resolve) => client.once('end', resolve));
    await app.close();
    // QUIT was answered during shutdown; the socket's end follows on the next turns.
    await expect(
      Promise.race([
        closed.then(() => 'ended'),
        new Promise((r) => setTimeout(() => r('still open'), 1_000)),
      ]),
    ).resolves.toBe('ended');
  });
});
