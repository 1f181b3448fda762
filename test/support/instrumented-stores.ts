import { MemoryStore } from '../../lib';
import type { SessionChanges, SessionExpiry, SessionMeta, StoredSession } from '../../lib';

/** A MemoryStore that counts the calls made to it: the test's view of store traffic. */
export class CountingStore extends MemoryStore {
  calls = { load: 0, apply: 0, touch: 0, destroy: 0 };

  get total(): number {
    return this.calls.load + this.calls.apply + this.calls.touch + this.calls.destroy;
  }

  override load(key: string): Promise<StoredSession | null> {
    this.calls.load++;
    return super.load(key);
  }
  override apply(key: string, changes: SessionChanges, expiry: SessionExpiry, create?: SessionMeta) {
    this.calls.apply++;
    return super.apply(key, changes, expiry, create);
  }
  override touch(key: string, expiry: SessionExpiry) {
    this.calls.touch++;
    return super.touch(key, expiry);
  }
  override destroy(key: string) {
    this.calls.destroy++;
    return super.destroy(key);
  }
}

export type Outage = 'up' | 'throwing' | 'hanging';

/** A MemoryStore that can be switched to fail: every call throws, or never answers. */
export class FailingStore extends MemoryStore {
  mode: Outage = 'up';

  private gate<T>(run: () => Promise<T>): Promise<T> {
    if (this.mode === 'throwing') return Promise.reject(new Error('connection refused'));
    if (this.mode === 'hanging') return new Promise<T>(() => undefined);
    return run();
  }

  override load(key: string) {
    return this.gate(() => super.load(key));
  }
  override apply(key: string, changes: SessionChanges, expiry: SessionExpiry, create?: SessionMeta) {
    return this.gate(() => super.apply(key, changes, expiry, create));
  }
  override touch(key: string, expiry: SessionExpiry) {
    return this.gate(() => super.touch(key, expiry));
  }
  override destroy(key: string) {
    return this.gate(() => super.destroy(key));
  }
}
