import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStore } from '../../lib';
import { encodeSessionText } from '../../lib/stores/file/file-session-codec';
import { changes } from '../../lib/testing';

/** Sessions swept; FILE_SWEEP_SESSIONS overrides it (`FILE_SWEEP_SESSIONS=100000 npx vitest run test/stores/file-store-sweep.spec.ts` runs the full 100,000 (about a minute: writing the files is most of it)). */
const SESSIONS = Number(process.env.FILE_SWEEP_SESSIONS ?? 20_000);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const MiB = 1024 * 1024;

describe('FileStore sweep', () => {
  const base = mkdtempSync(join(tmpdir(), 'file-store-sweep-'));
  const dir = join(base, 'sessions');
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it(`removes ${SESSIONS.toLocaleString('en')} expired sessions in batches, keeps live ones, with memory flat`, async () => {
    const store = new FileStore({ dir, fsync: false, sweepInterval: 3_600_000 });
    // Real session files, written directly (the store's own writes would make this setup minutes
    // long): an hour old, so expired, their mtime (the expiry) in the past.
    const past = (Date.now() - 3_600_000) / 1000;
    const text = encodeSessionText(
      {
        createdAt: Date.now() - 7_200_000,
        expiresAt: Date.now() - 3_600_000,
        lastSeenAt: Date.now() - 3_600_000,
      },
      new Map([['cart', '["apple","pear"]']]),
    );
    for (let i = 0; i < SESSIONS; i++) {
      const path = join(dir, `expired${i}`);
      writeFileSync(path, text, { mode: 0o600 });
      utimesSync(path, past, past);
    }
    const live = Date.now() + 600_000;
    for (let i = 0; i < 10; i++) {
      await store.apply(
        `live${i}`,
        changes(),
        { expiresAt: live, lastSeenAt: Date.now() },
        {
          createdAt: Date.now(),
          expiresAt: live,
          lastSeenAt: Date.now(),
        },
      );
    }
    let expired = 0;
    store.onExpired(() => expired++);

    const before = heapAfterGc();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 10);
    const started = Date.now();
    const removed = await store.sweep();
    const took = Date.now() - started;
    clearInterval(sampler);
    const after = heapAfterGc();
    console.log(
      `swept ${removed} files in ${took} ms; heap ${(before / MiB).toFixed(1)} -> ${(after / MiB).toFixed(1)} MiB ` +
        `(peak ${(peak / MiB).toFixed(1)} MiB, sampled)`,
    );

    expect(removed).toBe(SESSIONS);
    expect(expired).toBe(SESSIONS);
    expect(readdirSync(dir).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `live${i}`).sort());
    expect(await store.count()).toBe(10);
    // Nothing kept per swept session, and no listing of the directory held at once.
    expect(after - before).toBeLessThan(4 * MiB);
    expect(peak - before).toBeLessThan(48 * MiB);
    store.onApplicationShutdown();
  }, 120_000);
});
