import { describe, expect, it } from 'vitest';
import { readCookie } from './read-cookie';

/** The rule readCookie implements, written the obvious way: split, trim, compare. */
function byTheRule(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) {
      const value = pair.slice(eq + 1).trim();
      return value.length > 1 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
    }
  }
  return undefined;
}

describe('readCookie', () => {
  it('finds the first cookie of that exact name, trimmed and unquoted', () => {
    expect(readCookie('a=1; sid=abc.def; sid=second', 'sid')).toBe('abc.def');
    expect(readCookie('sidx=1;xsid=2; sid.v=3', 'sid')).toBeUndefined();
    expect(readCookie('sid.v=3;sid=4', 'sid.v')).toBe('3');
    expect(readCookie(' \t sid \t= " abc" ;', 'sid')).toBe(' abc');
    expect(readCookie('sid=', 'sid')).toBe('');
    expect(readCookie('sid="', 'sid')).toBe('"');
    expect(readCookie('sid', 'sid')).toBeUndefined();
    expect(readCookie('\u00a0sid\u3000=v\ufeff', 'sid')).toBe('v');
    expect(readCookie(undefined, 'sid')).toBeUndefined();
    expect(readCookie('', 'sid')).toBeUndefined();
  });

  it('agrees with the plain rule on random headers', () => {
    const parts = [
      'sid',
      'sid.v',
      'si',
      'd',
      '=',
      ';',
      ' ',
      '\t',
      '"',
      'x',
      '\u00a0',
      '\n',
      '1',
      'sid=',
      '; ',
    ];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % parts.length;
    for (let i = 0; i < 20_000; i++) {
      const header = Array.from({ length: 1 + (i % 12) }, () => parts[next()]).join('');
      for (const name of ['sid', 'sid.v'])
        expect(readCookie(header, name), header).toBe(byTheRule(header, name));
    }
  });
});
