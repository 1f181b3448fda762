import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { CookieStore, SessionManager } from '../../lib';
import { ADAPTERS, cookiePair, createSessionTestApp, sessionCookie } from '../support/session-test-app';

const KEY_A = randomBytes(32);
const KEY_B = randomBytes(32).toString('base64');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The key id of a sealed cookie's `name=value`. */
const kidOf = (pair: string) => pair.slice('sid='.length).split('.')[0];

describe.each(ADAPTERS)('CookieStore expiry, rotation and transports (%s)', (adapter) => {
  const apps: INestApplication[] = [];
  async function start(...args: Parameters<typeof createSessionTestApp>): Promise<INestApplication> {
    const app = await createSessionTestApp(...args);
    apps.push(app);
    return app;
  }
  afterAll(() => Promise.all(apps.map((app) => app.close())));

  it('refuses a validly sealed cookie replayed past its idle or its absolute expiry', async () => {
    const store = new CookieStore({ keys: [KEY_A] });
    const app = await start(adapter, { store, idleTimeout: 60_000, absoluteTimeout: 120_000 });
    const now = Date.now();
    const seal = (meta: { createdAt: number; expiresAt: number }) =>
      `sid=${store.seal({ id: 'i'.repeat(32), data: new Map([['a', '1']]), meta: { ...meta, lastSeenAt: meta.createdAt } }, 'sid')}`;
    const read = (cookie: string) =>
      request(app.getHttpServer()).get('/read').set('Cookie', cookie).expect(200);
    expect((await read(seal({ createdAt: now - 1_000, expiresAt: now + 59_000 }))).body.data).toEqual({
      a: 1,
    });
    // idle: its sealed expiry has passed
    expect((await read(seal({ createdAt: now - 70_000, expiresAt: now - 10_000 }))).body).toMatchObject({
      isNew: true,
      data: {},
    });
    // absolute: still within its idle expiry, but created longer ago than absoluteTimeout
    expect((await read(seal({ createdAt: now - 121_000, expiresAt: now + 30_000 }))).body).toMatchObject({
      isNew: true,
      data: {},
    });
  });

  it('re-seals an unchanged session once per touch interval, and an older copy dies at its own idle expiry', async () => {
    const store = new CookieStore({ keys: [KEY_A] });
    const app = await start(adapter, {
      store,
      idleTimeout: 1_000,
      absoluteTimeout: 60_000,
      touchInterval: 200,
    });
    const http = () => request(app.getHttpServer());
    const first = cookiePair(sessionCookie(await http().post('/set/a').expect(201)));
    // Within the touch interval: no new cookie.
    expect(sessionCookie(await http().get('/read').set('Cookie', first).expect(200))).toBeUndefined();
    await sleep(600);
    const touched = await http().get('/read').set('Cookie', first).expect(200);
    const second = cookiePair(sessionCookie(touched));
    expect(second).not.toBe(first);
    await sleep(600); // past the first cookie's sealed idle expiry, within the second's
    expect((await http().get('/read').set('Cookie', first).expect(200)).body).toMatchObject({
      isNew: true,
      data: {},
    });
    expect((await http().get('/read').set('Cookie', second).expect(200)).body.data).toEqual({ a: 'a' });
  });

  it('rotates keys: old cookies open until their key is removed, and are re-sealed with the new key at their next save', async () => {
    const oldStore = new CookieStore({ keys: [KEY_A] });
    const rotated = new CookieStore({ keys: [KEY_B, KEY_A] });
    const newOnly = new CookieStore({ keys: [KEY_B] });
    const before = await start(adapter, { store: oldStore });
    const during = await start(adapter, { store: rotated });
    const after = await start(adapter, { store: newOnly });
    const oldCookie = cookiePair(
      sessionCookie(await request(before.getHttpServer()).post('/set/a').expect(201)),
    );
    const newKid = kidOf(
      `sid=${newOnly.seal({ id: 'i'.repeat(32), data: new Map(), meta: { createdAt: 1, expiresAt: 2, lastSeenAt: 1 } }, 'sid')}`,
    );
    expect(kidOf(oldCookie)).not.toBe(newKid);

    const read = await request(during.getHttpServer()).get('/read').set('Cookie', oldCookie).expect(200);
    expect(read.body.data).toEqual({ a: 'a' });
    expect(sessionCookie(read)).toBeUndefined(); // a read alone does not re-seal
    const saved = await request(during.getHttpServer()).post('/set/b').set('Cookie', oldCookie).expect(201);
    const resealed = cookiePair(sessionCookie(saved));
    expect(kidOf(resealed)).toBe(newKid);

    // The old key removed: the old cookie starts afresh; the re-sealed one lives on.
    expect(
      (await request(after.getHttpServer()).get('/read').set('Cookie', oldCookie).expect(200)).body,
    ).toMatchObject({ isNew: true, data: {} });
    expect(
      (await request(after.getHttpServer()).get('/read').set('Cookie', resealed).expect(200)).body.data,
    ).toEqual({ a: 'a', b: 'b' });
  });

  it('carries the sealed session in the header for header clients, unsigned by the secret', async () => {
    const app = await start(adapter, {
      store: new CookieStore({ keys: [KEY_A] }),
      idFrom: ['header'],
      secret: 's3cret',
    });
    const http = () => request(app.getHttpServer());
    const first = await http().post('/incr').expect(201);
    const token = first.headers['x-session-id'];
    expect(token).toMatch(/^[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]+$/);
    expect(sessionCookie(first)).toBeUndefined();
    const second = await http().post('/incr').set('x-session-id', token).expect(201);
    expect(second.body).toEqual({ n: 2 });
    expect(second.headers['x-session-id']).not.toBe(token);
    expect((await http().get('/read').set('x-session-id', 'garbage').expect(200)).body.isNew).toBe(true);
  });

  it('leaves the sealed cookie unsigned when a secret is set, and reads it back', async () => {
    const app = await start(adapter, { store: new CookieStore({ keys: [KEY_A] }), secret: 's3cret' });
    const first = await request(app.getHttpServer()).post('/incr').expect(201);
    const cookie = cookiePair(sessionCookie(first));
    expect(cookie).toMatch(/^sid=[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]+$/);
    const second = await request(app.getHttpServer()).post('/incr').set('Cookie', cookie).expect(201);
    expect(second.body).toEqual({ n: 2 });
  });

  it('marks the cookie Secure over HTTPS (a trusted proxy)', async () => {
    const app = await start(adapter, { store: new CookieStore({ keys: [KEY_A] }) }, [], { trustProxy: true });
    const res = await request(app.getHttpServer())
      .post('/set/a')
      .set('X-Forwarded-Proto', 'https')
      .expect(201);
    expect(sessionCookie(res)).toContain('; Secure');
  });
});

