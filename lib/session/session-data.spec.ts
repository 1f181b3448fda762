import { describe, expect, it } from 'vitest';
import { SessionTooLargeError } from '../errors/session-too-large.error';
import { applySessionChanges } from '../stores/apply-session-changes';
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

  it('counts the same after clear() as on a fresh session (the braces included)', () => {
    // {"a":"xx"} is counted as 2 (braces) + 3 + 4 + 2 (colon, comma) = 11 bytes.
    const fresh = new SessionData(new Map(), 10);
    expect(() => fresh.set('a', 'xx')).toThrow(SessionTooLargeError);
    const cleared = new SessionData(new Map([['b', '1']]), 10);
    cleared.clear();
    expect(() => cleared.set('a', 'xx')).toThrow(SessionTooLargeError);
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

describe('SessionData writes in flight', () => {
  /** A store's copy of the session, written with the deltas the session hands out. */
  const storeOf = (base: Map<string, string>) => {
    let stored = new Map(base);
    return {
      write: (changes: Parameters<typeof applySessionChanges>[1]) => {
        stored = applySessionChanges(stored, changes);
      },
      values: () => Object.fromEntries([...stored].map(([k, v]) => [k, JSON.parse(v) as unknown])),
    };
  };

  it('keeps changes made while a write is in flight pending for the next one', () => {
    const base = new Map([['gone', '1']]);
    const store = storeOf(base);
    const data = new SessionData(base, 4_096);
    data.set('a', 1);
    data.increment('n', 2);
    const first = data.pendingWrite();
    store.write(first.changes);
    // ...the store is still answering while the request goes on:
    data.set('b', 2);
    data.increment('n', 3);
    data.delete('a');
    data.delete('gone');
    data.saved(first);
    expect(data.changed).toBe(true);
    const second = data.pendingWrite();
    store.write(second.changes);
    data.saved(second);
    expect(data.changed).toBe(false);
    expect(store.values()).toEqual(data.all());
    expect(store.values()).toEqual({ b: 2, n: 5 });
  });

  it('ends with the store holding what the request sees, whatever interleaves with writes', () => {
    for (let run = 0; run < 300; run++) {
      const base = new Map([
        ['x', '1'],
        ['y', '"s"'],
      ]);
      const store = storeOf(base);
      const data = new SessionData(base, 1 << 20);
      const inFlight: ReturnType<SessionData['pendingWrite']>[] = [];
      for (let step = 0; step < 30; step++) {
        const key = ['x', 'y', 'z'][step % 3];
        const roll = Math.random();
        if (roll < 0.2) data.set(key, step);
        else if (roll < 0.4 && typeof (data.get(key) ?? 0) === 'number') data.increment(key, 1);
        else if (roll < 0.5) data.delete(key);
        else if (roll < 0.55) data.clear();
        else if (roll < 0.8 && inFlight.length === 0) {
          const write = data.pendingWrite();
          store.write(write.changes); // applied by the store as the call is made...
          inFlight.push(write);
        } else if (inFlight.length > 0) data.saved(inFlight.pop()!); // ...acknowledged later
      }
      if (inFlight.length > 0) data.saved(inFlight.pop()!);
      const last = data.pendingWrite();
      store.write(last.changes);
      data.saved(last);
      expect(store.values()).toEqual({ ...data.all() });
    }
  });
});

describe('SessionData reads', () => {
  it('reads a stored value as JSON.parse does (integers take a shorter path), and non-JSON as absent', () => {
    const texts = [
      ...['0', '-0', '7', '-7', '42', '123456789012345', '-123456789012345', '1234567890123456'],
      ...[
        '12345678901234567890',
        '9'.repeat(400),
        '1e3',
        '1.5',
        '-1.5e-3',
        '"42"',
        'true',
        'null',
        ' 1',
        '1 ',
      ],
      ...['007', '-01', '-', '--1', '+1', '0x10', '', '١', '1_000', 'NaN', 'Infinity'],
    ];
    const data = new SessionData(new Map(texts.map((text, i) => [`k${i}`, text])), 1_000_000);
    texts.forEach((text, i) => {
      let expected: unknown;
      try {
        expected = JSON.parse(text);
      } catch {
        expected = undefined;
      }
      expect([text, data.get(`k${i}`)]).toEqual([text, expected]);
      expect(Object.is(data.get(`k${i}`), expected)).toBe(true);
    });
  });
});
