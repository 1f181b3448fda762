import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { FileStore } from '../../lib';
import { describeStoreConformance } from '../../lib/testing';

const made: string[] = [];
const fileStore =
  (options: { encryptionKey?: string[] } = {}) =>
  async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'file-store-')), 'sessions');
    made.push(dir);
    const store = new FileStore({ dir, ...options });
    return { store, close: async () => store.onApplicationShutdown() };
  };
afterAll(() => {
  for (const dir of made) rmSync(join(dir, '..'), { recursive: true, force: true });
});

describeStoreConformance('FileStore', fileStore(), { describe, it, after: afterAll });
// Without fsync (atomic all the same) to keep the suite's time down: the flushes are the slow part.
describeStoreConformance(
  'FileStore (encrypted, no fsync)',
  fileStore({
    encryptionKey: [Buffer.alloc(32, 7).toString('base64'), Buffer.alloc(32, 9).toString('base64')],
  }),
  { describe, it, after: afterAll },
);
