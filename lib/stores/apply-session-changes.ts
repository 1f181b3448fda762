import type { SessionChanges } from './session-store';

/**
 * Applies a change set to stored data and returns the new data (the input is left untouched, so
 * stores may hand the same map to several readers). For stores that hold a session as one value.
 */
export function applySessionChanges(
  data: ReadonlyMap<string, string>,
  changes: SessionChanges,
): Map<string, string> {
  const next = changes.clear ? new Map<string, string>() : new Map(data);
  for (const key of changes.delete) next.delete(key);
  for (const [key, json] of changes.set) next.set(key, json);
  for (const [key, by] of changes.increment) {
    next.set(key, JSON.stringify(storedNumber(next.get(key)) + by));
  }
  return next;
}

/** A stored value as a number for `increment`: missing or non-numeric counts as 0. */
export function storedNumber(json: string | undefined): number {
  if (json === undefined) return 0;
  const n = Number(json);
  return Number.isFinite(n) ? n : 0;
}
