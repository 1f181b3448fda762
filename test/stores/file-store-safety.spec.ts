import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileStore } from '../../lib';
import { encodeSessionText } from '../../lib/stores/file/file-session-codec';
import { changes } from '../../lib/testing';

const expiry = () => ({ expiresAt: Date.now() + 600_000, lastSeenAt: Date.now() });
const meta = (extra = {}) => ({ createdAt: Date.now(), ...expiry(), ...extra });
const sets = (values: Record<string, unknown>) =>
  changes({ set: new Map(Object.entries(values).map(([k, v]) => [k, JSON.stringify(v)])) });
const key32 = (fill: number) => Buffer.alloc(32, fill);

/** Every path under `dir`, relative, sorted. */
function tree(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? [`${prefix}${entry.name}/`, ...tree(join(dir, entry.name), `${prefix}${entry.name}/`)]
      : [`${prefix}${entry.name}`],
  );
}

describe('FileStore safety', () => {
  let base: string;
  let dir: string;
  const stores: FileStore[] = [];
  const open = (options: Partial<ConstructorParameters<typeof FileStore>[0]> = {}) => {
    const store = new FileStore({ dir, fsync: false, ...options });
    stores.push(store);
    return store;
  };
  const setUp = () => {
    base = mkdtempSync(join(tmpdir(), 'file-store-safety-'));
    dir = join(base, 'nested', 'sessions');
  };
  afterEach(() => {
    for (const store of stores.splice(0)) store.onApplicationShutdown();
    rmSync(base, { recursive: true, force: true });
  });

  it('creates the directory 0700 and its files 0600', async () => {
    setUp();
    const store = open();
    expect(await store.apply('k1', sets({ a: 1 }), expiry(), meta({ userId: 'u' }))).toBe(true);
    await store.setCached('profile', '{}', 60_000);
    const { statSync } = await import('node:fs');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(dir)) expect(statSync(join(dir, name)).mode & 0o777, name).toBe(0o600);
    expect(readdirSync(dir).length).toBe(3); // the session, the user index, the cached profile
  });

  it('pings with a stat of the directory: rejects once it is gone', async () => {
    setUp();
    const store = open();
    await expect(store.ping()).resolves.toBeUndefined();
    rmSync(dir, { recursive: true });
    await expect(store.ping()).rejects.toThrow(/ENOENT/);
  });

  it('refuses a directory open to others, or owned by another user, at construction', () => {
    setUp();
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
    expect(() => open()).toThrow(/mode 0755.*chmod 700/);
    chmodSync(dir, 0o700);
    chownSync(dir, 4321, 4321);
    expect(() => open()).toThrow(/owned by uid 4321/);
    chownSync(dir, process.getuid!(), process.getgid!());
    writeFileSync(join(base, 'a-file'), 'x');
    expect(() => new FileStore({ dir: join(base, 'a-file') })).toThrow(/not a directory|EEXIST/);
  });

  it('never lets a key with ../, NUL, a slash or 4 KB of text touch a path: it is an unknown session', async () => {
    setUp();
    const store = open();
    // A session file just outside the directory, which `../victim` would name.
    writeFileSync(join(base, 'nested', 'victim'), encodeSessionText(meta(), new Map([['secret', '"x"']])));
    const before = tree(base);
    const keys = [
      '../victim',
      '..',
      '.',
      '',
      'a/b',
      '/etc/passwd',
      'a\0b',
      'k'.repeat(4096),
      'k.lock',
      'x.user',
    ];
    for (const key of keys) {
      expect(await store.load(key), key).toBeNull();
      expect(await store.apply(key, sets({ a: 1 }), expiry(), meta()), key).toBe(false);
      expect(await store.apply(key, sets({ a: 1 }), expiry()), key).toBe(false);
      expect(await store.touch(key, expiry()), key).toBe(false);
      expect(await store.destroy(key), key).toBe(false);
    }
    expect(tree(base)).toEqual(before);
    expect(readFileSync(join(base, 'nested', 'victim'), 'utf8')).toContain('secret');
  });

  it('files user ids and cache names with ../, NUL or 4 KB of text under hashed names inside the directory', async () => {
    setUp();
    const store = open();
    const odd = ['../../escape', 'a\0b', 'u'.repeat(4096), '/etc/passwd'];
    for (const [i, userId] of odd.entries()) {
      expect(await store.apply(`k${i}`, sets({ i }), expiry(), meta({ userId }))).toBe(true);
      expect((await store.listByUser(userId)).map((e) => e.key)).toEqual([`k${i}`]);
      await store.setCached(userId, `profile ${i}`, 60_000);
      expect(await store.getCached(userId)).toBe(`profile ${i}`);
    }
    expect(tree(base)).toEqual([
      'nested/',
      'nested/sessions/',
      ...tree(dir).map((n) => `nested/sessions/${n}`),
    ]);
    for (const name of readdirSync(dir)) expect(name).toMatch(/^(k\d|u-[\w-]{43}\.user|c-[\w-]{43}\.cache)$/);
    expect(await store.destroyByUser(odd[0])).toEqual(['k0']);
  });

  it('treats a corrupt or truncated file as no session, and overwrites nothing by reading it', async () => {
    setUp();
    const store = open();
    await store.apply('whole', sets({ a: 1 }), expiry(), meta());
    const text = readFileSync(join(dir, 'whole'), 'utf8');
    writeFileSync(join(dir, 'cut'), text.slice(0, text.length - 5), { mode: 0o600 });
    writeFileSync(join(dir, 'junk'), '\u0000\u0001garbage', { mode: 0o600 });
    writeFileSync(join(dir, 'shape'), '[1,2]', { mode: 0o600 });
    for (const key of ['cut', 'junk', 'shape']) {
      expect(await store.load(key)).toBeNull();
      expect(await store.apply(key, sets({ b: 1 }), expiry())).toBe(false);
    }
    expect((await store.load('whole'))?.data.get('a')).toBe('1');
  });
});

