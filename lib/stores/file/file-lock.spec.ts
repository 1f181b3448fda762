import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLocks } from './file-lock';

describe('FileLocks', () => {
  let dir: string;
  const logger = new Logger('test');
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'file-lock-'));
    Logger.overrideLogger(false);
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']);
  });
  const locks = (timeout = 300, staleAfter = 5_000) => new FileLocks(dir, timeout, staleAfter, logger);
  const holdAs = (pid: number, at = Date.now(), host = hostname()) =>
    writeFileSync(join(dir, 'k.lock'), `${pid} ${host} ${at} x`);

  it('runs callers of one name one at a time, in order, and removes its lock file after', async () => {
    const order: string[] = [];
    const l = locks();
    await Promise.all(
      [1, 2, 3].map((i) =>
        l.with('k', async () => {
          order.push(`start ${i}`);
          await new Promise((r) => setTimeout(r, 5));
          order.push(`end ${i}`);
        }),
      ),
    );
    expect(order).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('breaks at once a lock whose process is dead', async () => {
    holdAs(2 ** 22 + 12_345); // above pid_max's usual range: no such process
    const started = Date.now();
    expect(await locks().with('k', async () => 'got it')).toBe('got it');
    expect(Date.now() - started).toBeLessThan(250);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('waits for a live holder, and fails after the timeout naming it', async () => {
    holdAs(process.ppid);
    await expect(locks(200).with('k', async () => 'never')).rejects.toThrow(
      new RegExp(`lock k held by process ${process.ppid} .* gave up after 200 ms \\(lockTimeout\\)`),
    );
    expect(existsSync(join(dir, 'k.lock'))).toBe(true);
  });

  it('breaks a lock older than staleAfter even if its process lives (or is on another host)', async () => {
    holdAs(process.ppid, Date.now() - 10_000);
    expect(await locks(200, 5_000).with('k', async () => 1)).toBe(1);
    holdAs(1, Date.now() - 10_000, 'another-host');
    expect(await locks(200, 5_000).with('k', async () => 2)).toBe(2);
  });

  it('breaks an empty lock file (a crash between create and write) once its mtime is old', async () => {
    writeFileSync(join(dir, 'k.lock'), '');
    await expect(locks(100).with('k', async () => 0)).rejects.toThrow(/held by another process/);
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(join(dir, 'k.lock'), old, old);
    expect(await locks(100).with('k', async () => 3)).toBe(3);
  });

  it('leaves a lock it no longer owns in place at release', async () => {
    await locks().with('k', async () => holdAs(process.ppid));
    expect(existsSync(join(dir, 'k.lock'))).toBe(true);
  });
});
