import type { SessionSettings } from '../options/session-settings';
import { readCookie } from '../cookie/read-cookie';
import { freshnessVersion } from '../stores/freshness-token';
import { serializeSessionCookie } from '../cookie/serialize-session-cookie';

/**
 * The companion cookie that carries a client's freshness token (the version of its last write,
 * from a store with a near-cache) beside its session cookie, so that whichever instance serves
 * its next request reloads a cached copy older than that write. It holds a number, not a secret:
 * a forged one can only make its own requests skip the cache. Nothing else in the module reads it.
 */
const SUFFIX = '.v';

/** The companion cookie's name for the session cookie `name`. */
export function freshnessCookieName(name: string): string {
  return name + SUFFIX;
}

/** The token a request's Cookie header carries, if well-formed. */
export function readFreshness(header: string | undefined, settings: SessionSettings): string | undefined {
  if (header === undefined || !header.includes(SUFFIX + '=')) return undefined;
  const token = readCookie(header, freshnessCookieName(settings.cookie.name));
  return freshnessVersion(token) === undefined ? undefined : token;
}

/** The Set-Cookie value for a token, with the session cookie's attributes and expiry. */
export function freshnessCookie(
  settings: SessionSettings,
  token: string,
  expiresAt: number | undefined,
  secure: boolean,
): string {
  const cookie = { ...settings.cookie, name: freshnessCookieName(settings.cookie.name) };
  return serializeSessionCookie(cookie, token, expiresAt, secure);
}
