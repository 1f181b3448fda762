import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { InvalidSessionOptionsError, SessionModule } from '../../lib';
import type { SessionModuleOptions } from '../../lib';
import { ADAPTERS, cookiePair, createSessionTestApp, sessionCookie } from '../support/session-test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function maxAgeOf(cookie: string | undefined): number {
  const match = /Max-Age=(\d+)/.exec(cookie ?? '');
  if (!match) throw new Error(`no Max-Age in ${String(cookie)}`);
  return Number(match[1]);
}

async function withApp(
  adapter: 'express' | 'fastify',
  options: SessionModuleOptions,
  run: (app: INestApplication) => Promise<void>,
  trustProxy = false,
): Promise<void> {
  const app = await createSessionTestApp(adapter, { idFrom: ['cookie'], ...options }, [], { trustProxy });
  try {
    await run(app);
  } finally {
    await app.close();
  }
}

describe.each(ADAPTERS)('cookie.maxAge and rolling (%s)', (adapter) => {
  it('cookie.maxAge sets Max-Age and Expires from now', async () => {
    await withApp(adapter, { cookie: { maxAge: 10 * 60_000 } }, async (app) => {
      const cookie = sessionCookie(await request(app.getHttpServer()).post('/set/a').expect(201));
      expect(maxAgeOf(cookie)).toBeGreaterThan(600 - 5);
      expect(maxAgeOf(cookie)).toBeLessThanOrEqual(600);
      expect(cookie).toMatch(/Expires=[^;]+GMT/);
    });
  });

  it('cookie.maxAge never outlives the absolute deadline', async () => {
    await withApp(
      adapter,
      { idleTimeout: 60_000, absoluteTimeout: 120_000, cookie: { maxAge: 3_600_000 } },
      async (app) => {
        const cookie = sessionCookie(await request(app.getHttpServer()).post('/set/a').expect(201));
        expect(maxAgeOf(cookie)).toBeLessThanOrEqual(120);
        expect(maxAgeOf(cookie)).toBeGreaterThan(115);
      },
    );
  });

  it('cookie.maxAge null sends a browser-session cookie with neither Expires nor Max-Age', async () => {
    await withApp(adapter, { cookie: { maxAge: null } }, async (app) => {
      const server = app.getHttpServer();
      const cookie = sessionCookie(await request(server).post('/set/a').expect(201))!;
      expect(cookie).toMatch(/^sid=[A-Za-z0-9_-]{32}; Path=\/; HttpOnly; SameSite=Lax$/);
      // Still a live session server-side, and a logout still expires the cookie.
      const read = await request(server).get('/read').set('Cookie', cookiePair(cookie)).expect(200);
      expect(read.body.data).toEqual({ a: 'a' });
      const out = await request(server).post('/logout').set('Cookie', cookiePair(cookie)).expect(201);
      expect(sessionCookie(out)).toContain('Max-Age=0');
    });
  });

  it('without rolling, a returning session gets no new cookie, even when it is saved or touched', async () => {
    await withApp(adapter, { touchInterval: 1 }, async (app) => {
      const server = app.getHttpServer();
      const cookie = cookiePair(sessionCookie(await request(server).post('/set/a').expect(201)));
      await sleep(5);
      expect(sessionCookie(await request(server).post('/set/b').set('Cookie', cookie))).toBeUndefined();
      await sleep(5);
      expect(sessionCookie(await request(server).get('/read').set('Cookie', cookie))).toBeUndefined();
    });
  });

  it('with rolling, a saved or touched session gets its cookie again, expiring with the idle expiry', async () => {
    await withApp(adapter, { rolling: true, idleTimeout: 600_000, touchInterval: 1 }, async (app) => {
      const server = app.getHttpServer();
      const first = sessionCookie(await request(server).post('/set/a').expect(201));
      expect(maxAgeOf(first)).toBeLessThanOrEqual(600);
      expect(maxAgeOf(first)).toBeGreaterThan(595);
      const cookie = cookiePair(first);
      await sleep(5);
      const saved = sessionCookie(await request(server).post('/set/b').set('Cookie', cookie).expect(201));
      expect(cookiePair(saved)).toBe(cookie);
      expect(maxAgeOf(saved)).toBeGreaterThan(595);
      await sleep(5);
      const touched = sessionCookie(await request(server).get('/read').set('Cookie', cookie).expect(200));
      expect(cookiePair(touched)).toBe(cookie);
      expect(maxAgeOf(touched)).toBeLessThanOrEqual(600);
    });
  });

  it('with rolling, a read that does not push the expiry forward sends no cookie', async () => {
    await withApp(adapter, { rolling: true, touchInterval: 60_000 }, async (app) => {
      const server = app.getHttpServer();
      const cookie = cookiePair(sessionCookie(await request(server).post('/set/a').expect(201)));
      expect(
        sessionCookie(await request(server).get('/read').set('Cookie', cookie).expect(200)),
      ).toBeUndefined();
    });
  });

  it('with rolling, the re-sent cookie never outlives the absolute deadline', async () => {
    await withApp(
      adapter,
      { rolling: true, idleTimeout: 60_000, absoluteTimeout: 62_000, touchInterval: 1 },
      async (app) => {
        const server = app.getHttpServer();
        const cookie = cookiePair(sessionCookie(await request(server).post('/set/a').expect(201)));
        await sleep(2_100);
        const again = sessionCookie(await request(server).post('/set/b').set('Cookie', cookie).expect(201));
        // Idle expiry would be 60 s from now; the deadline is under 60 s away.
        expect(maxAgeOf(again)).toBeLessThan(60);
      },
    );
  });
});

describe.each(ADAPTERS)('cookie.partitioned and cookie.priority (%s)', (adapter) => {
  it('adds Partitioned to a Secure cookie, and Priority', async () => {
    await withApp(
      adapter,
      { cookie: { partitioned: true, sameSite: 'none', priority: 'high' } },
      async (app) => {
        const res = await request(app.getHttpServer())
          .post('/set/a')
          .set('X-Forwarded-Proto', 'https')
          .expect(201);
        expect(sessionCookie(res)).toMatch(/; Secure; Partitioned; Priority=High; SameSite=None$/);
      },
      true,
    );
  });

  it("leaves Partitioned out over plain HTTP with secure 'auto' (browsers refuse it without Secure)", async () => {
    await withApp(adapter, { cookie: { partitioned: true, priority: 'low' } }, async (app) => {
      const cookie = sessionCookie(await request(app.getHttpServer()).post('/set/a').expect(201));
      expect(cookie).not.toContain('Partitioned');
      expect(cookie).toContain('; Priority=Low');
    });
  });

  it.each([
    [{ cookie: { partitioned: true, secure: false } }, 'cookie.partitioned requires cookie.secure'],
    [{ cookie: { priority: 'urgent' } }, "cookie.priority must be 'low', 'medium' or 'high'"],
    [{ cookie: { maxAge: 0 } }, 'cookie.maxAge must be > 0 ms or null'],
    [{ rolling: 'yes' }, 'rolling must be a boolean'],
  ])('refuses %j at start-up', async (options, message) => {
    const start = createSessionTestApp(adapter, SessionModule.forRoot(options as SessionModuleOptions));
    await expect(start).rejects.toThrow(InvalidSessionOptionsError);
    await expect(
      createSessionTestApp(adapter, SessionModule.forRoot(options as SessionModuleOptions)),
    ).rejects.toThrow(message);
  });
});
