import { describe, expect, it } from 'vitest';
import { SessionTooLargeError } from '../errors/session-too-large.error';
import { SessionData } from './session-data';

/** Bytes of the session as one JSON object: what the limit promises to bound. */
const storedBytes = (data: SessionData) => Buffer.byteLength(JSON.stringify(data.all()));

describe('SessionData size limit', () => {
  it('counts increments: new keys by increment stop at the limit with a 413', () => {
    const data = new SessionData(new Map(), 4_096);
    let keys = 0;
    expect(() => {
      for (; keys < 100_000; keys++) data.increment(`k${keys}`, 1);
    }).toThrow(SessionTooLargeError);
    expect(keys).toBeGreaterThan(100);
    expect(keys).toBeLessThan(1_000);
    expect(storedBytes(data)).toBeLessThanOrEqual(4_096);
  });

  it('counts the stored JSON (quotes, escapes, separators), not only key and value bytes', () => {
    const data = new SessionData(new Map(), 1_000);
    // Short keys with values that escape: key+value bytes stay small, the JSON does not.
    expect(() => {
      for (let i = 0; i < 1_000; i++) data.set(`${i}`, '"\\"');
    }).toThrow(SessionTooLargeError);
    expect(storedBytes(data)).toBeLessThanOrEqual(1_000);
  });

  it('counts multi-byte characters as bytes', () => {
    const data = new SessionData(new Map(), 100);
    expect(() => data.set('k', 'é'.repeat(60))).toThrow(SessionTooLargeError);
    data.set('k', 'é'.repeat(40));
    expect(storedBytes(data)).toBeLessThanOrEqual(100);
  });

  it('counts what was stored before this request', () => {
    const base = new Map([['big', JSON.stringify('x'.repeat(900))]]);
    const data = new SessionData(base, 1_000);
    expect(() => data.set('more', 'y'.repeat(100))).toThrow(SessionTooLargeError);
    data.delete('big');
    data.set('more', 'y'.repeat(100));
    expect(data.get('more')).toBe('y'.repeat(100));
  });
});
