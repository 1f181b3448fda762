import type { SessionChanges } from '../stores/session-store';

/** One request's changes, compacted to at most one operation per key (see `SessionChanges`). */
export class SessionChangeSet implements SessionChanges {
  clear = false;
  readonly set = new Map<string, string>();
  readonly delete = new Set<string>();
  readonly increment = new Map<string, number>();

  get empty(): boolean {
    return !this.clear && this.set.size === 0 && this.delete.size === 0 && this.increment.size === 0;
  }

  /** Whether the stored value of `key` no longer shows through (cleared, deleted or replaced). */
  hides(key: string): boolean {
    return this.clear || this.delete.has(key) || this.set.has(key);
  }

  /** A frozen copy: what one store write carries while this set goes on collecting changes. */
  copy(): SessionChangeSet {
    const copy = new SessionChangeSet();
    copy.clear = this.clear;
    for (const [key, json] of this.set) copy.set.set(key, json);
    for (const key of this.delete) copy.delete.add(key);
    for (const [key, by] of this.increment) copy.increment.set(key, by);
    return copy;
  }

  /**
   * Takes out what `written` (an earlier copy of this set, now stored) holds, keeping what changed
   * since: a later value of a key, the rest of a larger increment, a key deleted again.
   */
  subtract(written: SessionChanges): void {
    if (written.clear) this.clear = false;
    for (const [key, json] of written.set) if (this.set.get(key) === json) this.set.delete(key);
    for (const key of written.delete) this.delete.delete(key);
    for (const [key, by] of written.increment) {
      const rest = (this.increment.get(key) ?? by) - by;
      if (rest === 0) this.increment.delete(key);
      else this.increment.set(key, rest);
    }
  }

  reset(): void {
    this.clear = false;
    this.set.clear();
    this.delete.clear();
    this.increment.clear();
  }
}
