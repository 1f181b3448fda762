import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { CookieStore } from '../../lib/stores/cookie';
import { describeStoreConformance } from '../../lib/testing';
import type { ConformanceTest } from '../../lib/testing';
import { CookieJarStore } from '../support/cookie-jar-store';

/**
 * Tests of the suite that cannot apply to a stateless store, and why. Capability tests (count,
 * user index) skip themselves: CookieStore has neither. Its in-process profile cache is a
 * SharedCacheStore (the adapter passes it through) and runs the cache tests.
 */
const NOT_APPLICABLE: Record<string, string> = {
  'round-trips a large value': 'a cookie holds at most 4096 bytes; the store refuses more at set (413)',
  // The rest of that test's metadata (ttl, expiry, creation) round-trips in cookie.store.spec.ts.
  'creates a session and loads its data and metadata back':
    'user agent and IP are not sealed: they serve listByUser, which a stateless store cannot, and would take cookie bytes',
};

/** Vitest's `it`, with the tests that do not apply marked skipped under their reason. */
function itUnlessNotApplicable(name: string, fn: ConformanceTest) {
  const reason = NOT_APPLICABLE[name];
  return reason === undefined ? it(name, fn) : it.skip(`${name} (skipped: ${reason})`, fn);
}

describeStoreConformance(
  'CookieStore (through a jar of sealed values)',
  async () => ({ store: new CookieJarStore(new CookieStore({ keys: [randomBytes(32)] })) }),
  { describe, it: itUnlessNotApplicable, after: afterAll },
);

describe('the conformance adapter', () => {
  it('holds only sealed values, opened by the CookieStore', async () => {
    const jar = new CookieJarStore(new CookieStore({ keys: [randomBytes(32)] }));
    const now = Date.now();
    const sets = {
      clear: true,
      set: new Map([['secret', '"top-secret-value"']]),
      delete: new Set<string>(),
      increment: new Map(),
    };
    const meta = { createdAt: now, expiresAt: now + 60_000, lastSeenAt: now };
    expect(await jar.apply('k', sets, meta, meta)).toBe(true);
    expect(jar.carried('k')).toMatch(/^[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]+$/);
    const body = jar.carried('k')!.split('.')[1];
    expect(Buffer.from(body, 'base64url').toString('latin1')).not.toContain('top-secret');
    expect(Object.fromEntries((await jar.load('k'))!.data)).toEqual({ secret: '"top-secret-value"' });
  });
});
