import { describe, expect, it } from 'vitest';
import { changes } from '../../testing/session-changes';
import { dataExpression, jsonPath, updateStatement } from './mysql-statements';

describe('MySQL statements', () => {
  it('quotes a key into a JSON path member as a JSON string, never into the SQL', () => {
    expect(jsonPath("a'b")).toBe(`$."a'b"`);
    expect(jsonPath('"}')).toBe('$."\\"}"');
    expect(jsonPath('\\')).toBe('$."\\\\"');
    expect(jsonPath('$.x')).toBe('$."$.x"');
    const { sql, params } = updateStatement(
      '`sessions`',
      'k',
      changes({ delete: new Set(["a'b"]) }),
      {
        expiresAt: 2,
        lastSeenAt: 1,
      },
      0,
    );
    expect(sql).not.toContain("a'b");
    expect(params).toContain(`$."a'b"`);
  });

  it('pads each list to a power of two by repeating its last item, so few shapes exist', () => {
    const three = dataExpression(
      changes({
        delete: new Set(['a', 'b', 'c']),
        set: new Map([['s', '1']]),
        increment: new Map([
          ['x', 1],
          ['y', 2],
          ['z', 3],
        ]),
      }),
    );
    const four = dataExpression(
      changes({
        delete: new Set(['a', 'b', 'c', 'd']),
        set: new Map([['s', '1']]),
        increment: new Map([
          ['w', 0],
          ['x', 1],
          ['y', 2],
          ['z', 3],
        ]),
      }),
    );
    expect(three.sql).toBe(four.sql);
    expect(three.params.slice(0, 4)).toEqual(['$."a"', '$."b"', '$."c"', '$."c"']);
    // the repeated increment reads the stored value again: setting it twice is the same value
    expect(three.params.slice(-8)).toEqual(['$."z"', '$."z"', '$."z"', 3, '$."z"', '$."z"', '$."z"', 3]);
  });

  it('writes a cleared session whole, computed without reading the stored one', () => {
    const { sql, params } = dataExpression(
      changes({ clear: true, set: new Map([['a', '"x"']]), increment: new Map([['n', 2]]) }),
    );
    expect(sql).toBe('?');
    expect(JSON.parse(params[0] as string)).toEqual({ a: 'x', n: 2 });
  });
});
