import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionEvent, SessionModuleOptions } from '../../lib';
import { SessionManager, SessionModule } from '../../lib';
import { ADAPTERS, cookiePair, createSessionTestApp, sessionCookie } from '../support/session-test-app';
import type { StoreFixture } from '../support/store-fixtures';
import { STORE_FIXTURES } from '../support/store-fixtures';
import { UserTestModule } from '../support/user-test-module';

const cases = STORE_FIXTURES.flatMap(([store, make]) =>
  ADAPTERS.map((adapter) => [store, adapter, make] as const),
);

describe.each(cases)('user-bound sessions on %s (%s)', (_storeName, adapter, make) => {
  let fixture: StoreFixture;
  const apps: INestApplication[] = [];
  const loaderCalls: string[] = [];

  async function start(options: SessionModuleOptions = {}): Promise<INestApplication> {
    const app = await createSessionTestApp(
      adapter,
      SessionModule.forRoot({
        ...fixture.options,
        store: fixture.store,
        idFrom: ['cookie', 'header'],
        userLoader: async (userId) => {
          loaderCalls.push(userId);
          return { name: `User ${userId}` };
        },
        ...options,
      }),
      [{ module: UserTestModule }],
    );
    apps.push(app);
    return app;
  }

  const unique = (label: string) => `${label}-${Math.random().toString(36).slice(2, 10)}`;

  async function loginAs(app: INestApplication, userId: string, agent = 'test-agent'): Promise<string> {
    const res = await request(app.getHttpServer())
      .post(`/user/login/${userId}`)
      .set('User-Agent', agent)
      .expect(201);
    return cookiePair(sessionCookie(res));
  }

  const me = (app: INestApplication, cookie: string) =>
    request(app.getHttpServer())
      .get('/user/me')
      .set('Cookie', cookie)
      .expect(200)
      .then((r) => r.body);

  beforeAll(async () => {
    fixture = await make();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await fixture.close();
  });

  it('regenerates the id at login: the pre-login id is dead, the new one carries the data', async () => {
    const app = await start();
    const server = app.getHttpServer();
    const anon = cookiePair(sessionCookie(await request(server).post('/set/cart?value=apple')));
    const res = await request(server).post('/user/login/ada').set('Cookie', anon).expect(201);
    const authed = cookiePair(sessionCookie(res));
    expect(authed).not.toBe(anon);
    expect((await request(server).get('/read').set('Cookie', anon)).body.isNew).toBe(true);
    const read = await request(server).get('/read').set('Cookie', authed).expect(200);
    expect(read.body.data).toEqual({ cart: 'apple' });
    expect((await me(app, authed)).userId).toBe('ada');
  });

  it('lists three clients of one user with their user agents; logging out the others ends exactly those', async () => {
    const app = await start();
    const user = unique('u');
    const phone = await loginAs(app, user, 'Phone/1.0');
    const laptop = await loginAs(app, user, 'Laptop/2.0');
    const tablet = await loginAs(app, user, 'Tablet/3.0');
    const devices = (
      await request(app.getHttpServer()).get('/user/devices').set('Cookie', laptop).expect(200)
    ).body;
    expect(devices).toHaveLength(3);
    expect(devices.map((d: { userAgent: string }) => d.userAgent)).toEqual([
      'Phone/1.0',
      'Laptop/2.0',
      'Tablet/3.0',
    ]);
    for (const d of devices) {
      expect(d.handle).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(new Date(d.lastSeenAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
      expect(new Date(d.expiresAt).getTime()).toBeGreaterThan(Date.now());
    }

    const { ended } = (
      await request(app.getHttpServer()).post('/user/logout-others').set('Cookie', laptop).expect(201)
    ).body;
    expect(ended).toBe(2);
    expect(await me(app, phone)).toMatchObject({ isNew: true, userId: null });
    expect(await me(app, tablet)).toMatchObject({ isNew: true, userId: null });
    expect(await me(app, laptop)).toMatchObject({ isNew: false, userId: user });
  });

  it('rejects a handle from listByUser presented as a cookie or a header', async () => {
    const app = await start();
    const user = unique('h');
    const cookie = await loginAs(app, user);
    const [device] = (await request(app.getHttpServer()).get('/user/devices').set('Cookie', cookie)).body;
    expect(await me(app, `sid=${device.handle}`)).toMatchObject({ isNew: true, userId: null });
    const byHeader = await request(app.getHttpServer())
      .get('/user/me')
      .set('x-session-id', device.handle)
      .expect(200);
    expect(byHeader.body).toMatchObject({ isNew: true, userId: null });
    // and the handle does revoke
    const sessions = app.get(SessionManager);
    expect(await sessions.destroyByHandle(device.handle)).toBe(true);
    expect(await me(app, cookie)).toMatchObject({ isNew: true, userId: null });
  });

  it('single-session mode: a second login logs out the first client', async () => {
    const app = await start({ maxSessionsPerUser: 1 });
    const user = unique('single');
    const first = await loginAs(app, user, 'First');
    const second = await loginAs(app, user, 'Second');
    expect(await me(app, first)).toMatchObject({ isNew: true, userId: null });
    expect(await me(app, second)).toMatchObject({ userId: user });
    expect(await app.get(SessionManager).listByUser(user)).toHaveLength(1);
  });

  it('single-session mode: publishes the session a second login removed as destroyed', async () => {
    const app = await start({ maxSessionsPerUser: 1 });
    const sessions = app.get(SessionManager);
    const user = unique('single-ev');
    await loginAs(app, user, 'First');
    const [first] = await sessions.listByUser(user);
    const events: SessionEvent[] = [];
    const sub = sessions.events$.subscribe((e) => events.push(e));
    await loginAs(app, user, 'Second');
    sub.unsubscribe();
    const destroyed = events.filter((e) => e.type === 'destroyed');
    expect(destroyed).toEqual([expect.objectContaining({ handle: first.handle, userId: user })]);
  });

  it('keeps the newest sessions when maxSessionsPerUser is 2', async () => {
    const app = await start({ maxSessionsPerUser: 2 });
    const user = unique('two');
    const a = await loginAs(app, user, 'A');
    const b = await loginAs(app, user, 'B');
    const c = await loginAs(app, user, 'C');
    expect((await me(app, a)).userId).toBeNull();
    expect((await me(app, b)).userId).toBe(user);
    expect((await me(app, c)).userId).toBe(user);
  });

  it('logout drops the session from the index', async () => {
    const app = await start();
    const user = unique('out');
    const cookie = await loginAs(app, user);
    await loginAs(app, user);
    await request(app.getHttpServer()).post('/user/logout').set('Cookie', cookie).expect(201);
    expect(await app.get(SessionManager).listByUser(user)).toHaveLength(1);
    expect(await fixture.indexSize(user)).toBe(1);
  });

  it('drops expired sessions from listByUser; 10,000 expired sessions leave only the live ones indexed', async () => {
    const app = await start();
    const sessions = app.get(SessionManager);
    const user = unique('many');
    for (let i = 0; i < 10_000; i += 500) {
      await Promise.all(Array.from({ length: 500 }, () => sessions.create({}, { userId: user, ttl: 300 })));
    }
    const live = await Promise.all([1, 2, 3].map(() => sessions.create({}, { userId: user, ttl: 60_000 })));
    await new Promise((r) => setTimeout(r, 600));
    const listed = await sessions.listByUser(user);
    expect(listed.map((s) => s.handle).sort()).toEqual(
      live.map((s) => (s as unknown as { handle: string }).handle).sort(),
    );
    expect(await fixture.indexSize(user)).toBe(3);
  }, 60_000);

  it('calls userLoader once for many requests within the TTL, and again after evictUser', async () => {
    const app = await start();
    const user = unique('profile');
    const cookies = [await loginAs(app, user), await loginAs(app, user)];
    const before = loaderCalls.filter((u) => u === user).length;
    const profiles = await Promise.all(Array.from({ length: 20 }, (_, i) => me(app, cookies[i % 2])));
    for (const p of profiles) expect(p.profile).toEqual({ name: `User ${user}` });
    expect(loaderCalls.filter((u) => u === user).length - before).toBe(1);
    await app.get(SessionManager).evictUser(user);
    await me(app, cookies[0]);
    await me(app, cookies[1]);
    expect(loaderCalls.filter((u) => u === user).length - before).toBe(2);
  });

  it('publishes login and logout events', async () => {
    const app = await start();
    const events: SessionEvent[] = [];
    const sub = app.get(SessionManager).events$.subscribe((e) => events.push(e));
    const user = unique('ev');
    const cookie = await loginAs(app, user);
    await request(app.getHttpServer()).post('/user/logout').set('Cookie', cookie).expect(201);
    sub.unsubscribe();
    const mine = events.filter((e) => e.userId === user).map((e) => e.type);
    expect(mine).toContain('login');
    expect(mine).toContain('logout');
  });

  it('binds token sessions created by the manager to the user and sends them by header', async () => {
    const app = await start();
    const user = unique('token');
    const session = await app.get(SessionManager).create({ scope: 'api' }, { userId: user });
    const res = await request(app.getHttpServer())
      .get('/user/me')
      .set('x-session-id', session.id)
      .expect(200);
    expect(res.body).toMatchObject({ isNew: false, userId: user });
    expect(await app.get(SessionManager).listByUser(user)).toHaveLength(1);
  });
});
