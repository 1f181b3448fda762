import { describe, expect, it } from 'vitest';
import { freshnessVersion } from './freshness-token';

describe('freshnessVersion', () => {
  it('reads 1 to 15 ASCII digits as the write counter they name', () => {
    expect(freshnessVersion('0')).toBe(0);
    expect(freshnessVersion('42')).toBe(42);
    expect(freshnessVersion('999999999999999')).toBe(999_999_999_999_999);
  });

  it('refuses anything else, so a forged token is no number', () => {
    for (const token of [
      undefined,
      '',
      '1234567890123456',
      '-1',
      '1e3',
      ' 1',
      '1 ',
      '0x1',
      '١',
      '1.5',
      '+1',
    ]) {
      expect(freshnessVersion(token), String(token)).toBeUndefined();
    }
  });
});
