import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieStore } from '../../lib';
import { rawRequest } from '../support/raw-http';
import { ADAPTERS, cookiePair, createSessionTestApp, sessionCookie } from '../support/session-test-app';

const KEY_A = randomBytes(32);

/** The cookie's `name=value`, and the value's parts: key id and sealed body. */
function parts(pair: string): { value: string; kid: string; body: string } {
  const value = pair.slice('sid='.length);
  const [kid, body] = value.split('.');
  return { value, kid, body };
}

describe.each(ADAPTERS)('CookieStore sessions (%s)', (adapter) => {
  let app: INestApplication;
  const store = new CookieStore({ keys: [KEY_A] });
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createSessionTestApp(adapter, { store, idleTimeout: 60_000 });
  });
  afterAll(() => app.close());

  async function expectFresh(cookie: string): Promise<void> {
    const res = await http().get('/read').set('Cookie', cookie);
    expect(res.status).toBe(200);
    expect(res.body.isNew).toBe(true);
    expect(res.body.data).toEqual({});
  }

  it('counts across requests, the session travelling in the sealed cookie', async () => {
    let cookie = '';
    const ids = new Set<string>();
    for (let n = 1; n <= 3; n++) {
      const res = await http().post('/incr').set('Cookie', cookie).expect(201);
      expect(res.body).toEqual({ n });
      cookie = cookiePair(sessionCookie(res));
      const read = await http().get('/read').set('Cookie', cookie).expect(200);
      expect(read.body.data).toEqual({ n });
      ids.add(read.body.id);
    }
    expect(ids.size).toBe(1); // one session id for the session's life, sealed inside
    // Encrypted: the data is nowhere in the cookie's bytes.
    expect(Buffer.from(parts(cookie).body, 'base64url').toString('latin1')).not.toContain('"n":3');
  });

  it('keeps the cookie attributes: HttpOnly, SameSite=Lax, Path=/, no Secure over plain HTTP', async () => {
    const setCookie = sessionCookie(await http().post('/set/a').expect(201))!;
    expect(setCookie).toMatch(/^sid=[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]+;/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).not.toContain('Secure');
  });

  it('sends no new cookie for an unchanged session read within the touch interval', async () => {
    const cookie = cookiePair(sessionCookie(await http().post('/set/a').expect(201)));
    const res = await http().get('/read').set('Cookie', cookie).expect(200);
    expect(res.body.data).toEqual({ a: 'a' });
    expect(sessionCookie(res)).toBeUndefined();
  });

  it('regenerates and logs in: a new id, the same data, the user sealed in', async () => {
    const first = await http().post('/set/cart?value=apple').expect(201);
    const cookie = cookiePair(sessionCookie(first));
    const regenerated = await http().post('/regenerate').set('Cookie', cookie).expect(201);
    expect(regenerated.body.id).not.toBe(first.body.id);
    const afterRegenerate = cookiePair(sessionCookie(regenerated));
    const read = await http().get('/read').set('Cookie', afterRegenerate).expect(200);
    expect(read.body).toMatchObject({ id: regenerated.body.id, data: { cart: 'apple' } });

    const login = await http().post('/login/ada').set('Cookie', afterRegenerate).expect(201);
    expect(login.body.id).not.toBe(regenerated.body.id);
    const loggedIn = cookiePair(sessionCookie(login));
    const again = await http().get('/read').set('Cookie', loggedIn).expect(200);
    expect(again.body).toMatchObject({ id: login.body.id, data: { cart: 'apple' } });
  });

  it('destroys by expiring the cookie; a copy of the old cookie stays valid until its sealed expiry', async () => {
    const cookie = cookiePair(sessionCookie(await http().post('/set/a').expect(201)));
    const res = await http().post('/logout').set('Cookie', cookie).expect(201);
    const expired = sessionCookie(res)!;
    expect(expired).toMatch(/^sid=;/);
    expect(expired).toContain('Max-Age=0');
    // Stateless: nothing on the server remembers the destroy (README says so).
    const copy = await http().get('/read').set('Cookie', cookie).expect(200);
    expect(copy.body.data).toEqual({ a: 'a' });
  });

  describe('cookies it did not seal give a fresh session, never an error', () => {
    let victim: string;
    beforeAll(async () => {
      victim = cookiePair(sessionCookie(await http().post('/set/secret?value=victim-data').expect(201)));
    });

    it('serves the victim its own data (the baseline)', async () => {
      const res = await http().get('/read').set('Cookie', victim).expect(200);
      expect(res.body.data).toEqual({ secret: 'victim-data' });
    });

    it('tampered: one character of the body changed, anywhere', async () => {
      const { kid, body } = parts(victim);
      for (const at of [0, 10, Math.floor(body.length / 2), body.length - 2, body.length - 1]) {
        const flipped = body[at] === 'A' ? 'B' : 'A';
        await expectFresh(`sid=${kid}.${body.slice(0, at)}${flipped}${body.slice(at + 1)}`);
      }
      // The last character: also changes that touch only its spare bits, which decoding ignores.
      for (const last of 'ABCDEFGH') {
        if (last !== body.at(-1)) await expectFresh(`sid=${kid}.${body.slice(0, -1)}${last}`);
      }
      const otherKid = `${kid[0] === 'A' ? 'B' : 'A'}${kid.slice(1)}`;
      await expectFresh(`sid=${otherKid}.${body}`);
    });

    it('truncated, or extended', async () => {
      const { value } = parts(victim);
      for (const cut of [1, 4, 22, value.length - 10, value.length - 1]) {
        await expectFresh(`sid=${value.slice(0, cut)}`);
      }
      await expectFresh(`sid=${value}A`);
      await expectFresh(`sid=${value}.${value}`);
    });

    it('re-ordered: parts swapped', async () => {
      const { kid, body } = parts(victim);
      await expectFresh(`sid=${body}.${kid}`);
      const half = Math.floor(body.length / 2);
      await expectFresh(`sid=${kid}.${body.slice(half)}${body.slice(0, half)}`);
      // salt and ciphertext moved around the tag
      await expectFresh(`sid=${kid}.${body.slice(22)}${body.slice(0, 22)}`);
    });

    it('sealed with a key the store does not have, even under the right key id', async () => {
      const other = new CookieStore({ keys: [randomBytes(32)] });
      const now = Date.now();
      const forged = other.seal(
        {
          id: 'x'.repeat(32),
          data: new Map([['secret', '"forged"']]),
          meta: { createdAt: now, expiresAt: now + 60_000, lastSeenAt: now },
        },
        'sid',
      );
      await expectFresh(`sid=${forged}`);
      await expectFresh(`sid=${parts(victim).kid}.${forged.split('.')[1]}`);
    });

    it('garbage, empty, quoted, non-ASCII and huge cookie headers', async () => {
      for (const cookie of [
        'sid=',
        'sid=.',
        'sid=........',
        'sid="abc"',
        'sid=%00%ff',
        'sid=a.b.c',
        `sid=${'A'.repeat(9)}.`,
      ]) {
        await expectFresh(cookie);
      }
      await expectFresh(`sid=${'A'.repeat(8)}.${'B'.repeat(6_000)}`);
      const raw = await rawRequest(app, 'GET', '/read', [
        Buffer.from(`Cookie: sid=\xff\xfe${'é'.repeat(500)}`, 'latin1'),
      ]);
      expect(raw.status).toBe(200);
      expect(JSON.parse(raw.body)).toMatchObject({ isNew: true, data: {} });
    });
  });

  it('refuses a session that would pass 4096 bytes per cookie at set, with a 413 and a fixed body', async () => {
    const near = await http()
      .post(`/set/big?value=${'x'.repeat(2_700)}`)
      .expect(201);
    const setCookie = sessionCookie(near)!;
    expect(Buffer.byteLength(cookiePair(setCookie))).toBeLessThanOrEqual(4096);
    const cookie = cookiePair(setCookie);
    const over = await http()
      .post(`/set/more?value=${'y'.repeat(1_500)}`)
      .set('Cookie', cookie);
    expect(over.status).toBe(413);
    expect(over.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: 'Session too large' });
    expect(sessionCookie(over)).toBeUndefined();
    // Bytes, not characters: 1,400 euro signs are 4,200 bytes.
    const euros = await http().post(`/set/e?value=${encodeURIComponent('€'.repeat(1_400))}`);
    expect(euros.status).toBe(413);
    // The session that fitted is untouched.
    const read = await http().get('/read').set('Cookie', cookie).expect(200);
    expect(read.body.data.big).toHaveLength(2_700);
  });

  it('fits the largest session it accepts into one cookie of at most 4096 bytes', async () => {
    // Grow a session key by key until the store refuses: every accepted state fits.
    let cookie = '';
    for (let i = 0; i < 40; i++) {
      const res = await http()
        .post(`/set/k${i}?value=${'v'.repeat(120)}`)
        .set('Cookie', cookie);
      if (res.status === 413) break;
      expect(res.status).toBe(201);
      cookie = cookiePair(sessionCookie(res));
      expect(Buffer.byteLength(cookie)).toBeLessThanOrEqual(4096);
    }
    expect(Buffer.byteLength(cookie)).toBeGreaterThan(3_800);
  });
});
