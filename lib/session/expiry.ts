import type { SessionExpiry, SessionMeta } from '../stores/session-store';

/** The settings the expiry rules read. */
export interface ExpiryRules {
  readonly idleTimeout: number;
  readonly absoluteTimeout: number;
}

/** When a session dies regardless of activity. */
export function sessionDeadline(meta: SessionMeta, rules: ExpiryRules): number {
  return meta.createdAt + Math.max(rules.absoluteTimeout, meta.ttl ?? 0);
}

/** When a request at `now` makes the session expire: its idle timeout, capped by the deadline. */
export function idleExpiry(meta: SessionMeta, now: number, rules: ExpiryRules): number {
  return Math.min(now + (meta.ttl ?? rules.idleTimeout), sessionDeadline(meta, rules));
}

/** The expiry a request at `now` gives the session (see `idleExpiry`). */
export function nextExpiry(meta: SessionMeta, now: number, rules: ExpiryRules): SessionExpiry {
  return { expiresAt: idleExpiry(meta, now, rules), lastSeenAt: now };
}

/** Whether loaded metadata is still alive (NaN or missing fields from a bad store count as dead). */
export function isAlive(meta: SessionMeta, now: number, rules: ExpiryRules): boolean {
  return meta.expiresAt > now && sessionDeadline(meta, rules) > now;
}

/** The settings the cookie's lifetime reads. */
export interface CookieExpiryRules extends ExpiryRules {
  readonly rolling: boolean;
  readonly cookie: { readonly maxAge?: number | null };
}

/**
 * When the cookie sent at `now` for a session with `meta` expires (epoch ms), or undefined for a
 * browser-session cookie (`cookie.maxAge: null`). Never past the session's absolute deadline:
 * `cookie.maxAge` counts from `now`, capped by it; by default the cookie lasts until the deadline,
 * or, with `rolling`, until the session's idle expiry (itself capped by the deadline).
 */
export function cookieExpiry(meta: SessionMeta, now: number, rules: CookieExpiryRules): number | undefined {
  const { maxAge } = rules.cookie;
  if (maxAge === null) return undefined;
  const deadline = sessionDeadline(meta, rules);
  if (maxAge !== undefined) return Math.min(now + maxAge, deadline);
  return rules.rolling ? Math.min(meta.expiresAt, deadline) : deadline;
}
