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

/** The expiry a request at `now` gives the session: its idle timeout, capped by the deadline. */
export function nextExpiry(meta: SessionMeta, now: number, rules: ExpiryRules): SessionExpiry {
  const idle = meta.ttl ?? rules.idleTimeout;
  return { expiresAt: Math.min(now + idle, sessionDeadline(meta, rules)), lastSeenAt: now };
}

/** Whether loaded metadata is still alive (NaN or missing fields from a bad store count as dead). */
export function isAlive(meta: SessionMeta, now: number, rules: ExpiryRules): boolean {
  return meta.expiresAt > now && sessionDeadline(meta, rules) > now;
}
