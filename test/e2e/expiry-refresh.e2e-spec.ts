import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { CountingStore } from '../support/instrumented-stores';
import { ADAPTERS, cookiePair, createSessionTestApp, sessionCookie } from '../support/session-test-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(ADAPTERS)('expiry refresh and uninitialized sessions (%s)', (adapter) => {
  it('refreshes an unchanged session with one touch once per touchInterval, never rewriting it', async () => {
    const store = new CountingStore();
    const app = await createSessionTestApp(adapter, { store, idleTimeout: 60_000, touchInterval: 200 });
    try {
      const server = app.getHttpServer();
      const cookie = cookiePair(sessionCookie(await request(server).post('/set/a')));
      const before = { ...store.calls };
      for (let i = 0; i < 5; i++) await request(server).get('/read').set('Cookie', cookie).expect(200);
      expect(store.calls.touch - before.touch).toBe(0);
      await sleep(250);
      for (let i = 0; i < 5; i++) await request(server).get('/read').set('Cookie', cookie).expect(200);
      expect(store.calls.touch - before.touch).toBe(1);
      expect(store.calls.apply - before.apply).toBe(0);
      expect(store.calls.load - before.load).toBe(10);
    } finally {
      await app.close();
    }
  });

  it('stores and sends a cookie for an untouched new session only with saveUninitialized', async () => {
    for (const saveUninitialized of [false, true]) {
      const store = new CountingStore();
      const app = await createSessionTestApp(adapter, { store, saveUninitialized });
      try {
        const res = await request(app.getHttpServer()).get('/read').expect(200);
        expect(sessionCookie(res) !== undefined).toBe(saveUninitialized);
        expect(store.calls.apply).toBe(saveUninitialized ? 1 : 0);
      } finally {
        await app.close();
      }
    }
  });
});
