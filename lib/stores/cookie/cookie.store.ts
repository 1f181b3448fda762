import { InvalidSessionOptionsError } from '../../errors/invalid-session-options.error';
import { SessionTooLargeError } from '../../errors/session-too-large.error';
import type {
  PingableStore,
  SealedSession,
  SealingStore,
  SessionChanges,
  SessionExpiry,
  SessionMeta,
  SharedCacheStore,
  StoredSession,
} from '../session-store';
import { SessionStore } from '../session-store';
import { openText, sealText, sealedLength } from './aes-gcm-seal';
import type { CookieStoreKey, SealingKey } from './cookie-keys';
import { resolveSealingKeys } from './cookie-keys';
import { decodePayload, encodePayload, payloadPrefix, sealedMeta } from './sealed-payload';

export interface CookieStoreOptions {
  /**
   * The key ring: 32-byte keys, as Buffers or base64 text of 32 random bytes
   * (`openssl rand -base64 32`). The first seals; all open, so a new key goes first and an old
   * one stays until the cookies it sealed have expired or been re-sealed (at their next save).
   */
  keys: CookieStoreKey | readonly CookieStoreKey[];
}

/**
 * Most bytes of one `Set-Cookie` `name=value` pair: what every browser keeps (RFC 6265 asks for at
 * least 4096 per cookie, and browsers stop there).
 */
export const MAX_COOKIE_BYTES = 4096;
/**
 * Cookies recently opened, kept opened: a client sends the same cookie on every request until a
 * save re-seals it, so most requests need no decryption. Bounded; values are at most 4 KB.
 */
const RECENTLY_OPENED = 512;
/** Profiles of `userLoader` kept in this process (see `getCached`). */
const PROFILE_CACHE_ENTRIES = 10_000;
const LIMIT_NAME = `CookieStore's ${MAX_COOKIE_BYTES}-byte cookie (name=value)`;
const OPTION_KEYS: ReadonlySet<string> = new Set(['keys']);

/**
 * Stateless sessions: the whole session (id, data, user, idle and absolute expiry) sealed with
 * AES-256-GCM into the cookie the client carries; the server keeps nothing. The module sees that
 * it is a `SealingStore` and reads and writes sessions through the cookie (or the header, for
 * token clients).
 *
 * What needs server state fails loudly: `listByUser`, `destroyByUser` and `count()` at the call,
 * `maxSessionsPerUser` at start-up; `SessionManager.get`/`touch`/`destroy` by id find nothing, and
 * `SessionManager.create` throws (a session must reach a client as a cookie). Concurrent requests
 * of one client each seal their own result: the last response's cookie wins. A destroyed
 * session's cookie is expired, but a copy of it stays valid until its sealed expiry.
 */
export class CookieStore extends SessionStore implements SealingStore, SharedCacheStore, PingableStore {
  private readonly ring: readonly SealingKey[];
  /**
   * sealed value -> the session in it, for values opened or sealed lately. Shared read-only: the
   * module never mutates a loaded session's data or metadata (it replaces them).
   */
  private readonly opened = new Map<string, SealedSession>();
  /** `userLoader` profiles: name -> value and expiry, oldest first (a Map keeps insertion order). */
  private readonly profiles = new Map<string, { value: string; expiresAt: number }>();

  constructor(options: CookieStoreOptions) {
    super();
    if (typeof options !== 'object' || options === null) {
      throw new InvalidSessionOptionsError('CookieStore: options must be an object with keys');
    }
    for (const name of Object.keys(options)) {
      if (!OPTION_KEYS.has(name))
        throw new InvalidSessionOptionsError(`CookieStore: unknown option '${name}'`);
    }
    this.ring = resolveSealingKeys(options.keys);
  }

