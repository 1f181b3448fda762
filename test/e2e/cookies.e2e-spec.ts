import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CountingStore } from '../support/instrumented-stores';
import { ADAPTERS, cookiePair, createSessionTestApp, sessionCookie } from '../support/session-test-app';

describe.each(ADAPTERS)('session cookie (%s)', (adapter) => {
  let app: INestApplication;
  const store = new CountingStore();
  beforeAll(async () => {
    app = await createSessionTestApp(adapter, { store, idFrom: ['cookie'] });
  });
  afterAll(() => app.close());

  it('is HttpOnly, SameSite=Lax, Path=/, not Secure over plain HTTP, and expires with the session', async () => {
    const res = await request(app.getHttpServer()).post('/set/a').expect(201);
    const cookie = sessionCookie(res)!;
    expect(cookie).toMatch(/^sid=[A-Za-z0-9_-]{32};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure');
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie)![1]);
    expect(maxAge).toBeGreaterThan(24 * 3600 - 10);
    expect(maxAge).toBeLessThanOrEqual(24 * 3600);
  });

  it('sets no cookie and makes no store call on a route that does not use the session', async () => {
    const before = store.total;
    const res = await request(app.getHttpServer()).get('/untouched').expect(200);
    expect(sessionCookie(res)).toBeUndefined();
    const withCookie = await request(app.getHttpServer())
      .get('/untouched')
      .set('Cookie', 'sid=whatever')
      .expect(200);
    expect(sessionCookie(withCookie)).toBeUndefined();
    expect(store.total).toBe(before);
  });

  it('sets no cookie and writes nothing when a handler only reads a new session', async () => {
    const before = { ...store.calls };
    const res = await request(app.getHttpServer()).get('/read').expect(200);
    expect(res.body.isNew).toBe(true);
    expect(sessionCookie(res)).toBeUndefined();
    expect(store.calls.apply).toBe(before.apply);
  });

  it('costs one store read and no write for an unchanged session, and no new cookie', async () => {
    const cookie = cookiePair(sessionCookie(await request(app.getHttpServer()).post('/set/a')));
    const before = { ...store.calls };
    const res = await request(app.getHttpServer()).get('/read').set('Cookie', cookie).expect(200);
    expect(res.body.data).toEqual({ a: 'a' });
    expect(sessionCookie(res)).toBeUndefined();
    expect(store.calls.load - before.load).toBe(1);
    expect(store.calls.apply - before.apply).toBe(0);
    expect(store.calls.touch - before.touch).toBe(0);
  });
});

describe.each(ADAPTERS)('Secure behind HTTPS (%s)', (adapter) => {
  it('marks the cookie Secure when a trusted proxy says the request came over HTTPS', async () => {
    const app = await createSessionTestApp(adapter, {}, [], { trustProxy: true });
    try {
      const res = await request(app.getHttpServer())
        .post('/set/a')
        .set('X-Forwarded-Proto', 'https')
        .expect(201);
      expect(sessionCookie(res)).toContain('; Secure');
    } finally {
      await app.close();
    }
  });

  it('does not trust X-Forwarded-Proto from an untrusted client', async () => {
    const app = await createSessionTestApp(adapter, {});
    try {
      const res = await request(app.getHttpServer())
        .post('/set/a')
        .set('X-Forwarded-Proto', 'https')
        .expect(201);
      expect(sessionCookie(res)).not.toContain('Secure');
    } finally {
      await app.close();
    }
  });

  it("never sends SameSite=None without Secure: 'none' with secure 'auto' is Lax over plain HTTP", async () => {
    const app = await createSessionTestApp(adapter, { cookie: { sameSite: 'none' } }, [], {
      trustProxy: true,
    });
    try {
      const plain = sessionCookie(await request(app.getHttpServer()).post('/set/a').expect(201))!;
      expect(plain).toContain('SameSite=Lax');
      expect(plain).not.toContain('Secure');
      const https = await request(app.getHttpServer())
        .post('/set/a')
        .set('X-Forwarded-Proto', 'https')
        .expect(201);
      expect(sessionCookie(https)).toMatch(/; Secure; SameSite=None$/);
    } finally {
      await app.close();
    }
  });

  it('honours explicit cookie options', async () => {
    // Secure cookies go out over HTTPS only, and only on requests inside their path.
    const app = await createSessionTestApp(
      adapter,
      { cookie: { name: 'app.sid', sameSite: 'strict', secure: true, path: '/set', domain: 'example.test' } },
      [],
      { trustProxy: true },
    );
    try {
      const res = await request(app.getHttpServer())
        .post('/set/a')
        .set('X-Forwarded-Proto', 'https')
        .expect(201);
      const cookie = sessionCookie(res, 'app.sid')!;
      expect(cookie).toContain('Path=/set');
      expect(cookie).toContain('Domain=example.test');
      expect(cookie).toContain('SameSite=Strict');
      expect(cookie).toContain('Secure');
    } finally {
      await app.close();
    }
  });
});
