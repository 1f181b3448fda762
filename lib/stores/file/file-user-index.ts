import { createHash } from 'node:crypto';
import type { Logger } from '@nestjs/common';
import type { SessionMeta, StoredSessionEntry, UserBinding } from '../session-store';
import { readOptionalFile, removeFile, writeFileAtomic } from './atomic-file';
import type { FileLocks } from './file-lock';

/** Suffix of user index files: `u-<sha256(userId)>.user`. */
export const USER_SUFFIX = '.user';

/** One indexed session: [key, createdAt]. */
type Entry = [key: string, createdAt: number];

/** What the store gives the index: a look at its sessions, through their files. */
export interface IndexedSessions {
  /** Whether the session file exists and has not expired (one `lstat`: its mtime is its expiry). */
  isLive(key: string): Promise<boolean>;
  /** The session's metadata, or null when it is gone, expired or unreadable. */
  meta(key: string): Promise<SessionMeta | null>;
}

/**
 * Each user's sessions: a small JSON file per user, `[[key, createdAt], …]`, named by a hash of
 * the user id (so no id reaches a path), replaced atomically under the user's lock. The session
 * files stay the truth: an entry whose session is gone, expired or bound to someone else is never
 * listed, and is pruned whenever the user's index is written or listed.
 *
 * Locks are taken in one order only, a session's before its user's, so two processes never wait
 * for each other: creation holds the new session's lock and takes the user's; `destroyByUser`
 * takes the user's alone and destroys the sessions after releasing it.
 */
export class FileUserIndex {
  constructor(
    private readonly dir: string,
    private readonly locks: FileLocks,
    private readonly sessions: IndexedSessions,
    private readonly durable: boolean,
    private readonly logger: Logger,
  ) {}

  /**
   * Under the user's lock: checks `binding.replaces` is still indexed (else returns null and
   * nothing is written), runs `write` (the session file), files the new key in the old one's
   * place, and takes out the entries past `binding.limit`, oldest first. Returns the keys taken
   * out, for the caller to destroy. If the index cannot be written, the session file is removed
   * again (`undo`) and the error rethrown: a live user session is never missing from the index.
   */
  async add(
    userId: string,
    key: string,
    createdAt: number,
    binding: UserBinding,
    write: () => Promise<void>,
    undo: () => Promise<unknown>,
  ): Promise<string[] | null> {
    const name = userFile(userId);
    return this.locks.with(name, async () => {
      let entries = await this.read(name);
      if (binding.replaces !== undefined) {
        if (!entries.some(([k]) => k === binding.replaces)) return null;
        entries = entries.filter(([k]) => k !== binding.replaces);
      }
      const live = await Promise.all(entries.map(([k]) => this.sessions.isLive(k)));
      entries = entries.filter((_, i) => live[i]);
      await write();
      entries.push([key, createdAt]);
      let evicted: string[] = [];
      if (binding.limit !== undefined && entries.length > binding.limit) {
        // Newest first by createdAt, then key, as every store orders them.
        entries.sort(([ka, a], [kb, b]) => b - a || (kb < ka ? -1 : kb > ka ? 1 : 0));
        evicted = entries.slice(binding.limit).map(([k]) => k);
        entries = entries.slice(0, binding.limit);
      }
      try {
        await this.write(name, entries);
      } catch (err) {
        await undo().catch((undoErr: Error) =>
          this.logger.error(`Could not remove an unindexed session: ${undoErr.message}`),
        );
        throw err;
      }
      return evicted;
    });
  }

  /** Takes `key` out of the user's index (its session was destroyed). */
  async remove(userId: string, key: string): Promise<void> {
    const name = userFile(userId);
    await this.locks.with(name, async () => {
      const entries = await this.read(name);
      const kept = entries.filter(([k]) => k !== key);
      if (kept.length !== entries.length) await this.write(name, kept);
    });
  }

  /**
   * "Log out everywhere", step one: takes every key but `exceptKey` out of the index in one
   * write, so no regeneration of them can be filed afterwards. Returns the keys taken out.
   */
  async takeAll(userId: string, exceptKey?: string): Promise<string[]> {
    const name = userFile(userId);
    return this.locks.with(name, async () => {
      const entries = await this.read(name);
      const kept = entries.filter(([k]) => k === exceptKey);
      if (kept.length !== entries.length) await this.write(name, kept);
      return entries.filter(([k]) => k !== exceptKey).map(([k]) => k);
    });
  }

  /** The user's live sessions, oldest first; entries of sessions that are gone are pruned. */
  async list(userId: string): Promise<StoredSessionEntry[]> {
    const name = userFile(userId);
    const entries = await this.read(name);
    const metas = await Promise.all(entries.map(([k]) => this.sessions.meta(k)));
    const listed: StoredSessionEntry[] = [];
    const dead = new Set<string>();
    entries.forEach(([key], i) => {
      const meta = metas[i];
      if (meta && meta.userId === userId) listed.push({ key, meta });
      else dead.add(key);
    });
    if (dead.size > 0) {
      await this.locks.with(name, async () => {
        const current = await this.read(name);
        await this.write(
          name,
          current.filter(([k]) => !dead.has(k)),
        );
      });
    }
    return listed.sort((a, b) => a.meta.createdAt - b.meta.createdAt);
  }

  /**
   * Removes the index file `name` when none of its sessions lives any more (a sweep's cleanup of
   * users who never come back), checked again under the user's lock.
   */
  async removeIfDead(name: string): Promise<void> {
    const anyLive = async () => {
      const entries = await this.read(name);
      return (await Promise.all(entries.map(([k]) => this.sessions.isLive(k)))).some(Boolean);
    };
    if (await anyLive()) return;
    await this.locks.with(name, async () => {
      if (!(await anyLive())) await removeFile(this.dir, name, false);
    });
  }

  private async read(name: string): Promise<Entry[]> {
    const contents = await readOptionalFile(this.dir, name);
    if (contents === null) return [];
    try {
      const entries = JSON.parse(contents.toString('utf8')) as unknown;
      if (Array.isArray(entries) && entries.every(isEntry)) return entries;
    } catch {
      // reported below
    }
    this.logger.warn(`FileStore user index ${name} is unreadable; starting it afresh`);
    return [];
  }

  private async write(name: string, entries: Entry[]): Promise<void> {
    if (entries.length === 0) {
      await removeFile(this.dir, name, this.durable);
      return;
    }
    await writeFileAtomic(this.dir, name, Buffer.from(JSON.stringify(entries)), Date.now(), this.durable);
  }
}

/** The index file of a user: named by a hash, whatever the id holds (`../`, NUL, 4 KB). */
export function userFile(userId: string): string {
  return `u-${createHash('sha256').update(userId).digest('base64url')}${USER_SUFFIX}`;
}

function isEntry(value: unknown): value is Entry {
  return Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'number';
}
