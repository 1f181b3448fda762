/**
 * JSON text of a session value, or a TypeError naming the key when the value would not survive a
 * round trip (functions, symbols, BigInts, cycles, non-finite numbers, Maps and Sets, a bare
 * undefined). An undefined property inside an object is dropped, as JSON does.
 */
export function encodeSessionValue(key: string, value: unknown): string {
  // The common values need no walk: a string, a finite number, a boolean, null.
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return JSON.stringify(value);
  if (typeof value === 'number' && Number.isFinite(value)) return JSON.stringify(value);
  let json: string | undefined;
  try {
    json = JSON.stringify(value, (field, v: unknown) => {
      const problem = unsupported(v);
      if (problem) throw new TypeError(`${problem}${field ? ` at '${field}'` : ''}`);
      return v;
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TypeError(`Session value for '${key}' is not JSON-serialisable: ${reason}`);
  }
  if (json === undefined) {
    throw new TypeError(`Session value for '${key}' is not JSON-serialisable: ${typeof value}`);
  }
  return json;
}

function unsupported(v: unknown): string | undefined {
  switch (typeof v) {
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    case 'bigint':
      return 'a BigInt';
    case 'number':
      return Number.isFinite(v) ? undefined : `the number ${v}`;
    case 'object':
      if (v instanceof Map) return 'a Map';
      if (v instanceof Set) return 'a Set';
      return undefined;
    default:
      return undefined;
  }
}
