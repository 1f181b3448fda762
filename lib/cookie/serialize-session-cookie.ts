import type { SessionCookieAttributes } from './cookie-attributes';

/** The last `Expires` date written: most cookies of a second share it (toUTCString costs). */
let lastExpires = { at: NaN, text: '' };

function expiresText(at: number): string {
  const second = Math.floor(at / 1000) * 1000;
  if (lastExpires.at !== second) lastExpires = { at: second, text: new Date(second).toUTCString() };
  return lastExpires.text;
}

/**
 * A Set-Cookie value for the session cookie. `expiresAt` (epoch ms) sets Expires and Max-Age;
 * null expires the cookie at once; undefined makes a browser-session cookie (neither attribute).
 */
export function serializeSessionCookie(
  cookie: SessionCookieAttributes,
  value: string,
  expiresAt: number | null | undefined,
  secure: boolean,
): string {
  const parts = [`${cookie.name}=${value}`, `Path=${cookie.path}`];
  if (cookie.domain) parts.push(`Domain=${cookie.domain}`);
  if (expiresAt === null) {
    parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'Max-Age=0');
  } else if (expiresAt !== undefined) {
    const seconds = Math.max(0, Math.floor((expiresAt - Date.now()) / 1000));
    parts.push(`Expires=${expiresText(expiresAt)}`, `Max-Age=${seconds}`);
  }
  if (cookie.httpOnly) parts.push('HttpOnly');
  if (secure) parts.push('Secure');
  // Browsers refuse Partitioned without Secure: over plain HTTP ('auto') it is left out.
  if (cookie.partitioned && secure) parts.push('Partitioned');
  if (cookie.priority) parts.push(`Priority=${cookie.priority[0].toUpperCase()}${cookie.priority.slice(1)}`);
  // Browsers drop `SameSite=None` without Secure: over plain HTTP ('auto') it goes out as Lax.
  const sameSite = cookie.sameSite === 'none' && !secure ? 'lax' : cookie.sameSite;
  parts.push(`SameSite=${sameSite[0].toUpperCase()}${sameSite.slice(1)}`);
  return parts.join('; ');
}
