import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, cookiePair, createSessionTestApp, sessionCookie } from '../support/session-test-app';

describe.each(ADAPTERS)('session lifecycle (%s)', (adapter) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await createSessionTestApp(adapter, { idFrom: ['cookie'], maxSessionBytes: 4_096 });
  });
  afterAll(() => app.close());

  const login = async () =>
    cookiePair(sessionCookie(await request(app.getHttpServer()).post('/set/user?value=ada')));

  it('keeps the old session dead when logout races a slow request on it', async () => {
    const cookie = await login();
    const server = app.getHttpServer();
    const slow = request(server)
      .post('/slow/late?ms=300')
      .set('Cookie', cookie)
      .then((r) => r);
    await new Promise((r) => setTimeout(r, 80));
    const logout = await request(server).post('/logout').set('Cookie', cookie).expect(201);
    expect(sessionCookie(logout)).toMatch(/^sid=;.*Max-Age=0/);
    const slowRes = await slow;
    expect(slowRes.status).toBe(201);
    // the slow request's save was dropped; it sends no cookie (the logout already expired it)
    expect(sessionCookie(slowRes)).toBeUndefined();
    const after = await request(server).get('/read').set('Cookie', cookie).expect(200);
    expect(after.body.isNew).toBe(true);
    expect(after.body.data).toEqual({});
  });

  it('keeps the regenerated session only under its new id when a slow request races regenerate', async () => {
    const cookie = await login();
    const server = app.getHttpServer();
    const slow = request(server)
      .post('/slow/late?ms=300')
      .set('Cookie', cookie)
      .then((r) => r);
    await new Promise((r) => setTimeout(r, 80));
    const regen = await request(server).post('/regenerate').set('Cookie', cookie).expect(201);
    await slow;
    expect((await request(server).get('/read').set('Cookie', cookie)).body.isNew).toBe(true);
    const fresh = cookiePair(sessionCookie(regen));
    expect((await request(server).get('/read').set('Cookie', fresh)).body.data).toEqual({ user: 'ada' });
  });

  it.each(['regenerate', 'login'])(
    'does not log the browser out when a slow request ends after a %s from the same browser',
    async (step) => {
      const cookie = await login();
      const server = app.getHttpServer();
      const slow = request(server)
        .post('/slow/late?ms=300')
        .set('Cookie', cookie)
        .then((r) => r);
      await new Promise((r) => setTimeout(r, 80));
      const moved = await request(server)
        .post(step === 'login' ? '/login/ada' : '/regenerate')
        .set('Cookie', cookie);
      const fresh = cookiePair(sessionCookie(moved));
      const slowRes = await slow;
      // Its save was dropped, and it must not send `sid=; Max-Age=0`: arriving after the new
      // cookie, that would delete it.
      expect(sessionCookie(slowRes)).toBeUndefined();
      expect((await request(server).get('/read').set('Cookie', fresh)).body.data.user).toBe('ada');
    },
  );

  it('gives a guard that uses SessionManager.forRequest the same object as the handler', async () => {
    const cookie = await login();
    const res = await request(app.getHttpServer()).get('/guarded').set('Cookie', cookie).expect(200);
    expect(res.body.same).toBe(true);
  });

  it('saves a session that a service opened through forRequest in a handler without @Session()', async () => {
    const res = await request(app.getHttpServer()).post('/service/apple').expect(201);
    const cookie = cookiePair(sessionCookie(res));
    const read = await request(app.getHttpServer()).get('/read').set('Cookie', cookie).expect(200);
    expect(read.body.data).toEqual({ item: 'apple' });
  });

  it('keeps what the handler set before it threw (a flash message)', async () => {
    const cookie = await login();
    const res = await request(app.getHttpServer()).post('/flash-then-fail').set('Cookie', cookie);
    expect(res.status).toBe(400);
    const read = await request(app.getHttpServer()).get('/read').set('Cookie', cookie).expect(200);
    expect(read.body.data.flash).toBe('saved before the error');
  });

  it('answers 413 when a value would pass maxSessionBytes', async () => {
    const res = await request(app.getHttpServer()).post(`/set/big?value=${'x'.repeat(5_000)}`);
    expect(res.status).toBe(413);
    expect(sessionCookie(res)).toBeUndefined();
  });
});

describe.each(ADAPTERS)('ids by header and query (%s)', (adapter) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await createSessionTestApp(adapter, { idFrom: ['cookie', 'header', 'query'], header: 'X-Token' });
  });
  afterAll(() => app.close());

  it('answers a header client with the id in the header, and no cookie', async () => {
    const server = app.getHttpServer();
    const first = await request(server).post('/set/a').set('x-token', 'not-a-valid-id').expect(201);
    expect(sessionCookie(first)).toBeUndefined();
    const id = first.headers['x-token'];
    expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const read = await request(server).get('/read').set('x-token', id).expect(200);
    expect(read.body.data).toEqual({ a: 'a' });
    expect(read.headers['x-token']).toBeUndefined();
  });

  it('reads the id from the query string when opted in', async () => {
    const server = app.getHttpServer();
    const cookie = cookiePair(sessionCookie(await request(server).post('/set/q?value=1')));
    const id = cookie.split('=')[1];
    const read = await request(server).get(`/read?sid=${id}`).expect(200);
    expect(read.body.data).toEqual({ q: '1' });
  });

  it('ignores the query string unless opted in', async () => {
    const other = await createSessionTestApp(adapter, {});
    try {
      const cookie = cookiePair(sessionCookie(await request(other.getHttpServer()).post('/set/q')));
      const read = await request(other.getHttpServer())
        .get(`/read?sid=${cookie.split('=')[1]}`)
        .expect(200);
      expect(read.body.isNew).toBe(true);
    } finally {
      await other.close();
    }
  });
});
