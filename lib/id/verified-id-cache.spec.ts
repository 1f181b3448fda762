import { describe, expect, it } from 'vitest';
import { VerifiedIdCache } from './verified-id-cache';

describe('VerifiedIdCache', () => {
  it('keeps at most its capacity, dropping the oldest', () => {
    const cache = new VerifiedIdCache(2);
    cache.remember('a', 'id-a', 'key-a');
    cache.remember('b', 'id-b', 'key-b');
    cache.remember('c', 'id-c', 'key-c');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toEqual({ id: 'id-b', key: 'key-b' });
    expect(cache.get('c')).toEqual({ id: 'id-c', key: 'key-c' });
  });
});
