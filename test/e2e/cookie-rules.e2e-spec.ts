import { Logger } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionModuleOptions } from '../../lib';
import { CountingStore } from '../support/instrumented-stores';
import { ADAPTERS, cookiePair, createSessionTestApp, sessionCookie } from '../support/session-test-app';

async function withApp(
  adapter: 'express' | 'fastify',
  options: SessionModuleOptions,
  run: (app: INestApplication, store: CountingStore) => Promise<void>,
  trustProxy = false,
): Promise<void> {
  const store = new CountingStore();
  const app = await createSessionTestApp(adapter, { idFrom: ['cookie'], store, ...options }, [], {
    trustProxy,
  });
  try {
    await run(app, store);
  } finally {
    await app.close();
  }
}

describe.each(ADAPTERS)('cookie rules (%s)', (adapter) => {
  afterEach(() => vi.restoreAllMocks());

  it('a request outside cookie.path gets no cookie and stores nothing', async () => {
    await withApp(adapter, { cookie: { path: '/set' } }, async (app, store) => {
      const server = app.getHttpServer();
      const res = await request(server).post('/incr').expect(201);
      expect(sessionCookie(res)).toBeUndefined();
      expect(store.calls.apply).toBe(0);
      // Inside the path (a prefix ending at '/'), it works.
      const inside = sessionCookie(await request(server).post('/set/a').expect(201));
      expect(inside).toContain('Path=/set');
      expect(store.calls.apply).toBe(1);
      // Outside, even a valid cookie is not honoured: a fresh session, never persisted.
      const read = await request(server).get('/read').set('Cookie', cookiePair(inside)).expect(200);
      expect(read.body.isNew).toBe(true);
      expect(store.calls.load).toBe(0);
    });
  });

  it("cookie.path '/se' does not cover '/set/a' (paths match at a '/')", async () => {
    await withApp(adapter, { cookie: { path: '/se' } }, async (app, store) => {
      const res = await request(app.getHttpServer()).post('/set/a').expect(201);
      expect(sessionCookie(res)).toBeUndefined();
      expect(store.calls.apply).toBe(0);
    });
  });

  it('cookie.secure true over plain HTTP sends no cookie, stores nothing new, and warns once naming trust proxy', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    await withApp(
      adapter,
      { cookie: { secure: true } },
      async (app, store) => {
        const server = app.getHttpServer();
        for (let i = 0; i < 2; i++) {
          const res = await request(server).post('/set/a').expect(201);
          expect(sessionCookie(res)).toBeUndefined();
        }
        expect(store.calls.apply).toBe(0);
        const warnings = warn.mock.calls.filter(([message]) => String(message).includes('cookie.secure'));
        expect(warnings).toHaveLength(1);
        expect(String(warnings[0][0])).toContain('trust proxy');
        // Over HTTPS (a trusted proxy says so) the cookie goes out and the session is stored.
        const https = await request(server).post('/set/a').set('X-Forwarded-Proto', 'https').expect(201);
        expect(sessionCookie(https)).toMatch(/; Secure/);
        expect(store.calls.apply).toBe(1);
      },
      true,
    );
  });

  it('a client that sent no id gets no clearing cookie when its new session is destroyed', async () => {
    await withApp(adapter, {}, async (app) => {
      const server = app.getHttpServer();
      const res = await request(server).post('/logout').expect(201);
      expect(sessionCookie(res)).toBeUndefined();
      // A client that holds a session still gets its cookie expired.
      const cookie = cookiePair(sessionCookie(await request(server).post('/set/a').expect(201)));
      const out = await request(server).post('/logout').set('Cookie', cookie).expect(201);
      expect(sessionCookie(out)).toContain('Max-Age=0');
    });
  });
});
