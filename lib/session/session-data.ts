import { SessionTooLargeError } from '../errors/session-too-large.error';
import { applySessionChanges, storedNumber } from '../stores/apply-session-changes';
import type { SessionChanges } from '../stores/session-store';
import { encodeSessionValue } from './encode-session-value';
import { SessionChangeSet } from './session-change-set';

/** Keys a session refuses: they would reach prototypes when data meets a plain object. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Whether `json` is a JSON integer (`0`, `-7`, `42`), which `Number` reads exactly as JSON.parse does. */
function isJsonInteger(json: string): boolean {
  const start = json.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  const digits = json.length - start;
  if (digits < 1) return false;
  if (digits > 1 && json.charCodeAt(start) === 48 /* 0 */) return false; // JSON has no leading zeros
  for (let i = start; i < json.length; i++) {
    const code = json.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** A stored JSON value; text that is not JSON (written by something else) reads as absent. */
function decode(json: string | undefined): unknown {
  if (json === undefined) return undefined;
  // A counter, the commonest value, without JSON.parse's fixed cost (measured: ~0.1 µs a read).
  if (isJsonInteger(json)) return Number(json);
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/** Bytes `key: value` adds to the session stored as one JSON object (quotes, colon and comma included). */
function entryBytes(key: string, json: string): number {
  return Buffer.byteLength(JSON.stringify(key)) + Buffer.byteLength(json) + 2;
}

/**
 * A session's data as one request sees it: the stored values under this request's own changes,
 * which are kept as per-key operations (the delta a store applies). Knows nothing of stores or
 * ids. Writes that would make the stored JSON larger than `maxBytes` throw a 413.
 */
export class SessionData {
  /** This request's changes; made at the first write, so a read allocates none. */
  private tracked?: SessionChangeSet;
  /** Bytes of the stored JSON as this request would leave it; computed on the first write. */
  private bytes?: number;
  /** How many times `clear()` ran: a clear after a write was taken starts over what it carried. */
  private clears = 0;
  private writesTaken = false;
  /** Changes stored since `stored` was read: applied to it only if this request looks again. */
  private unapplied?: SessionChanges;

  constructor(
    private stored: ReadonlyMap<string, string>,
    private readonly maxBytes: number,
    /** What `maxBytes` is, for the error: `maxSessionBytes` unless a store allows less. */
    private readonly limitName?: string,
    /**
     * False while `base` is not the stored data but only what this request wrote of it (a session
     * not loaded: `@Session({ load: false })`): deletes are then always recorded.
     */
    private baseKnown = true,
  ) {}

  /**
   * The stored data, read at last under this request's changes (a session that was not loaded).
   * Throws a 413 when the changes on top of it pass `maxBytes`.
   */
  rebase(base: ReadonlyMap<string, string>): void {
    this.stored = base;
    this.unapplied = undefined;
    this.baseKnown = true;
    this.bytes = undefined;
    const bytes = this.measure();
    if (bytes > this.maxBytes) throw new SessionTooLargeError('', bytes, this.maxBytes, this.limitName);
  }

  /** The stored values, as of this request's last save. */
  private get base(): ReadonlyMap<string, string> {
    if (this.unapplied) {
      this.stored = applySessionChanges(this.stored, this.unapplied);
      this.unapplied = undefined;
    }
    return this.stored;
  }

  get changed(): boolean {
    return this.tracked !== undefined && !this.tracked.empty;
  }

  /**
   * The pending delta as it stands, for one store write: a copy, so changes made while the write
   * is in flight stay pending for the next save. Hand it back to `saved` once stored.
   */
  pendingWrite(): PendingWrite {
    this.writesTaken = true;
    return { changes: this.changes.copy(), clears: this.clears };
  }

  private get changes(): SessionChangeSet {
    return (this.tracked ??= new SessionChangeSet());
  }

  get(key: string): unknown {
    return decode(this.effective(key));
  }

  has(key: string): boolean {
    return decode(this.effective(key)) !== undefined;
  }

  set(key: string, value: unknown): void {
    assertKey(key);
    const json = encodeSessionValue(key, value);
    this.resize(key, json);
    this.changes.set.set(key, json);
    this.changes.delete.delete(key);
    this.changes.increment.delete(key);
  }

  delete(key: string): void {
    assertKey(key);
    this.resize(key, undefined);
    this.changes.set.delete(key);
    this.changes.increment.delete(key);
    // Once a write has been taken, the store may hold keys `base` does not show yet.
    if (!this.changes.clear && (this.base.has(key) || this.writesTaken || !this.baseKnown))
      this.changes.delete.add(key);
  }

  clear(): void {
    this.changes.reset();
    this.changes.clear = true;
    this.bytes = 2; // the braces of an empty object
    this.clears++;
  }

  all(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const keys = new Set<string>(this.tracked?.clear ? [] : this.base.keys());
    for (const key of this.tracked?.set.keys() ?? []) keys.add(key);
    for (const key of this.tracked?.increment.keys() ?? []) keys.add(key);
    for (const key of keys) {
      const value = decode(this.effective(key));
      if (value !== undefined) Object.defineProperty(out, key, { value, enumerable: true });
    }
    return Object.freeze(out);
  }

  /** Adds `by` to a number; recorded as a delta so concurrent increments all count. */
  increment(key: string, by: number): number {
    assertKey(key);
    if (typeof by !== 'number' || !Number.isFinite(by)) {
      throw new TypeError(`increment('${key}') needs a finite number, got ${String(by)}`);
    }
    const current = decode(this.effective(key));
    if (current !== undefined && typeof current !== 'number') {
      throw new TypeError(`increment('${key}'): the session holds a ${typeof current} there, not a number`);
    }
    const value = (typeof current === 'number' ? current : 0) + by;
    this.resize(key, JSON.stringify(value));
    if (this.changes.hides(key)) {
      // The stored value no longer shows through, so the result is known here: record it as a set.
      this.changes.set.set(key, JSON.stringify(value));
      this.changes.delete.delete(key);
      return value;
    }
    this.changes.increment.set(key, (this.changes.increment.get(key) ?? 0) + by);
    return value;
  }

  /** The data with `write`'s changes applied: what a store holds once it is written whole. */
  snapshotOf(write: PendingWrite): Map<string, string> {
    return applySessionChanges(this.base, write.changes);
  }

  /**
   * After `write` was stored: its changes are part of the stored data now; those made while it
   * was in flight stay pending. (This request's view of the data does not move.)
   */
  saved(write: PendingWrite): void {
    this.stored = this.base;
    this.unapplied = write.changes;
    // A clear since the write was taken already dropped everything it carried.
    if (this.tracked && write.clears === this.clears) this.tracked.subtract(write.changes);
  }

  /**
   * Hands the pending delta itself to `store`, which writes it at once (no copy: nothing can
   * change meanwhile). Stored (true), it becomes part of the stored data and nothing is pending.
   * `store`'s answer; undefined when it could not write at once (nothing is taken then).
   */
  writeNow(store: (changes: SessionChanges) => boolean | undefined): boolean | undefined {
    const changes = this.changes;
    const stored = store(changes);
    if (stored === true) {
      this.writesTaken = true;
      this.stored = this.base;
      this.unapplied = changes;
      this.tracked = undefined;
    }
    return stored;
  }

  /** Drops this request's changes (the session is gone). */
  discard(): void {
    this.tracked?.reset();
  }

  /** The JSON this request sees for `key`: its own change over the stored value. */
  private effective(key: string): string | undefined {
    if (this.tracked === undefined) return this.base.get(key);
    const set = this.changes.set.get(key);
    if (set !== undefined) return set;
    if (this.changes.clear || this.changes.delete.has(key)) return undefined;
    const stored = this.base.get(key);
    const delta = this.changes.increment.get(key);
    return delta === undefined ? stored : JSON.stringify(storedNumber(stored) + delta);
  }

  /** Bytes of the stored JSON as this request would leave it (on a base not read: its own values). */
  private measure(): number {
    let bytes = 2; // the braces
    for (const [k, v] of this.base) if (!this.tracked?.hides(k)) bytes += entryBytes(k, v);
    for (const [k, v] of this.tracked?.set ?? []) bytes += entryBytes(k, v);
    for (const k of this.tracked?.increment.keys() ?? []) {
      const stored = this.base.get(k);
      bytes += entryBytes(k, this.effective(k)!) - (stored === undefined ? 0 : entryBytes(k, stored));
    }
    return bytes;
  }

  /** Tracks the stored size and refuses a write that would pass `maxBytes`. */
  private resize(key: string, json: string | undefined): void {
    this.bytes ??= this.measure();
    const before = this.effective(key);
    const next =
      this.bytes -
      (before === undefined ? 0 : entryBytes(key, before)) +
      (json === undefined ? 0 : entryBytes(key, json));
    if (json !== undefined && next > this.maxBytes)
      throw new SessionTooLargeError(key, next, this.maxBytes, this.limitName);
    this.bytes = next;
  }
}

/** The changes one store write carries (see `SessionData.pendingWrite`). */
export interface PendingWrite {
  readonly changes: SessionChanges;
  /** `clear()` calls made before it was taken. */
  readonly clears: number;
}

function assertKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || FORBIDDEN_KEYS.has(key)) {
    throw new TypeError(`Session key ${JSON.stringify(String(key))} is not allowed`);
  }
}
