import { LRUCache } from 'lru-cache';

/**
 * The write counter of this process's latest write of each session, kept until the response of
 * that write takes it as the client's freshness token; at most `max` sessions (the oldest go).
 *
 * An LRU, not a Map evicting its first key: versions no response takes (sessions made by
 * `SessionManager.create()`, creates a user limit refused) fill it, then every write evicts one,
 * and a Map's first key lies past the holes its earlier deletes left (about 6 µs a write).
 */
export class WriteVersions {
  private readonly versions: LRUCache<string, number>;

  constructor(max = 10_000) {
    this.versions = new LRUCache<string, number>({ max });
  }

  /** Remembers `version` as the latest write of `key`. */
  remember(key: string, version: number): void {
    this.versions.set(key, version);
  }

  /** The version of the latest write of `key`, once. */
  take(key: string): number | undefined {
    const version = this.versions.peek(key);
    if (version !== undefined) this.versions.delete(key);
    return version;
  }
}
