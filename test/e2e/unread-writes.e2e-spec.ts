import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionStore } from '../../lib';
import { MemoryStore, RedisStore } from '../../lib';
import type { RedisServerHandle } from '../support/redis-server';
import { startRedisServer, waitUntil } from '../support/redis-server';
import { fileFixture } from '../support/store-fixtures';
import { ADAPTERS, cookiePair, createSessionTestApp, sessionCookie } from '../support/session-test-app';
import { monitorRedis } from '../support/redis-monitor';

/**
 * `@Session({ load: false })`: a handler that only writes gets its session unloaded, and its
 * changes are saved as one delta the store checks (expiry, size). RedisStore does it in one
 * script call; the others read the session in at the save. Either way the result is what a
 * loaded session would have given.
 */

interface StoreUnderTest {
  store: SessionStore;
  /** The app's Redis connection (RedisStore only), to count what it sends. */
  client?: Redis;
  close(): Promise<void>;
}

let redis: RedisServerHandle;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

function redisStore(nearCache: boolean) {
  return async (): Promise<StoreUnderTest> => {
    const client = new Redis({ host: redis.host, port: redis.port, maxRetriesPerRequest: 1 });
    const store = new RedisStore({
      client,
      prefix: `unread-${nearCache ? 'near' : 'plain'}-${Math.random()}:`,
      ...(nearCache ? { nearCache: {} } : {}),
    });
    return {
      store,
      client,
      close: async () => {
        await store.onApplicationShutdown();
        client.disconnect();
      },
    };
  };
}

const STORES: Array<[string, () => Promise<StoreUnderTest>]> = [
  ['MemoryStore', async () => ({ store: new MemoryStore(), close: async () => undefined })],
  ['FileStore', fileFixture],
  ['RedisStore', redisStore(false)],
  ['RedisStore with near-cache', redisStore(true)],
];

describe.each(ADAPTERS)('@Session({ load: false }) (%s)', (adapter) => {
  describe.each(STORES)('on %s', (_name, makeStore) => {
    let app: INestApplication;
    let subject: StoreUnderTest;
    beforeAll(async () => {
      subject = await makeStore();
      app = await createSessionTestApp(adapter, { store: subject.store, maxSessionBytes: 4_096 });
    });
    afterAll(async () => {
      await app?.close();
      await subject?.close();
    });

    const server = () => app.getHttpServer();
    const newSession = async () =>
      cookiePair(sessionCookie(await request(server()).post('/set/name?value=ada').expect(201)));
    const read = async (cookie: string) =>
      (await request(server()).get('/read').set('Cookie', cookie).expect(200)).body as {
        id: string;
        isNew: boolean;
        data: Record<string, unknown>;
      };

    it('writes to the stored session without sending a cookie again', async () => {
      const cookie = await newSession();
      for (let i = 0; i < 3; i++) {
        const res = await request(server()).post('/blind/incr').set('Cookie', cookie).expect(201);
        expect(sessionCookie(res)).toBeUndefined();
      }
      await request(server()).post('/blind/set/city?value=Paris').set('Cookie', cookie).expect(201);
      await request(server()).post('/blind/delete/name').set('Cookie', cookie).expect(201);
      expect((await read(cookie)).data).toEqual({ n: 3, city: 'Paris' });
    });

    it('adds up 50 concurrent increments', async () => {
      const cookie = await newSession();
      await Promise.all(
        Array.from({ length: 50 }, () =>
          request(server()).post('/blind/incr').set('Cookie', cookie).expect(201),
        ),
      );
      expect((await read(cookie)).data.n).toBe(50);
    });

    it('starts a new session for a client without one', async () => {
      const res = await request(server()).post('/blind/incr').expect(201);
      const cookie = cookiePair(sessionCookie(res));
      expect((await read(cookie)).data).toEqual({ n: 1 });
    });

    it('never adopts an id that names no live session: a new one holds the write', async () => {
      const cookie = await newSession();
      await request(server()).post('/logout').set('Cookie', cookie).expect(201);
      const res = await request(server())
        .post('/blind/set/after?value=logout')
        .set('Cookie', cookie)
        .expect(201);
      const fresh = cookiePair(sessionCookie(res));
      expect(fresh).not.toBe(cookie);
      expect((await read(fresh)).data).toEqual({ after: 'logout' });
      expect((await read(cookie)).isNew).toBe(true);
    });

    it('refuses with 413 a write that would pass maxSessionBytes, and stores none of it', async () => {
      const cookie = await newSession();
      await request(server())
        .post(`/set/big?value=${'x'.repeat(3_000)}`)
        .set('Cookie', cookie)
        .expect(201);
      const res = await request(server())
        .post(`/blind/set/more?value=${'y'.repeat(1_500)}`)
        .set('Cookie', cookie)
        .expect(413);
      expect(res.body).toEqual({ statusCode: 413, message: 'Session too large', error: 'Payload Too Large' });
      expect(Object.keys((await read(cookie)).data).sort()).toEqual(['big', 'name']);
    });

    it('has no reads on any store: a read is a 500 that names nothing internal', async () => {
      const cookie = await newSession();
      const res = await request(server()).get('/blind/read').set('Cookie', cookie).expect(500);
      expect(res.body).toEqual({ statusCode: 500, message: 'Internal server error' });
    });

    it('writes through the session a guard already loaded', async () => {
      const cookie = await newSession();
      await request(server()).post('/blind/guarded').set('Cookie', cookie).expect(201);
      expect((await read(cookie)).data).toEqual({ name: 'ada', n: 1 });
    });

    it('sends one command to Redis for a write, where a loaded increment sends two', async ({ skip }) => {
      const { client } = subject;
      if (!client) return skip('RedisStore only');
      const cookie = await newSession();
      await request(server()).post('/blind/incr').set('Cookie', cookie).expect(201); // scripts loaded
      const sent = async (path: string): Promise<string[]> => {
        const source = `127.0.0.1:${(client as unknown as { stream: { localPort: number } }).stream.localPort}`;
        const seen: string[] = [];
        const monitor = await monitorRedis(client, (command, from) => {
          if (from === source) seen.push(command);
        });
        await request(server()).post(path).set('Cookie', cookie).expect(201);
        await client.echo('done');
        await waitUntil('the marker', async () => seen.includes('echo'), 5_000, 5);
        monitor.disconnect();
        return seen.slice(0, seen.indexOf('echo'));
      };
      // With the near-cache the session is cached by now: both are one write.
      const near = _name.includes('near');
      expect(await sent('/blind/incr')).toEqual(['evalsha']);
      expect(await sent('/incr')).toEqual(near ? ['evalsha'] : ['hgetall', 'evalsha']);
      expect((await read(cookie)).data.n).toBe(3);
    });
  });
});
