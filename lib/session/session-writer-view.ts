import type { ActiveSession } from './active-session';
import type { NumericKeys, SessionData, SessionValue, SessionWriter } from './session.interface';

/**
 * What `@Session({ load: false })` injects: the writes of the request's session and nothing that
 * reads it, whether or not the session happens to be loaded (a MemoryStore, a near-cache hit, a
 * guard), so a handler behaves the same on every store.
 */
export class SessionWriterView<T extends object = SessionData> implements SessionWriter<T> {
  /** @internal The session written through (the handler wrapper checks who saves it). */
  constructor(readonly session: ActiveSession<T>) {}

  set<K extends keyof T & string>(key: K, value: SessionValue<T[K]>): void {
    this.session.set(key, value);
  }

  delete(key: keyof T & string): void {
    this.session.delete(key);
  }

  clear(): void {
    this.session.clear();
  }

  increment(key: NumericKeys<T>, by?: number): void {
    this.session.increment(key, by);
  }

  save(): Promise<void> {
    return this.session.save();
  }

  /** Internal: the end-of-handler save (see `saveAfterHandler`). */
  commit(): Promise<void> | undefined {
    return this.session.commit();
  }
}
