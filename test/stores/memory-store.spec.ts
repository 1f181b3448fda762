import { MemoryStore } from '../../lib';
import { describeStoreConformance } from './store-conformance';

describeStoreConformance('MemoryStore', async () => {
  const store = new MemoryStore();
  return { store, close: async () => store.onApplicationShutdown() };
});
