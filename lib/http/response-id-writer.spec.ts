import { describe, expect, it } from 'vitest';
import type { SessionSettings } from '../options/session-settings';
import { ResponseIdWriter } from './response-id-writer';

/** Only the fields `issuable` reads. */
function settings(path: string): SessionSettings {
  return { idFrom: ['cookie'], cookie: { name: 'sid', path, secure: 'auto' } } as unknown as SessionSettings;
}

function issuable(path: string, url: string, originalUrl?: string): boolean {
  return new ResponseIdWriter(
    settings(path),
    { headers: {}, url, ...(originalUrl ? { originalUrl } : {}) },
    'cookie',
  ).issuable;
}

describe('ResponseIdWriter.issuable', () => {
  it("takes every origin-form path under cookie.path '/', and no other request target", () => {
    expect(issuable('/', '/')).toBe(true);
    expect(issuable('/', '/a/b?c=d')).toBe(true);
    expect(issuable('/', 'http://example.test/a')).toBe(false);
    expect(issuable('/', '*')).toBe(false);
    expect(issuable('/', '?a=b')).toBe(false);
  });

  it('path-matches a narrower cookie.path (RFC 6265), ignoring the query', () => {
    expect(issuable('/api', '/api')).toBe(true);
    expect(issuable('/api', '/api/x')).toBe(true);
    expect(issuable('/api', '/api?x=1')).toBe(true);
    expect(issuable('/api', '/apix')).toBe(false);
    expect(issuable('/api/', '/api/x')).toBe(true);
    expect(issuable('/api', '/')).toBe(false);
  });

  it("reads Express's originalUrl over a mounted router's rewritten url", () => {
    expect(issuable('/api', '/x', '/api/x')).toBe(true);
    expect(issuable('/', '/x', 'http://example.test/x')).toBe(false);
  });
});
