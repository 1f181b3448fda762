import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidSessionOptionsError } from '../../errors/invalid-session-options.error';
import { SessionTooLargeError } from '../../errors/session-too-large.error';
import type { SealedSession } from '../session-store';
import { isSealingStore, isSharedCacheStore } from '../session-store';
import { CookieStore, MAX_COOKIE_BYTES } from './cookie.store';

const now = Date.now();
function session(
  data: Record<string, unknown> = {},
  meta: Partial<SealedSession['meta']> = {},
): SealedSession {
  return {
    id: 'abcdefghijklmnopqrstuvwxyz012345',
    data: new Map(Object.entries(data).map(([k, v]) => [k, JSON.stringify(v)])),
    meta: { createdAt: now, expiresAt: now + 60_000, lastSeenAt: now, ...meta },
  };
}

describe('CookieStore keys', () => {
  it('takes Buffers and base64 or base64url text of 32 bytes', () => {
    const key = randomBytes(32);
    for (const keys of [
      key,
      [key],
      key.toString('base64'),
      [key.toString('base64url')],
      new Uint8Array(key),
    ]) {
      expect(isSealingStore(new CookieStore({ keys }))).toBe(true);
    }
  });

  it.each([
    ['missing', undefined, /keys is required/],
    ['empty', [], /keys is required/],
    ['short', randomBytes(16), /keys\[0\] must be 32 bytes, got 16/],
    [
      'long text',
      randomBytes(48).toString('base64'),
      /keys\[0\] must be the base64 of 32 random bytes.*got 48 bytes/,
    ],
    ['a passphrase', 'correct horse battery staple!', /keys\[0\] must be the base64 of 32 random bytes/],
    ['a number', 42, /keys\[0\] must be a Buffer of 32 bytes or its base64 text, got number/],
  ])('refuses a %s key at start-up', (_, keys, message) => {
    expect(() => new CookieStore({ keys } as never)).toThrow(InvalidSessionOptionsError);
    expect(() => new CookieStore({ keys } as never)).toThrow(message);
  });

  it('refuses a second copy of a key, and unknown options', () => {
    const key = randomBytes(32);
    expect(() => new CookieStore({ keys: [key, key.toString('base64')] })).toThrow(
      /keys\[1\] repeats keys\[0\]/,
    );
    expect(() => new CookieStore({ keys: key, secret: 'x' } as never)).toThrow(/unknown option 'secret'/);
  });
});

describe('CookieStore sealing', () => {
  const store = new CookieStore({ keys: [randomBytes(32)] });

  it('round-trips id, data and metadata; leaves out user agent and IP', () => {
    const data = new Map([
      ['n', '1'],
      ['constructor', '2'],
      ['odd', '{"__proto__":3}'],
      ['ключ', '"✓"'],
    ]);
    const meta = { ...session().meta, userId: 'ada', ttl: 5_000, userAgent: 'x', ip: '1.2.3.4' };
    const opened = store.unseal(store.seal({ id: session().id, data, meta }, 'sid'))!;
    expect(opened.id).toBe('abcdefghijklmnopqrstuvwxyz012345');
    expect([...opened.data]).toEqual([...data]);
    expect(opened.meta).toEqual({
      createdAt: now,
      expiresAt: now + 60_000,
      lastSeenAt: now,
      userId: 'ada',
      ttl: 5_000,
    });
  });

  it('seals the same session differently every time (a fresh salt)', () => {
    expect(store.seal(session(), 'sid')).not.toBe(store.seal(session(), 'sid'));
  });

  it('opens nothing it did not seal, and never throws', () => {
    const sealed = store.seal(session({ a: 1 }), 'sid');
    for (const value of [
      '',
      '.',
      'x',
      sealed.slice(0, -1),
      `${sealed}=`,
      sealed.replace('.', '-'),
      'A'.repeat(5_000),
    ]) {
      expect(store.unseal(value)).toBeNull();
    }
    expect(new CookieStore({ keys: [randomBytes(32)] }).unseal(sealed)).toBeNull();
  });

  it('opens none of 2,000 random values under its own key id, and never throws', () => {
    const kid = store.seal(session(), 'sid').split('.')[0];
    for (let i = 0; i < 2_000; i++) {
      const body = randomBytes(33 + (i % 200)).toString(i % 2 ? 'base64url' : 'latin1');
      expect(store.unseal(`${kid}.${body}`)).toBeNull();
    }
  });

  it('opens with every key of the ring, and seals with the first', () => {
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const before = new CookieStore({ keys: [oldKey] });
    const rotated = new CookieStore({ keys: [newKey, oldKey] });
    const after = new CookieStore({ keys: [newKey] });
    const old = before.seal(session({ a: 1 }), 'sid');
    expect(rotated.unseal(old)).not.toBeNull();
    const resealed = rotated.seal(session({ a: 1 }), 'sid');
    expect(after.unseal(resealed)).not.toBeNull();
    expect(after.unseal(old)).toBeNull();
    expect(resealed.split('.')[0]).not.toBe(old.split('.')[0]);
  });

  it('refuses, naming the limit, a session whose name=value would pass 4096 bytes', () => {
    const big = session({ big: 'é'.repeat(1_600) }); // 3,200 bytes, 1,600 characters
    expect(() => store.seal(big, 'sid')).toThrow(SessionTooLargeError);
    try {
      store.seal(big, 'sid');
    } catch (error) {
      expect((error as SessionTooLargeError).detail).toMatch(
        /over CookieStore's 4096-byte cookie \(name=value\)/,
      );
    }
  });

  it('budgets the data exactly: at the budget it fits, one byte more does not', () => {
    for (const name of ['sid', 'a-much-longer-cookie-name']) {
      for (const meta of [{}, { userId: 'someone@example.com', ttl: 3_600_000 }]) {
        const budget = store.dataBudget(session({}, meta), name);
        // A JSON object of one string value takes `{"k":"..."}`: 8 bytes around the text.
        const fits = session({ k: 'x'.repeat(budget - 8) }, meta);
        expect(`${name}=${store.seal(fits, name)}`.length).toBeLessThanOrEqual(MAX_COOKIE_BYTES);
        expect(`${name}=${store.seal(fits, name)}`.length).toBeGreaterThan(MAX_COOKIE_BYTES - 4);
        expect(() => store.seal(session({ k: 'x'.repeat(budget - 4) }, meta), name)).toThrow(
          SessionTooLargeError,
        );
      }
    }
  });
});

describe('CookieStore without server state', () => {
  const store = new CookieStore({ keys: [randomBytes(32)] });

  it('knows no session by key, and refuses to create one outside a request', async () => {
    expect(await store.load('k')).toBeNull();
    expect(await store.touch('k', { expiresAt: now, lastSeenAt: now })).toBe(false);
    expect(await store.destroy('k')).toBe(false);
    const changes = { clear: true, set: new Map(), delete: new Set<string>(), increment: new Map() };
    await expect(
      store.apply('k', changes, { expiresAt: now, lastSeenAt: now }, session().meta),
    ).rejects.toThrow(/CookieStore keeps no sessions on the server/);
  });

  it("caches userLoader profiles in this process, for the entry's ttl", async () => {
    expect(isSharedCacheStore(store)).toBe(true);
    await store.setCached('user:ada', '{"name":"Ada"}', 60_000);
    await store.setCached('user:bob', '{}', 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await store.getCached('user:ada')).toBe('{"name":"Ada"}');
    expect(await store.getCached('user:bob')).toBeNull();
    await store.deleteCached('user:ada');
    expect(await store.getCached('user:ada')).toBeNull();
  });
});
