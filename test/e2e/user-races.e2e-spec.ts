import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionManager, SessionModule } from '../../lib';
import { ADAPTERS, cookiePair, createSessionTestApp, sessionCookie } from '../support/session-test-app';
import type { StoreFixture } from '../support/store-fixtures';
import { memoryFixture, redisFixture } from '../support/store-fixtures';
import { UserTestModule } from '../support/user-test-module';

const ROUNDS = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const STORES: Array<[string, () => Promise<StoreFixture>]> = [
  ['MemoryStore', memoryFixture],
  ['RedisStore', redisFixture],
];
const cases = STORES.flatMap(([store, make]) => ADAPTERS.map((adapter) => [store, adapter, make] as const));

describe.each(cases)('per-user operations under races on %s (%s)', (_store, adapter, make) => {
  let fixture: StoreFixture;
  const apps: INestApplication[] = [];

  const start = async (maxSessionsPerUser?: number) => {
    const app = await createSessionTestApp(
      adapter,
      SessionModule.forRoot({ store: fixture.store, maxSessionsPerUser, userLoader: async (id) => ({ id }) }),
      [{ module: UserTestModule }],
    );
    apps.push(app);
    return app;
  };
  const unique = (label: string) => `${label}-${Math.random().toString(36).slice(2, 10)}`;
  const login = async (app: INestApplication, userId: string) =>
    cookiePair(sessionCookie(await request(app.getHttpServer()).post(`/user/login/${userId}`).expect(201)));
  /** The cookies whose session is still alive and still the user's. */
  const alive = async (app: INestApplication, userId: string, cookies: string[]) => {
    const reads = await Promise.all(
      cookies.map((cookie) => request(app.getHttpServer()).get('/user/me').set('Cookie', cookie).expect(200)),
    );
    return cookies.filter((_, i) => reads[i].body.userId === userId);
  };

  beforeAll(async () => {
    fixture = await make();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await fixture.close();
  });

  describe.each([1, 2])('maxSessionsPerUser %i', (limit) => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await start(limit);
    });

    it.each([2, 5, 20])(
      `keeps exactly min(K, limit) sessions of K simultaneous logins, ${ROUNDS} rounds (K = %i)`,
      async (k) => {
        const survivors: number[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const userId = unique(`u${k}`);
          const cookies = await Promise.all(Array.from({ length: k }, () => login(app, userId)));
          survivors.push((await alive(app, userId, cookies)).length);
          expect(await app.get(SessionManager).listByUser(userId)).toHaveLength(Math.min(k, limit));
        }
        expect(survivors).toEqual(Array(ROUNDS).fill(Math.min(k, limit)));
      },
    );
  });

  it(`makes "log out everywhere" final for sessions being regenerated meanwhile, ${ROUNDS} rounds`, async () => {
    const app = await start();
    const sessions = app.get(SessionManager);
    let survived = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const userId = unique('everywhere');
      const cookies: string[] = [];
      for (let i = 0; i < 4; i++) cookies.push(await login(app, userId));
      // The logout lands at a different point of the regenerations each round.
      const [regenerated] = await Promise.all([
        Promise.all(
          cookies.map((cookie) => request(app.getHttpServer()).post('/regenerate').set('Cookie', cookie)),
        ),
        sleep(round % 8).then(() => sessions.destroyByUser(userId)),
      ]);
      const moved = regenerated
        .map((res) => sessionCookie(res))
        .filter((c): c is string => c !== undefined && !c.startsWith('sid=;'));
      survived += (await alive(app, userId, [...cookies, ...moved.map(cookiePair)])).length;
      expect(await sessions.listByUser(userId)).toEqual([]);
    }
    expect(survived).toBe(0);
  });
});
