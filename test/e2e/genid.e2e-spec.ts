import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { InvalidSessionOptionsError, SessionModule } from '../../lib';
import type { SessionModuleOptions } from '../../lib';
import { ADAPTERS, cookiePair, createSessionTestApp, sessionCookie } from '../support/session-test-app';

const customId = () => `app_${randomBytes(30).toString('base64url')}`; // 4 + 40 characters

describe.each(ADAPTERS)('genid (%s)', (adapter) => {
  it('issues its ids, and accepts them back by cookie, signed cookie and header', async () => {
    for (const options of [{}, { secret: 's3cret' }] as SessionModuleOptions[]) {
      const app = await createSessionTestApp(adapter, { genid: customId, ...options });
      try {
        const server = app.getHttpServer();
        const cookie = sessionCookie(await request(server).post('/set/a').expect(201))!;
        expect(cookie).toMatch(/^sid=app_[A-Za-z0-9_-]{40}[;.]/);
        for (let i = 0; i < 2; i++) {
          // twice: the second read comes through the verified-id cache
          const read = await request(server).get('/read').set('Cookie', cookiePair(cookie)).expect(200);
          expect(read.body).toMatchObject({ isNew: false, data: { a: 'a' } });
        }
        const byHeader = await request(server).post('/set/h').set('x-session-id', 'x').expect(201);
        const id = byHeader.headers['x-session-id'];
        expect(id).toMatch(/^app_/);
        const read = await request(server).get('/read').set('x-session-id', id).expect(200);
        expect(read.body.data).toEqual({ h: 'h' });
      } finally {
        await app.close();
      }
    }
  });

  it('accepts a 22-character id (128 bits of base64url)', async () => {
    const app = await createSessionTestApp(adapter, { genid: () => randomBytes(16).toString('base64url') });
    try {
      const server = app.getHttpServer();
      const cookie = sessionCookie(await request(server).post('/set/a').expect(201))!;
      expect(cookie).toMatch(/^sid=[A-Za-z0-9_-]{22};/);
      const read = await request(server).get('/read').set('Cookie', cookiePair(cookie)).expect(200);
      expect(read.body.data).toEqual({ a: 'a' });
    } finally {
      await app.close();
    }
  });

  it.each([
    [() => 'short', 'genid must return 22 to 128 url-safe characters'],
    [() => 'a'.repeat(21), 'got a string of 21 characters'],
    [() => `${'a'.repeat(30)}.dot`, 'genid must return 22 to 128 url-safe characters'],
    [() => 42, 'got number'],
    ['not a function', 'genid must be a function'],
  ])('refuses a genid that cannot make a strong id at start-up (%s)', async (genid, message) => {
    const options = { genid } as unknown as SessionModuleOptions;
    await expect(createSessionTestApp(adapter, SessionModule.forRoot(options))).rejects.toThrow(
      InvalidSessionOptionsError,
    );
    await expect(createSessionTestApp(adapter, SessionModule.forRoot(options))).rejects.toThrow(message);
  });

  it('fails the request, and issues nothing, when genid later returns a weak id', async () => {
    let calls = 0;
    const app = await createSessionTestApp(adapter, {
      genid: () => (++calls === 1 ? customId() : 'weak'),
    });
    try {
      const res = await request(app.getHttpServer()).post('/set/a').expect(500);
      expect(sessionCookie(res)).toBeUndefined();
    } finally {
      await app.close();
    }
  });

  it('without genid, still accepts only its own 32-character ids', async () => {
    const app = await createSessionTestApp(adapter, {});
    try {
      const read = await request(app.getHttpServer())
        .get('/read')
        .set('Cookie', `sid=${customId()}`)
        .expect(200);
      expect(read.body.isNew).toBe(true);
    } finally {
      await app.close();
    }
  });
});
