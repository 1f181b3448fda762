import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../support/raw-http';
import { ADAPTERS, cookiePair, createSessionTestApp, sessionCookie } from '../support/session-test-app';

const SECRETS = ['current-secret', 'previous-secret'];

describe.each(ADAPTERS)('ids the server did not issue (%s)', (adapter) => {
  let app: INestApplication;
  let victimCookie: string;
  let victimId: string;

  beforeAll(async () => {
    app = await createSessionTestApp(adapter, { secret: SECRETS, idleTimeout: 60_000 });
    const res = await request(app.getHttpServer()).post('/set/secret?value=victim-data').expect(201);
    victimCookie = cookiePair(sessionCookie(res));
    victimId = res.body.id;
  });
  afterAll(() => app.close());

  async function expectFreshSession(cookieHeader: string): Promise<void> {
    const res = await request(app.getHttpServer()).get('/read').set('Cookie', cookieHeader);
    expect(res.status).toBe(200);
    expect(res.body.isNew).toBe(true);
    expect(res.body.data).toEqual({});
    expect(res.body.id).not.toBe(victimId);
  }

  it('serves the victim its own data (the baseline the other cases compare with)', async () => {
    const res = await request(app.getHttpServer()).get('/read').set('Cookie', victimCookie).expect(200);
    expect(res.body.data).toEqual({ secret: 'victim-data' });
  });

  it('gives a fresh session for a cookie with a tampered signature', async () => {
    const [name, value] = victimCookie.split('=');
    const tampered = `${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`;
    await expectFreshSession(`${name}=${tampered}`);
  });

  it('gives a fresh session for the bare id without its signature', async () => {
    await expectFreshSession(`sid=${victimId}`);
  });

  it('gives a fresh session for an id signed with a secret it does not know', async () => {
    const { signSessionIdForTest } = await import('../support/sign');
    await expectFreshSession(`sid=${signSessionIdForTest(victimId, 'attacker-secret')}`);
  });

  it('accepts a cookie signed with the previous secret (rotation)', async () => {
    const { signSessionIdForTest } = await import('../support/sign');
    const res = await request(app.getHttpServer())
      .get('/read')
      .set('Cookie', `sid=${signSessionIdForTest(victimId, 'previous-secret')}`)
      .expect(200);
    expect(res.body.data).toEqual({ secret: 'victim-data' });
  });

  it('gives a fresh session for an unknown, well-formed and well-signed id (no adoption)', async () => {
    const { signSessionIdForTest } = await import('../support/sign');
    const unknown = randomBytes(24).toString('base64url');
    await expectFreshSession(`sid=${signSessionIdForTest(unknown, SECRETS[0])}`);
    // and a write on it stores a session under a new id, never the one the client chose
    const res = await request(app.getHttpServer())
      .post('/set/x')
      .set('Cookie', `sid=${signSessionIdForTest(unknown, SECRETS[0])}`)
      .expect(201);
    expect(res.body.id).not.toBe(unknown);
  });

  it.each([
    ['10 KB of text', `sid=${'a'.repeat(10_240)}`],
    ['empty', 'sid='],
    ['only a dot', 'sid=.'],
    ['quotes', 'sid="' + 'a'.repeat(32) + '"'],
    ['many cookies', Array.from({ length: 300 }, (_, i) => `c${i}=v${i}`).join('; ')],
  ])('gives a fresh session, 2xx, for a garbage cookie: %s', async (_label, cookie) => {
    await expectFreshSession(cookie);
  });

  it.each([
    [
      'random bytes',
      Buffer.concat([
        Buffer.from('Cookie: sid='),
        randomBytes(64).map((b) => (b < 32 || b === 59 || b === 127 ? 65 : b)),
      ]),
    ],
    ['non-ASCII UTF-8', Buffer.from('Cookie: sid=сессия✓; other=1', 'utf8')],
    [
      'a 10 KB x-session-id of random bytes',
      Buffer.concat([
        Buffer.from('x-session-id: '),
        randomBytes(10_240).map((b) => (b < 32 || b === 127 ? 66 : b)),
      ]),
    ],
  ])('answers 2xx with a fresh session to raw bytes: %s', async (_label, header) => {
    const res = await rawRequest(app, 'GET', '/read', [header]);
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body.slice(res.body.indexOf('{')));
    expect(body.isNew).toBe(true);
    expect(body.data).toEqual({});
  });

  it('gives a fresh session for garbage and oversized headers', async () => {
    for (const value of ['x', 'a'.repeat(8_000), victimId + 'x', `${victimId}.${'a'.repeat(43)}`]) {
      const res = await request(app.getHttpServer()).get('/read').set('x-session-id', value);
      expect(res.status).toBe(200);
      expect(res.body.isNew).toBe(true);
    }
  });

  it('rejects the old id after regenerate, and the new one carries the data', async () => {
    const first = await request(app.getHttpServer()).post('/set/a?value=1').expect(201);
    const oldCookie = cookiePair(sessionCookie(first));
    const regen = await request(app.getHttpServer()).post('/regenerate').set('Cookie', oldCookie).expect(201);
    const newCookie = cookiePair(sessionCookie(regen));
    expect(newCookie).not.toBe(oldCookie);
    expect(regen.body.id).not.toBe(first.body.id);
    await expectFreshSession(oldCookie);
    const after = await request(app.getHttpServer()).get('/read').set('Cookie', newCookie).expect(200);
    expect(after.body.data).toEqual({ a: '1' });
  });
});

describe.each(ADAPTERS)('timeouts (%s)', (adapter) => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('expires a session idle for longer than idleTimeout', async () => {
    const app = await createSessionTestApp(adapter, { idleTimeout: 300, absoluteTimeout: 60_000 });
    try {
      const cookie = cookiePair(sessionCookie(await request(app.getHttpServer()).post('/set/a')));
      await sleep(150);
      expect((await request(app.getHttpServer()).get('/read').set('Cookie', cookie)).body.isNew).toBe(false);
      await sleep(450);
      expect((await request(app.getHttpServer()).get('/read').set('Cookie', cookie)).body.isNew).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('keeps an active session past idleTimeout, but not past absoluteTimeout', async () => {
    const app = await createSessionTestApp(adapter, {
      idleTimeout: 400,
      absoluteTimeout: 1_200,
      touchInterval: 50,
    });
    try {
      const cookie = cookiePair(sessionCookie(await request(app.getHttpServer()).post('/set/a')));
      const seen: boolean[] = [];
      for (let i = 0; i < 8; i++) {
        await sleep(200);
        seen.push((await request(app.getHttpServer()).get('/read').set('Cookie', cookie)).body.isNew);
      }
      // alive for ~1 s thanks to touches (each 200 ms, idle 400 ms), dead after the 1.2 s deadline
      expect(seen.slice(0, 4)).toEqual([false, false, false, false]);
      expect(seen.slice(-2)).toEqual([true, true]);
    } finally {
      await app.close();
    }
  });
});
