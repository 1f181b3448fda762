import { describe, expect, it } from 'vitest';
import type { SessionSettings } from '../options/session-settings';
import { VerifiedIdCache } from '../id/verified-id-cache';
import { signSessionId } from '../id/sign-session-id';
import { BUILT_IN_SESSION_IDS } from '../id/session-id';
import { readSessionId } from './read-session-id';

const ID = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';

function req(headers: Record<string, string>, url = '/'): { headers: Record<string, string>; url: string } {
  return { headers, url };
}

describe('readSessionId', () => {
  // Only the fields readSessionId reads.
  const settings = {
    secrets: ['s3cret'],
    cookie: { name: 'sid' },
    idFrom: ['cookie', 'header', 'query'],
    header: 'x-session-id',
    ids: BUILT_IN_SESSION_IDS,
  } as unknown as SessionSettings;

  it('reads a signed cookie, an unsigned header and an unsigned query value', () => {
    const cache = new VerifiedIdCache();
    expect(
      readSessionId(req({ cookie: `sid=${signSessionId(ID, ['s3cret'])}` }), settings, cache),
    ).toMatchObject({
      id: ID,
      source: 'cookie',
    });
    expect(readSessionId(req({ 'x-session-id': ID }), settings, cache)).toMatchObject({
      id: ID,
      source: 'header',
    });
    expect(readSessionId(req({}, `/?sid=${ID}`), settings, cache)).toMatchObject({ id: ID, source: 'query' });
  });

  it('never takes a value verified from one source as verified from another', () => {
    const cache = new VerifiedIdCache();
    readSessionId(req({ 'x-session-id': ID }), settings, cache);
    readSessionId(req({}, `/?sid=${ID}`), settings, cache);
    for (const forged of [`header:${ID}`, `query:${ID}`, ID]) {
      expect(readSessionId(req({ cookie: `sid=${forged}` }), settings, cache)).toEqual({ source: 'cookie' });
    }
  });

  it('does not let a signed cookie value verified once pass as a header or query id', () => {
    const cache = new VerifiedIdCache();
    const signed = signSessionId(ID, ['s3cret']);
    readSessionId(req({ cookie: `sid=${signed}` }), settings, cache);
    expect(readSessionId(req({ 'x-session-id': signed }), settings, cache)).toEqual({ source: 'header' });
    expect(readSessionId(req({}, `/?sid=${encodeURIComponent(signed)}`), settings, cache)).toEqual({
      source: 'query',
    });
  });
});