  seal(session: SealedSession, name: string): string {
    const payload = encodePayload(session);
    const bytes = name.length + 1 + sealedLength(Buffer.byteLength(payload));
    if (bytes > MAX_COOKIE_BYTES) throw new SessionTooLargeError('', bytes, MAX_COOKIE_BYTES, LIMIT_NAME);
    const sealed = sealText(payload, this.ring[0]);
    // The client sends it back next: opened already, as decodePayload would give it.
    this.remember(sealed, { id: session.id, data: session.data, meta: sealedMeta(session.meta) });
    return sealed;
  }

  unseal(value: string): SealedSession | null {
    const known = this.opened.get(value);
    if (known) return known;
    const text = openText(value, this.ring, MAX_COOKIE_BYTES);
    const session = text === undefined ? null : decodePayload(text);
    if (session) this.remember(value, session);
    return session;
  }

  /** Keeps `session` opened under `value`; the oldest entry goes past the bound (first in, first out). */
  private remember(value: string, session: SealedSession): void {
    if (this.opened.size >= RECENTLY_OPENED) this.opened.delete(this.opened.keys().next().value!);
    this.opened.set(value, session);
  }

  dataBudget(session: Omit<SealedSession, 'data'>, name: string): number {
    // The largest plaintext whose sealed value still fits beside `name=`, less what precedes the
    // data and the closing bracket after it.
    const fits = (plaintext: number) => name.length + 1 + sealedLength(plaintext) <= MAX_COOKIE_BYTES;
    let plaintext = Math.floor(((MAX_COOKIE_BYTES - name.length - 1 - sealedLength(0)) * 3) / 4);
    while (fits(plaintext + 1)) plaintext++; // base64's rounding: a step or two at most
    while (plaintext > 0 && !fits(plaintext)) plaintext--;
    return Math.max(0, plaintext - Buffer.byteLength(payloadPrefix(session)) - 1);
  }

  /** No session is kept here: a session id names nothing on the server. */
  load(_key: string): Promise<StoredSession | null> {
    return Promise.resolve(null);
  }

  /**
   * Refused: a CookieStore session is written into its client's cookie by the module, never by
   * key (`SessionManager.create()` has no client to send it to).
   */
  apply(
    _key: string,
    _changes: SessionChanges,
    _expiry: SessionExpiry,
    create?: SessionMeta,
  ): Promise<boolean> {
    if (!create) return Promise.resolve(false);
    return Promise.reject(
      new TypeError(
        'CookieStore keeps no sessions on the server: a session is created through a request ' +
          '(@Session(), SessionManager.forRequest), sealed into its cookie; SessionManager.create() cannot work',
      ),
    );
  }

  /** Nothing to extend on the server: false, as for an unknown session. */
  touch(_key: string, _expiry: SessionExpiry): Promise<boolean> {
    return Promise.resolve(false);
  }

  /** Nothing to remove on the server: false. A session ends by its cookie being expired. */
  destroy(_key: string): Promise<boolean> {
    return Promise.resolve(false);
  }

  /**
   * `userLoader` profiles, cached in this process only (a CookieStore has nothing shared):
   * `evictUser` and `refreshUser` reach this process's copy; other instances keep theirs until
   * `userCacheTtl` passes.
   */
  getCached(name: string): Promise<string | null> {
    const entry = this.profiles.get(name);
    if (entry === undefined) return Promise.resolve(null);
    if (entry.expiresAt > Date.now()) return Promise.resolve(entry.value);
    this.profiles.delete(name);
    return Promise.resolve(null);
  }

  setCached(name: string, value: string, ttl: number): Promise<void> {
    this.profiles.delete(name); // re-inserted last: the newest
    this.profiles.set(name, { value, expiresAt: Date.now() + ttl });
    // Bounded: past the limit the oldest entry goes (it was cached first, so it expires first).
    if (this.profiles.size > PROFILE_CACHE_ENTRIES) this.profiles.delete(this.profiles.keys().next().value!);
    return Promise.resolve();
  }

  deleteCached(name: string): Promise<void> {
    this.profiles.delete(name);
    return Promise.resolve();
  }

  /** Nothing to reach: a stateless store is always up. */
  ping(): Promise<void> {
    return Promise.resolve();
  }
}
