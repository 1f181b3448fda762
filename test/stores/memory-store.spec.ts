import { afterAll, describe, it } from 'vitest';
import { MemoryStore } from '../../lib';
import type { StoreUnderTest } from '../../lib/testing';
import { describeStoreConformance } from '../../lib/testing';
import { SessionStore } from '../../lib/stores/session-store';

const memoryStore = async (): Promise<StoreUnderTest> => {
  const store = new MemoryStore();
  return { store, close: async () => store.onApplicationShutdown() };
};

// Closed by Vitest's afterAll.
describeStoreConformance('MemoryStore', memoryStore, { describe, it, after: afterAll });

/** A MemoryStore seen through the four required methods only: no optional capability. */
class RequiredMethodsOnly extends SessionStore {
  constructor(private readonly inner: MemoryStore) {
    super();
  }
  load(...args: Parameters<SessionStore['load']>) {
    return this.inner.load(...args);
  }
  apply(...args: Parameters<SessionStore['apply']>) {
    return this.inner.apply(...args);
  }
  touch(...args: Parameters<SessionStore['touch']>) {
    return this.inner.touch(...args);
  }
  destroy(...args: Parameters<SessionStore['destroy']>) {
    return this.inner.destroy(...args);
  }
}

// Capability tests are skipped here; the store is closed by the suite's last test.
describeStoreConformance(
  'A store with the required methods only',
  async () => {
    const inner = new MemoryStore();
    return { store: new RequiredMethodsOnly(inner), close: async () => inner.onApplicationShutdown() };
  },
  { describe, it },
);