describe('CookieStore: what cannot work statelessly fails loudly', () => {
  it("refuses idFrom 'query' and maxSessionsPerUser at start-up, naming the store", async () => {
    const store = new CookieStore({ keys: [KEY_A] });
    await expect(createSessionTestApp('express', { store, idFrom: ['cookie', 'query'] })).rejects.toThrow(
      /idFrom 'query' cannot carry a CookieStore session/,
    );
    await expect(createSessionTestApp('express', { store, maxSessionsPerUser: 2 })).rejects.toThrow(
      /maxSessionsPerUser needs a store with a user index; CookieStore keeps none/,
    );
  });

  it('refuses listByUser, destroyByUser, create() and count() at the call, naming the store', async () => {
    const app = await createSessionTestApp('express', { store: new CookieStore({ keys: [KEY_A] }) });
    try {
      const sessions = app.get(SessionManager);
      // A throw at the call or a rejection: either way the caller's await fails.
      const call = async <T>(fn: () => Promise<T>) => fn();
      await expect(call(() => sessions.listByUser('ada'))).rejects.toThrow(/listByUser .*CookieStore cannot/);
      await expect(call(() => sessions.destroyByUser('ada'))).rejects.toThrow(
        /destroyByUser .*CookieStore cannot/,
      );
      await expect(call(() => sessions.create({ a: 1 }))).rejects.toThrow(/create\(\) .*CookieStore seals/);
      await expect(call(() => sessions.count())).rejects.toThrow(/count\(\) .*CookieStore cannot/);
    } finally {
      await app.close();
    }
  });
});
