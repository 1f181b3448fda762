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

  reset(): void {
    this.clear = false;
    this.set.clear();
    this.delete.clear();
    this.increment.clear();
  }
}
