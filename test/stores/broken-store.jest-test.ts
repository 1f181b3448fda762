// A store that forgets every session, under Jest: jest-runner.spec.ts checks that the suite fails it.
import { MemoryStore } from '../../lib/stores/memory/memory.store';
import { describeStoreConformance } from '../../lib/testing';

declare const describe: (name: string, body: () => void) => void;
declare const it: (name: string, body: () => Promise<void> | void) => void;

class ForgetfulStore extends MemoryStore {
  override load(): Promise<null> {
    return Promise.resolve(null);
  }
}

describeStoreConformance('A store that forgets', async () => ({ store: new ForgetfulStore() }), {
  describe,
  it,
});
