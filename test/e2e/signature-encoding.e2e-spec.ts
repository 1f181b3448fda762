import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../support/raw-http';
import { ADAPTERS, cookiePair, createSessionTestApp, sessionCookie } from '../support/session-test-app';
import { signSessionIdForTest } from '../support/sign';

const SECRET = 'current-secret';

/**
 * A signed cookie is `id.signature`, 43 url-safe characters of signature. Node reads header bytes
 * as Latin-1, so one byte >= 0x80 is one character but two UTF-8 bytes: a signature of the right
 * length in characters and the wrong length in bytes.
 */
describe.each(ADAPTERS)('signed cookies with non-ASCII signatures (%s)', (adapter) => {
  let app: INestApplication;
  let cookie: string;
  let id: string;

  beforeAll(async () => {
    app = await createSessionTestApp(adapter, { secret: SECRET });
    const res = await request(app.getHttpServer()).post('/set/owner?value=victim').expect(201);
    cookie = cookiePair(sessionCookie(res));
    id = res.body.id;
  });
  afterAll(() => app.close());

  function expectFresh(res: { status: number; body: { isNew: boolean; data: object; id: string } }): void {
    expect(res.status).toBe(200);
    expect(res.body.isNew).toBe(true);
    expect(res.body.data).toEqual({});
    expect(res.body.id).not.toBe(id);
  }

  it.each([
    ['U+00E9 é', 'é'],
    ['U+00FF ÿ', 'ÿ'],
    ['U+0080', '\u0080'],
    ['U+00A0 (no-break space)', '\u00a0'],
  ])('answers 200 with a fresh session when one signature character is %s', async (_label, c) => {
    for (const at of [0, 21, 42]) {
      const i = cookie.lastIndexOf('.') + 1 + at;
      const tampered = cookie.slice(0, i) + c + cookie.slice(i + 1);
      expectFresh(await request(app.getHttpServer()).get('/read').set('Cookie', tampered));
    }
  });

  it('answers 200 with a fresh session for an unknown id whose signature ends in a Latin-1 byte', async () => {
    const res = await request(app.getHttpServer())
      .get('/read')
      .set('Cookie', `sid=${'x'.repeat(32)}.${'A'.repeat(42)}\u00e9`);
    expectFresh(res);
  });

  it.each([
    ['one UTF-8 character (2 bytes)', 41, 'é'],
    ['a 3-byte UTF-8 character', 40, '€'],
    ['an emoji (4 bytes)', 39, '😀'],
    ['a raw 0xFF byte', 42, '\u00ff'],
  ])(
    'answers 200 with a fresh session for a raw signature of 43 bytes ending in %s',
    async (_label, ascii, tail) => {
      const signed = signSessionIdForTest(id, SECRET);
      const value = `${signed.slice(0, signed.lastIndexOf('.') + 1)}${'A'.repeat(ascii)}`;
      const bytes = Buffer.concat([
        Buffer.from(`Cookie: sid=${value}`, 'latin1'),
        tail === '\u00ff' ? Buffer.from([0xff]) : Buffer.from(tail, 'utf8'),
      ]);
      const res = await rawRequest(app, 'GET', '/read', [bytes]);
      expect(res.status).toBe(200);
      const body = JSON.parse(res.body.slice(res.body.indexOf('{')));
      expect(body.isNew).toBe(true);
      expect(body.data).toEqual({});
    },
  );

  it('still serves the session its untampered cookie names', async () => {
    const res = await request(app.getHttpServer()).get('/read').set('Cookie', cookie).expect(200);
    expect(res.body.data).toEqual({ owner: 'victim' });
  });
});
