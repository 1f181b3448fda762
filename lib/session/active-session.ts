import type { SessionSettings } from '../options/session-settings';
import { sessionKey } from '../id/session-key';
import type { SessionExpiry, SessionMeta, UserBinding } from '../stores/session-store';
import { SessionTooLargeError } from '../errors/session-too-large.error';
import { cookieExpiry, idleExpiry, nextExpiry } from './expiry';
import { SessionData } from './session-data';
import type { SessionIdWriter, SessionOrigin } from './session-id-writer';
import type { SessionRepository } from './session-repository';
import type { SessionUsers } from './session-users';
import type { LoginOptions, NumericKeys, Session, SessionData as SessionShape } from './session.interface';

/** What every session of the module shares. */
export interface SessionServices {
  readonly settings: SessionSettings;
  readonly repository: SessionRepository;
  readonly users: SessionUsers;
  /** A tighter bound on the data than `maxSessionBytes`, and its name for the error (`CookieStore`). */
  readonly dataLimit?: { readonly bytes: number; readonly name: string };
}

/** Where a session stands: open, destroyed by this request, or lost (gone from the store under it). */
type SessionState = 'open' | 'destroyed' | 'lost';

/**
 * The implementation of `Session<T>`: its data (change tracking, in `SessionData`) and its place
 * in the store (persistence, through `SessionRepository`), with the steps that change the id.
 * Persistence steps run one at a time. Internal: users see the `Session<T>` interface.
 */
export class ActiveSession<T extends object = SessionShape> implements Session<T> {
  private state: SessionState = 'open';
  private data: SessionData;
  /** Run before every save: views that hold values by reference (`req.session`) write them back. */
  private flushers?: (() => void)[];
  /** The last persistence step, settled or not; none until the first (most reads never save). */
  private queue?: Promise<unknown>;
  /** Persistence steps queued or running. */
  private steps = 0;

  constructor(
    private readonly services: SessionServices,
    private currentId: string,
    private currentKey: string,
    private meta: SessionMeta,
    base: ReadonlyMap<string, string>,
    private stored: boolean,
    private readonly writer?: SessionIdWriter,
    private readonly origin: () => SessionOrigin = () => ({}),
    /**
     * Not loaded (`@Session({ load: false })`): the client's id is known, its data and metadata
     * are not. It takes writes, saved as one delta the store checks (see `UnreadWriteStore`);
     * anything that needs the stored session reads it in first.
     */
    private unread = false,
  ) {
    this.data = this.dataOver(base, !unread);
  }

