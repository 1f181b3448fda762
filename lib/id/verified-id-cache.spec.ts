import { describe, expect, it } from 'vitest';
import { VerifiedIdCache } from './verified-id-cache';

describe('VerifiedIdCache', () => {
  it('keeps at most its capacity per source, dropping the oldest', () => {
    const cache = new VerifiedIdCache(2);
    cache.remember('cookie', 'a', 'id-a', 'key-a');
    cache.remember('cookie', 'b', 'id-b', 'key-b');
    cache.remember('header', 'h', 'id-h', 'key-h');
    cache.remember('cookie', 'c', 'id-c', 'key-c');
    expect(cache.get('cookie', 'a')).toBeUndefined();
    expect(cache.get('cookie', 'b')).toEqual({ id: 'id-b', key: 'key-b' });
    expect(cache.get('cookie', 'c')).toEqual({ id: 'id-c', key: 'key-c' });
    expect(cache.get('header', 'h')).toEqual({ id: 'id-h', key: 'key-h' });
  });

  it('never answers for a source what another source verified, whatever the text', () => {
    const cache = new VerifiedIdCache();
    cache.remember('header', 'raw', 'id', 'key');
    cache.remember('header', 'header:raw', 'id2', 'key2');
    expect(cache.get('cookie', 'raw')).toBeUndefined();
    expect(cache.get('cookie', 'header:raw')).toBeUndefined();
    expect(cache.get('query', 'raw')).toBeUndefined();
    expect(cache.get('header', 'raw')).toEqual({ id: 'id', key: 'key' });
  });
});
