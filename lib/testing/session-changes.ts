import type { SessionChanges } from '../stores/session-store';

/**
 * A change set for `SessionStore.apply` that changes only what `partial` names: no clear, and
 * empty `set`, `delete` and `increment` otherwise.
 *
 * @example store.apply(key, changes({ set: new Map([['visits', '1']]) }), expiry)
 */
export const changes = (partial: Partial<SessionChanges> = {}): SessionChanges => ({
  clear: false,
  set: new Map(),
  delete: new Set(),
  increment: new Map(),
  ...partial,
});

/** A change set that sets each of `values`, JSON-encoded as the store keeps them. */
export const sets = (values: Record<string, unknown>): SessionChanges =>
  changes({ set: new Map(Object.entries(values).map(([k, v]) => [k, JSON.stringify(v)])) });
