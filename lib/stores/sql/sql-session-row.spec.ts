import { describe, expect, it } from 'vitest';
import { CorruptSessionRowError, jsonObject, rowSession } from './sql-session-row';
import { assertIdentifier } from './sql-identifier';

const row = (data: unknown) => ({
  data,
  created_at: '1000',
  expires_at: 2000,
  last_seen_at: '1500',
  ttl: null,
  user_id: 'u',
  user_agent: null,
  ip: '127.0.0.1',
});

describe('SQL session rows', () => {
  it('reads data given as text or parsed, and BIGINTs given as strings', () => {
    for (const data of ['{"a":1,"__proto__":{"x":2}}', JSON.parse('{"a":1,"__proto__":{"x":2}}')]) {
      const session = rowSession(row(data));
      expect([...session.data]).toEqual([
        ['a', '1'],
        ['__proto__', '{"x":2}'],
      ]);
      expect(session.meta).toEqual({
        createdAt: 1000,
        expiresAt: 2000,
        lastSeenAt: 1500,
        userId: 'u',
        ip: '127.0.0.1',
      });
    }
  });

  it('counts data that is not a JSON object as corrupt', () => {
    for (const data of ['not json', '[1]', 'null', 7]) {
      expect(() => rowSession(row(data))).toThrow(CorruptSessionRowError);
    }
  });

  it('builds one JSON object from values that are JSON already, keys escaped', () => {
    const text = jsonObject(
      new Map([
        ['a"b', '{"x":[1]}'],
        ['', 'null'],
      ]),
    );
    expect(JSON.parse(text)).toEqual({ 'a"b': { x: [1] }, '': null });
  });

  it('accepts plain identifiers only', () => {
    expect(assertIdentifier('web_sessions2', 'table', 50)).toBe('web_sessions2');
    for (const bad of ['2x', 'a.b', 'a"b', 'a`b', '', 'x'.repeat(51), 7]) {
      expect(() => assertIdentifier(bad, 'table', 50)).toThrow(/table must be a SQL identifier/);
    }
  });
});
