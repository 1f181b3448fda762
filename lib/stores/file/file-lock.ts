import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@nestjs/common';
import { isCode, TEMP_SUFFIX } from './atomic-file';
import { fsCall, uniqueSuffix, writeAll } from './fs-calls';

/** Suffix of lock files; a broken stale lock is renamed to `<lock>.<random>.stale` first. */
export const LOCK_SUFFIX = '.lock';
export const STALE_SUFFIX = '.stale';

const HOST = hostname();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface LockOwner {
  pid: number;
  host: string;
  /** Epoch ms the lock was taken. */
  at: number;
}

/**
 * Per-name mutual exclusion that holds across processes sharing a directory (several workers,
 * `node:cluster`), in two tiers:
 * - in this process, a promise queue per name, so callers wait their turn without polling and
 *   only the head of the queue competes for the file;
 * - across processes, a lock file `<name>.lock` created with O_EXCL (`open(…, 'wx')`), which the
 *   kernel creates for exactly one of the racers, holding `pid host time nonce`. The others poll
 *   it (1 ms, doubling to 16 ms, with jitter) until it is gone or `timeout` has passed.
 *
 * O_EXCL files rather than `flock`: Node has no `flock`, and a lock file works on every local
 * file system and says who holds it. A holder that died leaves its file behind, so a lock is
 * stale, and broken, when its process is gone (same host, `kill(pid, 0)` fails) or it is older
 * than `staleAfter` (another host, a reused pid, an empty file from a crash between create and
 * write). Breaking renames the file to a unique name first and checks it is still the stale one
 * seen, so of several processes breaking one stale lock only one succeeds, and a fresh lock
 * taken meanwhile is put back.
 */
export class FileLocks {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly dir: string,
    private readonly timeout: number,
    private readonly staleAfter: number,
    private readonly logger: Logger,
  ) {}

  /** Runs `body` holding the lock `name` (a safe file name), in this process and across processes. */
  async with<T>(name: string, body: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(name);
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const tail = previous ? previous.then(() => mine) : mine;
    this.queues.set(name, tail);
    try {
      if (previous) await previous;
      const token = await this.acquire(name);
      try {
        return await body();
      } finally {
        await this.release(name, token);
      }
    } finally {
      done();
      if (this.queues.get(name) === tail) this.queues.delete(name);
    }
  }

  /** Removes the lock file `name` if it is stale (a sweep's cleanup of crashed holders). */
  async removeIfStale(lockFile: string): Promise<void> {
    const path = join(this.dir, lockFile);
    const seen = await fsCall.readText(path).catch(() => null);
    if (seen !== null && (await this.isStale(path, seen))) await this.breakStale(path, seen);
  }

  private async acquire(name: string): Promise<string> {
    const path = join(this.dir, name + LOCK_SUFFIX);
    const token = `${process.pid} ${HOST} ${Date.now()} ${uniqueSuffix()}`;
    // The lock is born whole: its owner is written to a temporary file first, then linked in place
    // (link fails when the lock exists), so a crash never leaves a lock that names no owner.
    const temp = `${path}.${uniqueSuffix()}${TEMP_SUFFIX}`;
    const fd = await fsCall.open(temp, 'wx', 0o600);
    try {
      try {
        await writeAll(fd, Buffer.from(token));
      } finally {
        await fsCall.close(fd).catch(() => undefined);
      }
      return await this.linkInPlace(name, path, temp, token);
    } finally {
      // Also after a failed write (a full disk): nothing of it stays behind.
      await fsCall.unlink(temp).catch(() => undefined);
    }
  }

  private async linkInPlace(name: string, path: string, temp: string, token: string): Promise<string> {
    const deadline = Date.now() + this.timeout;
    for (let attempt = 0; ; attempt++) {
      try {
        await fsCall.link(temp, path);
        return token;
      } catch (err) {
        if (!isCode(err, 'EEXIST')) throw err;
      }
      const seen = await fsCall.readText(path).catch((err: unknown) => {
        if (isCode(err, 'ENOENT')) return null; // released meanwhile: try again at once
        throw err;
      });
      if (seen === null) continue;
      if (await this.isStale(path, seen)) {
        await this.breakStale(path, seen);
        continue;
      }
      if (Date.now() >= deadline) {
        const owner = parseOwner(seen);
        const by = owner
          ? `process ${owner.pid} on ${owner.host} for ${Date.now() - owner.at} ms`
          : 'another process';
        throw new Error(
          `FileStore lock ${name} held by ${by}; gave up after ${this.timeout} ms (lockTimeout)`,
        );
      }
      const wait = Math.min(16, 2 ** Math.min(attempt, 4));
      await sleep(Math.min(wait / 2 + Math.random() * wait, Math.max(1, deadline - Date.now())));
    }
  }

  private async release(name: string, token: string): Promise<void> {
    const path = join(this.dir, name + LOCK_SUFFIX);
    // Only our own lock is removed: one held past staleAfter may have been broken and retaken.
    const current = await fsCall.readText(path).catch(() => null);
    if (current !== token) {
      this.logger.warn(`FileStore lock ${name} was broken while held (held longer than lockStaleAfter?)`);
      return;
    }
    await fsCall.unlink(path).catch(() => undefined);
  }

  private async isStale(path: string, seen: string): Promise<boolean> {
    const owner = parseOwner(seen);
    let at = owner?.at;
    if (at === undefined) {
      // A crash between creating the file and writing it: only its age tells.
      const stats = await fsCall.stat(path).catch(() => null);
      if (!stats) return false;
      at = stats.mtimeMs;
    }
    if (Date.now() - at > this.staleAfter) return true;
    return owner !== undefined && owner.host === HOST && !processAlive(owner.pid);
  }

  private async breakStale(path: string, seen: string): Promise<void> {
    const aside = `${path}.${uniqueSuffix()}${STALE_SUFFIX}`;
    try {
      await fsCall.rename(path, aside);
    } catch (err) {
      if (isCode(err, 'ENOENT')) return; // someone else broke or released it
      throw err;
    }
    const taken = await fsCall.readText(aside).catch(() => null);
    if (taken === seen) {
      const owner = parseOwner(seen);
      this.logger.warn(
        `FileStore broke a stale lock ${path} of ${owner ? `process ${owner.pid}` : 'a crashed process'}`,
      );
    } else {
      // Between our read and our rename the stale lock was broken and retaken by another
      // process: give it back (link fails if yet another lock exists; that holder then wins).
      await fsCall
        .link(aside, path)
        .catch(() => this.logger.error(`FileStore could not restore a lock taken while breaking ${path}`));
    }
    await fsCall.unlink(aside).catch(() => undefined);
  }
}

function parseOwner(text: string): LockOwner | undefined {
  const [pid, host, at] = text.split(' ');
  const owner = { pid: Number(pid), host, at: Number(at) };
  return Number.isInteger(owner.pid) && owner.pid > 0 && Number.isFinite(owner.at) && host
    ? owner
    : undefined;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return isCode(err, 'EPERM'); // it exists, owned by another user
  }
}
