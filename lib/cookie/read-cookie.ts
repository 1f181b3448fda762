/** Whether `code` is a character `String.prototype.trim` removes (white space or a line terminator). */
function isTrimmed(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 160) return false;
  return (
    code === 160 ||
    code === 5760 ||
    (code >= 8192 && code <= 8202) ||
    code === 8232 ||
    code === 8233 ||
    code === 8239 ||
    code === 8287 ||
    code === 12288 ||
    code === 65279
  );
}

/**
 * The first value of cookie `name` in a Cookie header, without decoding (session ids and
 * signatures are url-safe). Other cookies are not parsed: the header is scanned in place, so a
 * request pays for no substrings but the value it asks for (this runs on every session request).
 * `name` is an HTTP token: it holds no white space, `=` or `;`.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  const length = header.length;
  let from = 0;
  while (from < length) {
    let end = header.indexOf(';', from);
    if (end < 0) end = length;
    let at = from;
    while (at < end && isTrimmed(header.charCodeAt(at))) at++;
    if (header.startsWith(name, at)) {
      let eq = at + name.length;
      while (eq < end && isTrimmed(header.charCodeAt(eq))) eq++;
      if (eq < end && header.charCodeAt(eq) === 61 /* = */) {
        const value = header.slice(eq + 1, end).trim();
        return value.length > 1 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
      }
    }
    from = end + 1;
  }
  return undefined;
}
