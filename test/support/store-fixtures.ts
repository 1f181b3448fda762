import { MemoryStore } from '../../lib';
import type { SessionStore } from '../../lib';

/** A store for the HTTP suites, with a look into its user index. */
export interface StoreFixture {
  store: SessionStore;
  /** Entries the user index holds for a user, live or not: shows the index does not leak. */
  indexSize(userId: string): Promise<number>;
  close(): Promise<void>;
}

export const memoryFixture = async (): Promise<StoreFixture> => {
  const store = new MemoryStore({ maxSessions: 50_000 });
  const users = (store as unknown as { users: Map<string, Set<string>> }).users;
  return {
    store,
    indexSize: async (userId) => users.get(userId)?.size ?? 0,
    close: async () => store.onApplicationShutdown(),
  };
};

/** Every store the user-session and multi-instance suites run on. */
export const STORE_FIXTURES: Array<[string, () => Promise<StoreFixture>]> = [['MemoryStore', memoryFixture]];
