import { FORBIDDEN_SESSION_KEYS } from '../session.constants';
import { SessionChangeSet } from './session-change-set';
import type { SessionRuntime } from '../session-runtime';
import { SessionTooLargeError } from '../errors/session-too-large.error';
import { SessionMeta, StoredSession } from '../stores/session-store';
import { applySessionChanges, storedNumber } from '../stores/apply-session-changes';
import { encodeSessionValue } from './encode-session-value';
import { generateSessionId } from '../id/generate-session-id';
import { sessionKey } from '../id/session-key';
import type {
  LoginOptions,
  NumericKeys,
  Session,
  SessionData,
  SessionIdWriter,
  SessionOrigin,
} from './session.interface';

export type { LoginOptions, NumericKeys, Session, SessionData, SessionIdWriter, SessionOrigin };

type SessionState = 'open' | 'destroyed' | 'lost';

/** A stored JSON value; text that is not JSON (written by something else) reads as absent. */
function decodeStored(json: string | undefined): unknown {
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/** The implementation of `Session<T>`. Internal: users see the interface. */
export class ActiveSession<T extends object = SessionData> implements Session<T> {
  private state: SessionState = 'open';
  private readonly changes = new SessionChangeSet();
  /** Bytes of stored JSON, computed on the first write. */
  private bytes?: number;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly runtime: SessionRuntime,
    private currentId: string,
    private currentKey: string,
    private meta: SessionMeta,
    private base: ReadonlyMap<string, string>,
    private stored: boolean,
    private readonly writer?: SessionIdWriter,
    private readonly origin: () => SessionOrigin = () => ({}),
  ) {}

  /** A session loaded from the store. */
  static loaded(
    runtime: SessionRuntime,
    id: string,
    key: string,
    stored: StoredSession,
    writer?: SessionIdWriter,
    origin?: () => SessionOrigin,
  ): ActiveSession {
    return new ActiveSession(runtime, id, key, stored.meta, stored.data, true, writer, origin);
  }

  /** A new session with a fresh id; stored at its first save with changes. */
  static fresh(
    runtime: SessionRuntime,
    origin: () => SessionOrigin = () => ({}),
    writer?: SessionIdWriter,
    ttl?: number,
  ): ActiveSession {
    const id = generateSessionId();
    const now = Date.now();
    const meta: SessionMeta = { createdAt: now, expiresAt: now, lastSeenAt: now, ...origin() };
    if (ttl !== undefined) meta.ttl = ttl;
    meta.expiresAt = runtime.expiryAt(meta, now).expiresAt;
    return new ActiveSession(runtime, id, sessionKey(id), meta, new Map(), false, writer, origin);
  }

  get id(): string {
    return this.currentId;
  }
  /** The store key, also the public handle used by `listByUser` and events. */
  get handle(): string {
    return this.currentKey;
  }
  get isNew(): boolean {
    return !this.stored;
  }
  get createdAt(): Date {
    return new Date(this.meta.createdAt);
  }
  get expiresAt(): Date {
    return new Date(this.meta.expiresAt);
  }
  get userId(): string | undefined {
    return this.meta.userId;
  }
  /** @internal */
  get metadata(): Readonly<SessionMeta> {
    return this.meta;
  }

  /** @internal Binds a session that is not stored yet to a user (token sessions). */
  bindUser(userId: string): void {
    if (this.stored) throw new Error('bindUser is for new sessions; stored ones log in');
    this.meta = { ...this.meta, userId };
  }

  get<K extends keyof T & string>(key: K): T[K] | undefined {
    return decodeStored(this.effective(key)) as T[K] | undefined;
  }

  has(key: keyof T & string): boolean {
    return decodeStored(this.effective(key)) !== undefined;
  }

  set<K extends keyof T & string>(key: K, value: T[K]): void {
    this.assertWritable(key);
    const json = encodeSessionValue(key, value);
    this.resize(key, json);
    this.changes.set.set(key, json);
    this.changes.delete.delete(key);
    this.changes.increment.delete(key);
  }

  delete(key: keyof T & string): void {
    this.assertWritable(key);
    this.resize(key, undefined);
    this.changes.set.delete(key);
    this.changes.increment.delete(key);
    if (!this.changes.clear && this.base.has(key)) this.changes.delete.add(key);
  }

  clear(): void {
    this.assertOpen();
    this.changes.reset();
    this.changes.clear = true;
    this.bytes = 0;
  }

  all(): Readonly<Partial<T>> {
    const out = {} as Partial<T>;
    const keys = new Set<string>(this.changes.clear ? [] : this.base.keys());
    for (const key of this.changes.set.keys()) keys.add(key);
    for (const key of this.changes.increment.keys()) keys.add(key);
    for (const key of keys) {
      const value = decodeStored(this.effective(key));
      if (value !== undefined) Object.defineProperty(out, key, { value, enumerable: true });
    }
    return Object.freeze(out);
  }

  increment(key: NumericKeys<T>, by = 1): number {
    this.assertWritable(key);
    if (typeof by !== 'number' || !Number.isFinite(by)) {
      throw new TypeError(`increment('${key}') needs a finite number, got ${String(by)}`);
    }
    const current = decodeStored(this.effective(key));
    if (current !== undefined && typeof current !== 'number') {
      throw new TypeError(`increment('${key}'): the session holds a ${typeof current} there, not a number`);
    }
    if (this.changes.hides(key)) {
      // The stored value no longer counts, so the result is known here: record it as a set.
      const value = storedNumber(this.changes.set.get(key)) + by;
      this.changes.set.set(key, JSON.stringify(value));
      this.changes.delete.delete(key);
      return value;
    }
    const delta = (this.changes.increment.get(key) ?? 0) + by;
    this.changes.increment.set(key, delta);
    return storedNumber(this.base.get(key)) + delta;
  }

  /** Explicit: stores even a new, empty session (its id is about to be used). */
  save(): Promise<void> {
    return this.serially(() => this.persist(false, true));
  }

  /** @internal End of request: persist, or refresh the expiry when nothing changed. */
  commit(): Promise<void> {
    return this.serially(() => this.persist(true, this.runtime.settings.saveUninitialized));
  }

  regenerate(): Promise<void> {
    return this.serially(() => this.moveToNewId({}));
  }

  destroy(): Promise<void> {
    return this.serially(() => this.end('destroyed'));
  }

  login(userId: string, options: LoginOptions = {}): Promise<void> {
    if (typeof userId !== 'string' || userId.length === 0) {
      return Promise.reject(new TypeError('login(userId) needs a non-empty string'));
    }
    const { ttl } = options;
    if (ttl !== undefined && !(Number.isFinite(ttl) && ttl > 0)) {
      return Promise.reject(new TypeError(`login ttl must be > 0 ms, got ${String(ttl)}`));
    }
    return this.serially(async () => {
      const previous = this.currentKey;
      const meta: Partial<SessionMeta> = { ...this.origin(), userId, createdAt: Date.now() };
      if (ttl !== undefined) meta.ttl = ttl;
      await this.moveToNewId(meta);
      if (this.state !== 'open') return;
      this.runtime.emit('login', this.currentKey, { userId, previousHandle: previous });
      await this.runtime.users.enforceLimit(userId, this.currentKey);
    });
  }

  logout(): Promise<void> {
    return this.serially(() => this.end('logout'));
  }

  async user<U = unknown>(): Promise<U | undefined> {
    const { userId } = this.meta;
    return userId === undefined ? undefined : this.runtime.users.profile<U>(userId);
  }

  private async end(event: 'destroyed' | 'logout'): Promise<void> {
    if (this.state !== 'open') return;
    if (this.stored) await this.runtime.call('destroy', () => this.runtime.store.destroy(this.currentKey));
    this.state = 'destroyed';
    this.changes.reset();
    this.writer?.revoke();
    if (this.stored) this.runtime.emit(event, this.currentKey, { userId: this.meta.userId });
  }

  /**
   * Writes the session's data under a new id and kills the old one (in that order of safety:
   * the old id is dead before the new one exists). `meta` overrides metadata (login binds a user).
   */
  protected async moveToNewId(meta: Partial<SessionMeta>): Promise<void> {
    this.assertOpen();
    if (this.state === 'lost') return;
    const previous = this.currentKey;
    const wasStored = this.stored;
    if (wasStored) {
      const existed = await this.runtime.call('destroy', () => this.runtime.store.destroy(previous));
      if (!existed) return this.lose();
    }
    const data = applySessionChanges(this.base, this.changes);
    const now = Date.now();
    const id = generateSessionId();
    const key = sessionKey(id);
    const next: SessionMeta = { ...this.meta, ...meta };
    const expiry = this.runtime.expiryAt(next, now);
    const created = { ...next, ...expiry };
    const everything = { clear: true, set: data, delete: new Set<string>(), increment: new Map() };
    await this.runtime.call('apply', () => this.runtime.store.apply(key, everything, expiry, created));
    this.currentId = id;
    this.currentKey = key;
    this.meta = created;
    this.base = data;
    this.changes.reset();
    this.stored = true;
    this.writer?.issue(this.currentId, this.runtime.deadline(this.meta));
    this.runtime.emit(wasStored ? 'regenerated' : 'created', key, {
      previousHandle: wasStored ? previous : undefined,
      userId: created.userId,
    });
  }

  /** Runs persistence steps one at a time (a `save()` racing the end-of-request commit). */
  private serially<R>(step: () => Promise<R>): Promise<R> {
    const run = this.queue.then(step);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async persist(final: boolean, storeIfEmpty: boolean): Promise<void> {
    if (this.state !== 'open') return;
    const now = Date.now();
    if (this.changes.empty && (this.stored || !storeIfEmpty)) {
      if (this.stored) await this.touchIfDue(now);
      return;
    }
    const expiry = this.runtime.expiryAt(this.meta, now);
    const create = this.stored ? undefined : { ...this.meta, ...expiry };
    const key = this.currentKey;
    const applied = await this.runtime.call('apply', () =>
      this.runtime.store.apply(key, this.changes, expiry, create),
    );
    if (!applied) return this.lose();
    if (!final) this.base = applySessionChanges(this.base, this.changes);
    this.changes.reset();
    this.meta = { ...this.meta, ...expiry };
    if (create) {
      this.stored = true;
      this.writer?.issue(this.currentId, this.runtime.deadline(this.meta));
      this.runtime.emit('created', key, { userId: this.meta.userId });
    }
  }

  /** Pushes the expiry forward without rewriting data, once it has moved by a touch interval. */
  private async touchIfDue(now: number): Promise<void> {
    const expiry = this.runtime.expiryAt(this.meta, now);
    if (expiry.expiresAt - this.meta.expiresAt < this.runtime.settings.touchInterval) return;
    const key = this.currentKey;
    const touched = await this.runtime.call('touch', () => this.runtime.store.touch(key, expiry));
    if (!touched) return this.lose();
    this.meta = { ...this.meta, ...expiry };
  }

  /**
   * The stored session vanished under us (destroyed, regenerated or expired by another request):
   * drop this request's changes rather than revive it, and send the client off with a fresh start.
   */
  private lose(): void {
    this.state = 'lost';
    this.changes.reset();
    this.writer?.revoke();
  }

  /** The JSON this request sees for `key`: its own change over the stored value. */
  private effective(key: string): string | undefined {
    const set = this.changes.set.get(key);
    if (set !== undefined) return set;
    if (this.changes.clear || this.changes.delete.has(key)) return undefined;
    const stored = this.base.get(key);
    const delta = this.changes.increment.get(key);
    return delta === undefined ? stored : JSON.stringify(storedNumber(stored) + delta);
  }

  /** Tracks the session's size and refuses a write that would pass `maxSessionBytes`. */
  private resize(key: string, json: string | undefined): void {
    if (this.bytes === undefined) {
      this.bytes = 0;
      for (const [k, v] of this.base) {
        if (!this.changes.hides(k)) this.bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
      }
      for (const [k, v] of this.changes.set) this.bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
    }
    const before = this.effective(key);
    const next =
      this.bytes -
      (before === undefined ? 0 : Buffer.byteLength(key) + Buffer.byteLength(before)) +
      (json === undefined ? 0 : Buffer.byteLength(key) + Buffer.byteLength(json));
    const limit = this.runtime.settings.maxSessionBytes;
    if (json !== undefined && next > limit) throw new SessionTooLargeError(key, next, limit);
    this.bytes = next;
  }

  private assertWritable(key: unknown): void {
    this.assertOpen();
    if (typeof key !== 'string' || FORBIDDEN_SESSION_KEYS.has(key)) {
      throw new TypeError(`Session key ${JSON.stringify(String(key))} is not allowed`);
    }
  }

  private assertOpen(): void {
    if (this.state === 'destroyed') {
      throw new Error('This session was destroyed; a new request starts a new one');
    }
  }
}