describe('FileStore encryption at rest', () => {
  let base: string;
  let dir: string;
  const stores: FileStore[] = [];
  const open = (encryptionKey?: Buffer | string | (Buffer | string)[]) => {
    const store = new FileStore({ dir, fsync: false, encryptionKey });
    stores.push(store);
    return store;
  };
  afterEach(() => {
    for (const store of stores.splice(0)) store.onApplicationShutdown();
    rmSync(base, { recursive: true, force: true });
  });
  const setUp = () => {
    base = mkdtempSync(join(tmpdir(), 'file-store-crypto-'));
    dir = join(base, 'sessions');
  };

  it('refuses a key that is not 32 bytes at construction', () => {
    setUp();
    expect(() => open(Buffer.alloc(16))).toThrow(/encryptionKey must be 32 bytes, got 16/);
    expect(() => open([key32(1), 'c2hvcnQ='])).toThrow(/encryptionKey\[1\] must be 32 bytes, got 5/);
    expect(() => open([])).toThrow(/at least one key/);
    expect(() => open('not base64 at all!')).toThrow(/Buffer or a base64 string/);
  });

  it('stores nothing readable in clear, and opens with any key of the ring; the first seals', async () => {
    setUp();
    const oldKey = key32(1);
    const newKey = key32(2);
    const before = open(oldKey);
    await before.apply('s', sets({ card: 'secret-4242' }), expiry(), meta({ userId: 'ada' }));
    await before.setCached('user:ada', '{"name":"Ada Lovelace"}', 60_000);
    for (const name of readdirSync(dir).filter((n) => !n.endsWith('.user'))) {
      const raw = readFileSync(join(dir, name), 'latin1');
      expect(raw).not.toMatch(/secret-4242|Ada Lovelace/);
    }
    // Rotation: the new key first, the old one still opens.
    const rotated = open([newKey.toString('base64'), oldKey]);
    expect((await rotated.load('s'))?.data.get('card')).toBe('"secret-4242"');
    expect(await rotated.getCached('user:ada')).toBe('{"name":"Ada Lovelace"}');
    await rotated.apply('s', sets({ seen: true }), expiry());
    // Re-sealed with the new key: the old key alone no longer opens it, the new one alone does.
    expect(await open(oldKey).load('s')).toBeNull();
    expect((await open(newKey).load('s'))?.data.get('seen')).toBe('true');
  });

  it('gives no session (never garbage) for a wrong key, a tampered file, a file renamed, or a plain file', async () => {
    setUp();
    const store = open(key32(3));
    await store.apply('a', sets({ v: 'a' }), expiry(), meta());
    await store.apply('b', sets({ v: 'b' }), expiry(), meta());
    expect(await open(key32(4)).load('a')).toBeNull();
    expect(await open().load('a')).toBeNull(); // no key: a sealed file is unreadable
    const sealed = readFileSync(join(dir, 'a'));
    sealed[sealed.length - 3] ^= 1;
    writeFileSync(join(dir, 'a'), sealed);
    expect(await store.load('a')).toBeNull();
    // A sealed file copied under another session's name does not open there.
    writeFileSync(join(dir, 'c'), readFileSync(join(dir, 'b')), { mode: 0o600 });
    expect(await store.load('c')).toBeNull();
    writeFileSync(join(dir, 'd'), encodeSessionText(meta(), new Map([['v', '"planted"']])), { mode: 0o600 });
    expect(await store.load('d')).toBeNull();
    expect((await store.load('b'))?.data.get('v')).toBe('"b"');
  });
});