  /** Internal: whether the session still has to be read in before anything but a write. */
  get isUnread(): boolean {
    return this.unread;
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

  get<K extends keyof T & string>(key: K): T[K] | undefined {
    this.assertRead('get');
    return this.data.get(key) as T[K] | undefined;
  }

  has(key: keyof T & string): boolean {
    this.assertRead('has');
    return this.data.has(key);
  }

  set<K extends keyof T & string>(key: K, value: T[K]): void {
    this.assertOpen();
    this.data.set(key, value);
  }

  delete(key: keyof T & string): void {
    this.assertOpen();
    this.data.delete(key);
  }

  clear(): void {
    this.assertOpen();
    this.data.clear();
  }

  all(): Readonly<Partial<T>> {
    this.assertRead('all');
    return this.data.all() as Readonly<Partial<T>>;
  }

  /** On a session not loaded, the delta is recorded and NaN returned: the stored value is unknown. */
  increment(key: NumericKeys<T>, by = 1): number {
    this.assertOpen();
    const value = this.data.increment(key, by);
    return this.unread ? NaN : value;
  }

  /** Explicit: stores even a new, empty session (its id is about to be used). */
  save(): Promise<void> {
    this.flush();
    return this.serially(() => this.persist(true));
  }

  /** Registers `flush` to run before each save (internal: the `req.session` view). */
  beforeSave(flush: () => void): void {
    (this.flushers ??= []).push(flush);
  }

  /** Internal: reads in a session that was not loaded (see `unread`); nothing for one that was. */
  read(): Promise<void> {
    return this.unread ? this.serially(() => this.readIn()) : Promise.resolve();
  }

  /** Drops this request's unsaved changes and reads the stored session again. */
  reload(): Promise<void> {
    return this.serially(async () => {
      this.unread = false;
      if (this.state !== 'open' || !this.stored) return;
      const stored = await this.services.repository.loadLive(this.currentKey);
      if (!stored) return this.lose();
      this.meta = stored.meta;
      this.data = this.dataOver(stored.data);
    });
  }

  /**
   * End of request: persist, or refresh the expiry when nothing changed. Undefined (no promise)
   * when there is nothing to do, the common case of a read. Internal.
   */
  commit(): Promise<void> | undefined {
    this.flush();
    if (this.steps === 0 && !this.commitNeeded()) return undefined;
    if (this.steps === 0 && this.stored && !this.unread && this.state === 'open' && this.data.changed) {
      // A store that writes in this process saves the change now: no promise, no turn.
      try {
        if (this.writeNow()) return undefined;
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.serially(() => this.persist(this.services.settings.saveUninitialized));
  }

  regenerate(): Promise<void> {
    return this.serially(async () => {
      await this.readIn();
      await this.moveToNewId({});
    });
  }

  /**
   * Ends this session and goes on as a new, empty, anonymous one under a new id (stored at its
   * first change): express-session's `regenerate`. A user's session ends as a logout. Internal:
   * the `req.session` view.
   */
  renew(): Promise<void> {
    return this.serially(async () => {
      this.assertOpen();
      await this.readIn();
      if (this.state === 'open' && this.stored) {
        await this.services.repository.destroy(
          this.currentKey,
          this.meta,
          this.meta.userId === undefined ? 'destroyed' : 'logout',
        );
      }
      this.startOver();
      this.data = this.dataOver(new Map());
      this.state = 'open';
    });
  }

  destroy(): Promise<void> {
    return this.serially(async () => {
      await this.readIn();
      await this.end('destroyed');
    });
  }

  login(userId: string, options: LoginOptions = {}): Promise<void> {
    if (typeof userId !== 'string' || userId.length === 0) {
      return Promise.reject(new TypeError('login(userId) needs a non-empty string'));
    }
    const { ttl } = options;
    if (ttl !== undefined) {
      try {
        assertTtl(ttl);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.serially(async () => {
      await this.readIn();
      const previous = this.currentKey;
      const meta: Partial<SessionMeta> = { ...this.origin(), userId, createdAt: Date.now() };
      if (ttl !== undefined) meta.ttl = ttl;
      await this.moveToNewId(meta);
      if (this.state !== 'open') return;
      this.services.repository.loggedIn(this.currentKey, userId, previous);
    });
  }

  logout(): Promise<void> {
    return this.serially(async () => {
      await this.readIn();
      await this.end('logout');
    });
  }

  async user<U = unknown>(): Promise<U | undefined> {
    const { userId } = this.meta;
    return userId === undefined ? undefined : this.services.users.profile<U>(userId);
  }

  private async end(type: 'destroyed' | 'logout'): Promise<void> {
    if (this.state !== 'open') return;
    if (this.stored) await this.services.repository.destroy(this.currentKey, this.meta, type);
    this.state = 'destroyed';
    this.data.discard();
    this.writer?.revoke();
  }

  /**
   * Writes the session's data under a new id and kills the old one. Either the old id dies first
   * (so two requests cannot both move it), or, for a session staying with its user on a store
   * with a user index, the new key takes the old one's place in the index in one store step,
   * which only one mover and no "log out everywhere" can win. `meta` overrides metadata (login
   * binds a user).
   */
  private async moveToNewId(meta: Partial<SessionMeta>): Promise<void> {
    this.assertOpen();
    if (this.state === 'lost') return;
    const { repository } = this.services;
    const next: SessionMeta = { ...this.meta, ...meta };
    const previous = this.stored ? this.currentKey : undefined;
    const replace = previous !== undefined && repository.canReplaceInIndex(this.meta, next);
    if (previous !== undefined && !replace) {
      if (!(await repository.release(previous))) return this.lose();
    }
    const id = this.services.settings.ids.generate();
    if (!(await this.storeAs(id, sessionKey(id), next, previous, replace ? previous : undefined)))
      return this.lose();
    // Filed in the old key's place in the user's index: the old key goes now.
    if (replace) await repository.release(previous);
  }

  /**
   * Stores the session's whole data under `id` (new, or first stored) and sends the id. A session
   * that joins a user without replacing one of theirs (a login, a token session) counts against
   * `maxSessionsPerUser`. False when the user's index refused it.
   */
  private async storeAs(
    id: string,
    key: string,
    meta: SessionMeta,
    previous?: string,
    replaces?: string,
  ): Promise<boolean> {
    const { repository, settings } = this.services;
    // A new id the client could never receive would only be an orphan in the store.
    if (this.writer?.issuable === false) return false;
    const now = Date.now();
    const created = { ...meta, ...nextExpiry(meta, now, settings) };
    const binding: UserBinding = {};
    if (replaces !== undefined) binding.replaces = replaces;
    else if (meta.userId !== undefined && settings.maxSessionsPerUser !== undefined)
      binding.limit = settings.maxSessionsPerUser;
    const write = this.data.pendingWrite();
    if (!(await repository.create(key, this.data.snapshotOf(write), created, previous, binding)))
      return false;
    this.currentId = id;
    this.currentKey = key;
    this.meta = created;
    this.data.saved(write);
    this.stored = true;
    this.writer?.issue(id, cookieExpiry(created, now, settings));
    this.stampFreshness(now);
    return true;
  }

  private async persist(storeIfEmpty: boolean): Promise<void> {
    if (this.state !== 'open') return;
    if (this.unread) {
      // Nothing written: nothing to save, and its expiry is unknown here, so it is left alone.
      if (!this.data.changed) return;
      if (this.services.repository.writesUnread) return this.writeUnread();
      await this.readIn();
    }
    if (!this.stored) {
      if (!(this.data.changed || storeIfEmpty)) return;
      if (this.writer?.issuable === false) return; // never stored: its id could not reach the client
      if (!(await this.storeAs(this.currentId, this.currentKey, this.meta))) this.lose();
      return;
    }
    const { repository, settings } = this.services;
    const now = Date.now();
    const expiry = nextExpiry(this.meta, now, settings);
    const write = this.data.changed;
    if (!write) {
      // Unchanged: push the expiry forward without rewriting data, once it has moved enough.
      if (!this.touchDue(expiry.expiresAt)) return;
      if (!(await repository.touch(this.currentKey, expiry))) return this.lose();
    } else {
      const write = this.data.pendingWrite();
      if (!(await repository.write(this.currentKey, write.changes, expiry))) return this.lose();
      this.data.saved(write);
    }
    this.persisted(now, expiry, write);
  }

  /**
   * `persist` of a stored session's changes when the store writes them at once; false (nothing
   * done) when it cannot, and then `persist` does it.
   */
  private writeNow(): boolean {
    const now = Date.now();
    const expiry = nextExpiry(this.meta, now, this.services.settings);
    const key = this.currentKey;
    const repository = this.services.repository;
    const written = this.data.writeNow((changes) => repository.writeNow(key, changes, expiry));
    if (written === undefined) return false;
    if (written) this.persisted(now, expiry, true);
    else this.lose();
    return true;
  }

  /** After a stored session's save: its new expiry, and what the client is sent for it. */
  private persisted(now: number, expiry: SessionExpiry, changed: boolean): void {
    const { settings } = this.services;
    this.meta = { ...this.meta, ...expiry };
    if (changed) this.stampFreshness(now);
    // Rolling: the cookie follows the expiry just stored, so it lives as long as the session does.
    if (settings.rolling) this.writer?.issue(this.currentId, cookieExpiry(this.meta, now, settings));
  }

  /**
   * Saves the changes of a session never read as one store step that also checks it is alive and
   * within the size limit. A client whose id named no live session goes on as a new session
   * holding these changes, as a load would have made it.
   */
  private async writeUnread(): Promise<void> {
    const { repository, settings } = this.services;
    const now = Date.now();
    const write = this.data.pendingWrite();
    const limit = this.services.dataLimit ?? { bytes: settings.maxSessionBytes, name: undefined };
    const result = await repository.writeUnread(this.currentKey, write.changes, now, limit.bytes);
    if (result.status === 'too-large') {
      throw new SessionTooLargeError('', result.bytes, limit.bytes, limit.name);
    }
    if (result.status === 'absent') {
      this.unread = false;
      this.startOver();
      this.data.rebase(new Map());
      if (!(await this.storeAs(this.currentId, this.currentKey, this.meta))) this.lose();
      return;
    }
    this.data.saved(write);
    this.meta = result.meta;
    this.persisted(now, result.meta, true);
  }

  /**
   * Reads in a session that was not loaded: its stored data goes under this request's changes
   * (a 413 if they no longer fit); when the id names no live session, it goes on as a new one
   * holding them. Nothing for a session that was loaded.
   */
  private async readIn(): Promise<void> {
    if (!this.unread || this.state !== 'open') return;
    const stored = await this.services.repository.loadLive(this.currentKey);
    this.unread = false;
    if (stored) {
      this.meta = stored.meta;
      this.data.rebase(stored.data);
    } else {
      this.startOver();
      this.data.rebase(new Map());
    }
  }

  /** A new id and fresh metadata, not stored yet (the data is the caller's to set). */
  private startOver(): void {
    const now = Date.now();
    const meta: SessionMeta = { createdAt: now, expiresAt: now, lastSeenAt: now, ...this.origin() };
    this.meta = { ...meta, ...nextExpiry(meta, now, this.services.settings) };
    this.currentId = this.services.settings.ids.generate();
    this.currentKey = sessionKey(this.currentId);
    this.stored = false;
  }

  /** Hands the client the store's token of the write just made, when the store gives one. */
  private stampFreshness(now: number): void {
    const token = this.services.repository.freshness(this.currentKey);
    if (token !== undefined) {
      this.writer?.stamp?.(token, cookieExpiry(this.meta, now, this.services.settings));
    }
  }

  /**
   * The stored session vanished under us (destroyed, regenerated or expired by another request):
   * drop this request's changes rather than revive it. No cookie is sent: when another request
   * destroyed it, that request expired the cookie; when it moved to a new id, the browser holds
   * the new cookie, which an expired one arriving late would delete.
   */
  private lose(): void {
    this.state = 'lost';
    this.data.discard();
  }

  private dataOver(base: ReadonlyMap<string, string>, known = true): SessionData {
    const { dataLimit, settings } = this.services;
    return dataLimit
      ? new SessionData(base, dataLimit.bytes, dataLimit.name, known)
      : new SessionData(base, settings.maxSessionBytes, undefined, known);
  }

  private flush(): void {
    if (this.flushers && this.state === 'open') for (const flush of this.flushers) flush();
  }

  /** Runs persistence steps one at a time (a `save()` racing the end-of-request commit). */
  private serially<R>(step: () => Promise<R>): Promise<R> {
    // Nothing in flight (the usual end-of-request save): start now rather than a turn later.
    const run = (this.steps++ === 0 ? step() : (this.queue ?? Promise.resolve()).then(step)).finally(
      () => this.steps--,
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  private commitNeeded(): boolean {
    if (this.state !== 'open') return false;
    if (this.data.changed) return true;
    if (this.unread) return false;
    if (!this.stored) return this.services.settings.saveUninitialized;
    return this.touchDue(idleExpiry(this.meta, Date.now(), this.services.settings));
  }

  /** Whether an unchanged session's expiry has moved enough to be worth a store touch. */
  private touchDue(expiresAt: number): boolean {
    return expiresAt - this.meta.expiresAt >= this.services.settings.touchInterval;
  }

  /** Reads need the stored data: a session injected with `@Session({ load: false })` has none. */
  private assertRead(method: string): void {
    if (this.unread) {
      throw new Error(
        `session.${method}() on a session that was not loaded: @Session({ load: false }) takes writes only; ` +
          'use @Session() to read',
      );
    }
  }

  private assertOpen(): void {
    if (this.state === 'destroyed') {
      throw new Error('This session was destroyed; a new request starts a new one');
    }
  }
}

/** A per-session idle timeout: a finite number of ms above 0. */
export function assertTtl(ttl: unknown): asserts ttl is number {
  if (!(typeof ttl === 'number' && Number.isFinite(ttl) && ttl > 0)) {
    throw new TypeError(`ttl must be > 0 ms, got ${String(ttl)}`);
  }
}
