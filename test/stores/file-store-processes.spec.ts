import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileStore } from '../../lib';
import { decodeSessionText } from '../../lib/stores/file/file-session-codec';
import { changes } from '../../lib/testing';

const root = join(__dirname, '../..');
const expiry = () => ({ expiresAt: Date.now() + 600_000, lastSeenAt: Date.now() });

/** A worker process (test/support/file-store-worker.ts); `onLine` sees each line of its stdout. */
function worker(args: string[], onLine: (line: string) => void = () => undefined) {
  const child = spawn(
    process.execPath,
    ['-r', './test/support/swc-register.cjs', 'test/support/file-store-worker.ts', ...args],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let buffered = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    lines.forEach(onLine);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
    (resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, exited };
}

describe('FileStore across processes', () => {
  let base: string;
  afterEach(() => rmSync(base, { recursive: true, force: true }));
  const newDir = () => {
    base = mkdtempSync(join(tmpdir(), 'file-store-procs-'));
    return join(base, 'sessions');
  };

  it('adds up 100 concurrent increments from each of two processes: 200', async () => {
    const dir = newDir();
    const store = new FileStore({ dir });
    const meta = { createdAt: Date.now(), ...expiry() };
    expect(await store.apply('shared', changes(), expiry(), meta)).toBe(true);
    const runs = [worker(['increment', dir, 'shared', '100']), worker(['increment', dir, 'shared', '100'])];
    const results = await Promise.all(runs.map((r) => r.exited));
    for (const result of results) expect(result, result.stderr).toMatchObject({ code: 0 });
    const loaded = await store.load('shared');
    expect(loaded?.data.get('n')).toBe('200');
    // Every lock was released.
    expect(readdirSync(dir).filter((name) => name.endsWith('.lock'))).toEqual([]);
    store.onApplicationShutdown();
  }, 60_000);

  it('loses no acknowledged write and leaves no partial file when killed (SIGKILL) mid-run', async () => {
    const dir = newDir();
    const acked = new Map<string, number>();
    const killAt = 150 + Math.floor(Math.random() * 200);
    let acks = 0;
    const run = worker(['writes', dir, '1000'], (line) => {
      const [, key, i] = line.split(' ');
      acked.set(key, Number(i));
      if (++acks === killAt) run.child.kill('SIGKILL');
    });
    const result = await run.exited;
    expect(result.signal, result.stderr).toBe('SIGKILL');
    expect(acks).toBeGreaterThanOrEqual(killAt);
    expect(acks).toBeLessThan(1000);

    // Every session file is whole: it decodes, with its padding intact.
    const sessionFiles = readdirSync(dir).filter((name) => /^w\d$/.test(name));
    expect(sessionFiles.length).toBe(10);
    for (const name of sessionFiles) {
      const session = decodeSessionText(readFileSync(join(dir, name), 'utf8'));
      expect(JSON.parse(session.data.get('padding')!)).toHaveLength(64 * 1024);
    }
    // Each acknowledged write is there (the write in flight at the kill may be there too).
    const store = new FileStore({ dir, lockTimeout: 2_000 });
    for (const [key, i] of acked) {
      const stored = Number((await store.load(key))?.data.get('i'));
      expect(stored === i || stored === i + 10, `${key}: acknowledged ${i}, stored ${stored}`).toBe(true);
    }
    // The killed writer's lock, if it held one, is broken at once (its pid is dead) and writes go on.
    const started = Date.now();
    await Promise.all(
      [...acked.keys()].map((key) =>
        store.apply(key, changes({ increment: new Map([['writes', 1]]) }), expiry()),
      ),
    );
    // (A lock left looking alive would make these calls fail after lockTimeout, 2 s.)
    expect(Date.now() - started).toBeLessThan(5_000);
    store.onApplicationShutdown();
  }, 60_000);
});
