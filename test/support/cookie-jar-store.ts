import { applySessionChanges } from '../../lib/stores/apply-session-changes';
import type { CookieStore } from '../../lib/stores/cookie';
import type {
  SessionChanges,
  SessionExpiry,
  SessionMeta,
  SharedCacheStore,
  StoredSession,
} from '../../lib/stores/session-store';
import { SessionStore } from '../../lib/stores/session-store';

/**
 * The conformance adapter for `CookieStore`: a SessionStore whose "server" holds only what
 * clients would carry, one sealed value per key (a jar of cookies), and does every read and write
 * through the CookieStore's `unseal` and `seal`. So the suite checks what the CookieStore itself
 * must get right (a faithful round trip of data and metadata through sealing, expiry as sealed);
 * the atomicity the suite also asks of a store comes from this adapter being synchronous, not
 * from the CookieStore (for real clients, concurrency is last-writer-wins).
 */
export class CookieJarStore extends SessionStore implements SharedCacheStore {
  private readonly jar = new Map<string, string>();

  constructor(private readonly cookies: CookieStore) {
    super();
  }

  /** The sealed value a client would carry for `key`. */
  carried(key: string): string | undefined {
    return this.jar.get(key);
  }

  async load(key: string): Promise<StoredSession | null> {
    return this.open(key);
  }

  async apply(key: string, changes: SessionChanges, expiry: SessionExpiry, create?: SessionMeta) {
    const current = this.open(key);
    if (!current && !create) return false;
    const base = current ?? { data: new Map<string, string>(), meta: create! };
    this.put(key, applySessionChanges(base.data, changes), this.expire(base.meta, expiry));
    return true;
  }

  async touch(key: string, expiry: SessionExpiry) {
    const current = this.open(key);
    if (!current) return false;
    this.put(key, current.data, this.expire(current.meta, expiry));
    return true;
  }

  async destroy(key: string) {
    const existed = this.open(key) !== null;
    this.jar.delete(key);
    return existed;
  }

  /** The CookieStore's own (in-process) profile cache. */
  getCached(name: string) {
    return this.cookies.getCached(name);
  }

  setCached(name: string, value: string, ttl: number) {
    return this.cookies.setCached(name, value, ttl);
  }

  deleteCached(name: string) {
    return this.cookies.deleteCached(name);
  }

  private open(key: string): StoredSession | null {
    const carried = this.jar.get(key);
    const session = carried === undefined ? null : this.cookies.unseal(carried);
    if (!session || session.id !== key || session.meta.expiresAt <= Date.now()) return null;
    return { data: session.data, meta: session.meta };
  }

  private put(key: string, data: ReadonlyMap<string, string>, meta: SessionMeta): void {
    this.jar.set(key, this.cookies.seal({ id: key, data, meta }, 'sid'));
  }

  private expire(meta: SessionMeta, expiry: SessionExpiry): SessionMeta {
    const next = { ...meta, expiresAt: expiry.expiresAt, lastSeenAt: expiry.lastSeenAt };
    if (expiry.ttl !== undefined) next.ttl = expiry.ttl;
    return next;
  }
}
