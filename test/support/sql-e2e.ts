import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionStore } from '../../lib';
import { SessionTableError } from '../../lib';
import { ADAPTERS, cookiePair, createSessionTestApp, sessionCookie } from './session-test-app';
import { WEIRD_KEYS } from './sql-fixtures';

/** A database server for one e2e file, and the stores the tests make on it. */
export interface SqlE2eTarget {
  /** Starts the server (once per file). */
  start(): Promise<void>;
  stop(): Promise<void>;
  kill(): Promise<void>;
  restart(): Promise<void>;
  /** A store on a pool of its own (closed by `closeAll`), on `table`. */
  store(options?: { table?: string; createTable?: boolean }): SessionStore;
  /** Runs one statement on the server (test set-up). */
  query(sql: string): Promise<unknown>;
  closeAll(): Promise<void>;
}

const STORE_TIMEOUT = 800;

/**
 * The HTTP suites every SQL store runs (Express and Fastify): a round trip of its features, two
 * app instances on one database under concurrency, an outage under traffic, keys that break naive
 * quoting, and a wrong table at start-up.
 */
export function describeSqlStoreE2e(name: string, target: SqlE2eTarget): void {
  const apps: INestApplication[] = [];
  const start = async (adapter: (typeof ADAPTERS)[number], table = 'e2e') => {
    const app = await createSessionTestApp(adapter, {
      store: target.store({ table, createTable: true }),
      storeTimeout: STORE_TIMEOUT,
    });
    apps.push(app);
    return app;
  };

  beforeAll(() => target.start(), 60_000);
  afterAll(async () => {
    for (const app of apps) await app.close();
    await target.closeAll();
    await target.stop();
  });

  describe.each(ADAPTERS)(`${name} through HTTP (%s)`, (adapter) => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await start(adapter);
    });

    it('creates, reads, increments, regenerates and destroys a session', async () => {
      const http = app.getHttpServer();
      const created = await request(http).post('/set/name?value=Ada').expect(201);
      const cookie = cookiePair(sessionCookie(created));
      await request(http).post('/incr').set('Cookie', cookie).expect(201);
      await request(http).post('/incr').set('Cookie', cookie).expect(201);
      const read = await request(http).get('/read').set('Cookie', cookie).expect(200);
      expect(read.body).toMatchObject({ isNew: false, data: { name: 'Ada', n: 2 } });
      const regenerated = await request(http).post('/regenerate').set('Cookie', cookie).expect(201);
      const next = cookiePair(sessionCookie(regenerated));
      expect(next).not.toBe(cookie);
      expect((await request(http).get('/read').set('Cookie', cookie)).body.isNew).toBe(true);
      expect((await request(http).get('/read').set('Cookie', next)).body.data).toEqual({ name: 'Ada', n: 2 });
      await request(http).post('/logout').set('Cookie', next).expect(201);
      expect((await request(http).get('/read').set('Cookie', next)).body.isNew).toBe(true);
    });

    it('round-trips keys that break naive quoting or JSON paths', async () => {
      const http = app.getHttpServer();
      const keys = WEIRD_KEYS.filter((k) => k !== '' && !/[\n\t/]/.test(k));
      const cookie = cookiePair(sessionCookie(await request(http).post('/set/seed').expect(201)));
      for (const key of keys) {
        await request(http)
          .post(`/set/${encodeURIComponent(key)}?value=${encodeURIComponent(`v:${key}`)}`)
          .set('Cookie', cookie)
          .expect(201);
      }
      const { body } = await request(http).get('/read').set('Cookie', cookie).expect(200);
      for (const key of keys) expect(body.data[key], key).toBe(`v:${key}`);
    });
  });

  describe(`two app instances on one ${name} database (Express and Fastify)`, () => {
    let servers: unknown[];
    beforeAll(async () => {
      servers = [
        (await start('express', 'shared')).getHttpServer(),
        (await start('fastify', 'shared')).getHttpServer(),
      ];
    });

    it('keeps all 100 keys set concurrently through both instances', async () => {
      const [a, b] = servers as Parameters<typeof request>[0][];
      const cookie = cookiePair(sessionCookie(await request(a).post('/set/seed')));
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          request(i % 2 ? b : a)
            .post(`/set/k_${i}`)
            .set('Cookie', cookie),
        ),
      );
      expect(results.map((r) => r.status).filter((s) => s !== 201)).toEqual([]);
      const { body } = await request(b).get('/read').set('Cookie', cookie).expect(200);
      for (let i = 0; i < 100; i++) expect(body.data[`k_${i}`]).toBe(`k_${i}`);
    });

    it('counts all 100 concurrent increments made through both instances', async () => {
      const [a, b] = servers as Parameters<typeof request>[0][];
      const cookie = cookiePair(sessionCookie(await request(a).post('/set/seed')));
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          request(i % 2 ? b : a)
            .post('/incr')
            .set('Cookie', cookie),
        ),
      );
      expect(results.map((r) => r.status).filter((s) => s !== 201)).toEqual([]);
      const { body } = await request(a).get('/read').set('Cookie', cookie).expect(200);
      expect(body.data.n).toBe(100);
    });
  });

  describe.each(ADAPTERS)(`${name} stopped under traffic (%s)`, (adapter) => {
    it('answers 503 within the timeout, keeps other routes up, and keeps earlier sessions after a restart', async () => {
      const app = await start(adapter, `outage_${adapter}`);
      const http = app.getHttpServer();
      const cookie = cookiePair(
        sessionCookie(await request(http).post('/set/kept?value=before').expect(201)),
      );
      await request(http).post('/incr').set('Cookie', cookie).expect(201);

      const inFlight = Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          request(http)
            .post(i % 2 ? '/incr' : '/set/k')
            .set('Cookie', cookie)
            .then((r) => r.status),
        ),
      );
      await target.kill();
      expect((await inFlight).filter((s) => s !== 201 && s !== 503)).toEqual([]);

      const started = Date.now();
      const [read, write, fresh, untouched] = await Promise.all([
        request(http).get('/read').set('Cookie', cookie),
        request(http).post('/incr').set('Cookie', cookie),
        request(http).post('/set/new'),
        request(http).get('/untouched').set('Cookie', cookie),
      ]);
      expect(Date.now() - started).toBeLessThan(STORE_TIMEOUT + 1_200);
      expect([read.status, write.status, fresh.status]).toEqual([503, 503, 503]);
      expect(read.body.message).toMatch(/Session store unavailable/);
      expect(untouched.status).toBe(200);

      await target.restart();
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i++) {
        status = (await request(http).get('/read').set('Cookie', cookie)).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      const { body } = await request(http).get('/read').set('Cookie', cookie).expect(200);
      expect(body.isNew).toBe(false);
      expect(body.data.kept).toBe('before');
      expect(body.data.n).toBeGreaterThanOrEqual(1);
      const next = cookiePair(sessionCookie(await request(http).post('/set/after?value=1').expect(201)));
      expect((await request(http).get('/read').set('Cookie', next).expect(200)).body.data).toEqual({
        after: '1',
      });
    });
  });

  describe(`${name} with a wrong table`, () => {
    it('fails the application start with a clear error', async () => {
      await target.query('CREATE TABLE bad_shape (session_key VARCHAR(100) PRIMARY KEY, data TEXT)');
      const failed = createSessionTestApp('express', {
        store: target.store({ table: 'bad_shape', createTable: false }),
      });
      const err = await failed.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SessionTableError);
      expect((err as Error).message).toMatch(/bad_shape\.data is .*text.*not json/i);
      expect((err as Error).message).toMatch(/createTable: true/);
    });
  });
}
