import { describe, expect, it } from 'vitest';
import { fileStoreSettings, keyRing } from './file-store-options';

describe('FileStore options', () => {
  it('applies the defaults and resolves the directory', () => {
    expect(fileStoreSettings({ dir: 'relative/sessions' })).toMatchObject({
      dir: expect.stringMatching(/^\/.*relative\/sessions$/),
      keys: [],
      sweepInterval: 60_000,
      lockTimeout: 1_000,
      fsync: true,
    });
  });

  it.each([
    [{ dir: '' }, /dir must be a directory path/],
    [{ dir: 'a\0b' }, /dir must be a directory path/],
    [{ dir: 'd', sweepInterval: 0 }, /sweepInterval must be > 0 ms, got 0/],
    [{ dir: 'd', sweepBatchSize: 1.5 }, /sweepBatchSize must be an integer >= 1/],
    [{ dir: 'd', lockTimeout: -1 }, /lockTimeout must be > 0 ms/],
    [{ dir: 'd', lockStaleAfter: Number.NaN }, /lockStaleAfter must be > 0 ms/],
    [{ dir: 'd', fsync: 'yes' }, /fsync must be a boolean/],
  ])('refuses %j', (options, message) => {
    expect(() => fileStoreSettings(options as never)).toThrow(message);
  });

  it('takes 32-byte keys as Buffers or base64 (or base64url) text, and nothing else', () => {
    const key = Buffer.alloc(32, 0xfb);
    expect(keyRing([key, key.toString('base64'), key.toString('base64url')])).toEqual([key, key, key]);
    expect(() => keyRing(Buffer.alloc(31))).toThrow(/encryptionKey must be 32 bytes, got 31/);
    expect(() => keyRing([key, Buffer.alloc(33).toString('base64')])).toThrow(
      /encryptionKey\[1\] must be 32 bytes/,
    );
    expect(() => keyRing(42 as never)).toThrow(/Buffer or a base64 string/);
  });
});
