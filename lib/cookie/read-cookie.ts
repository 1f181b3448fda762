/**
 * The first value of cookie `name` in a Cookie header, without decoding (session ids and
 * signatures are url-safe). Other cookies are not parsed.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  let from = 0;
  while (from < header.length) {
    const end = header.indexOf(';', from);
    const pair = header.slice(from, end < 0 ? header.length : end);
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) {
      const value = pair.slice(eq + 1).trim();
      return value.length > 1 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
    }
    if (end < 0) break;
    from = end + 1;
  }
  return undefined;
}
