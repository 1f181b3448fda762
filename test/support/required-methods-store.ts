import { MemoryStore } from '../../lib/stores/memory/memory.store';
import { SessionStore } from '../../lib/stores/session-store';
import type { StoreUnderTest } from '../../lib/testing';

/** A MemoryStore seen through the four required methods only: no optional capability. */
export class RequiredMethodsStore extends SessionStore {
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

/** Conformance subjects: a MemoryStore, and one with the required methods only. */
export const memoryStoreUnderTest = async (): Promise<StoreUnderTest> => {
  const store = new MemoryStore();
  return { store, close: async () => store.onApplicationShutdown() };
};

export const requiredMethodsStoreUnderTest = async (): Promise<StoreUnderTest> => {
  const inner = new MemoryStore();
  return { store: new RequiredMethodsStore(inner), close: async () => inner.onApplicationShutdown() };
};
