import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailingStore } from '../support/instrumented-stores';
import { ADAPTERS, cookiePair, createSessionTestApp, sessionCookie } from '../support/session-test-app';

describe.each(ADAPTERS)('store outage (%s)', (adapter) => {
  let app: INestApplication;
  const store = new FailingStore();
  const storeTimeout = 300;

  beforeAll(async () => {
    app = await createSessionTestApp(adapter, { store, storeTimeout });
  });
  afterAll(() => app.close());

  it.each(['throwing', 'hanging'] as const)(
    'answers 503 within the timeout while the store is %s, serves other routes, and recovers',
    async (mode) => {
      const server = app.getHttpServer();
      store.mode = 'up';
      const cookie = cookiePair(sessionCookie(await request(server).post('/set/a')));
      store.mode = mode;
      const started = Date.now();
      const [read, write, fresh, untouched] = await Promise.all([
        request(server).get('/read').set('Cookie', cookie),
        request(server).post('/incr').set('Cookie', cookie),
        request(server).post('/set/b'),
        request(server).get('/untouched').set('Cookie', cookie),
      ]);
      const elapsed = Date.now() - started;
      expect(read.status).toBe(503);
      expect(read.body.message).toMatch(/Session store unavailable/);
      expect(write.status).toBe(503);
      // a new session does not need the store until its save, which fails
      expect(fresh.status).toBe(503);
      expect(untouched.status).toBe(200);
      expect(elapsed).toBeLessThan(storeTimeout + 700);
      store.mode = 'up';
      const again = await request(server).get('/read').set('Cookie', cookie).expect(200);
      expect(again.body.data).toEqual({ a: 'a' });
    },
  );
});
