import { createHash } from 'node:crypto';
import type { Logger } from '@nestjs/common';
import type { SessionMeta, StoredSessionEntry, UserBinding } from '../session-store';
import { readOptionalFile, removeFile, writeFileAtomic } from './atomic-file';
import type { FileLocks } from './file-lock';
import { WriteBatches } from './write-batches';

/** Suffix of user index files: `u-<sha256(userId)>.user`. */
export const USER_SUFFIX = '.user';
/** Index size at which the first prune is due; afterwards twice the live sessions, at least this. */
const PRUNE_AT = 32;
/** Session files checked at once. */
const CHECK_BATCH = 200;

/** One indexed session: [key, createdAt]. */
type Entry = [key: string, createdAt: number];
/** A user index file: its entries, and the size at which dead entries are next pruned. */
interface IndexFile {
  pruneAt: number;
  entries: Entry[];
}

/** What the store gives the index: a look at its sessions, through their files. */
export interface IndexedSessions {
  /** Whether the session file exists and has not expired (one `lstat`: its mtime is its expiry). */
  isLive(key: string): Promise<boolean>;
  /** The session's metadata, or null when it is gone, expired or unreadable. */
  meta(key: string): Promise<SessionMeta | null>;
}

/** A session being created for a user (its creator holds the session's lock). */
export interface UserAddition {
  key: string;
  createdAt: number;
  binding: UserBinding;
  /** Writes the session's file. */
  write(): Promise<void>;
  /** Removes it again, when the index cannot be written. */
  undo(): Promise<unknown>;
}

/**
 * Each user's sessions: a small JSON file per user, named by a hash of the user id (so no id
 * reaches a path), replaced atomically under the user's lock. The session files stay the truth:
 * an entry whose session is gone, expired or bound to someone else is never listed, and is pruned
 * when listed, and when the index reaches twice its live size of the last prune (so a user whose
 * sessions expire unread keeps a bounded index, and a sweep removes indexes with none live).
 *
 * Locks are taken in one order only, a session's before its user's, so two processes never wait
 * for each other: creation holds the new session's lock and takes the user's; `destroyByUser`
 * takes the user's alone, and the sessions are destroyed after it is released. Concurrent
 * creations for one user are handled in one turn of the lock (`WriteBatches`).
 */
export class FileUserIndex {
  private readonly additions: WriteBatches<UserAddition, string[] | null>;

  constructor(
    private readonly dir: string,
    private readonly locks: FileLocks,
    private readonly sessions: IndexedSessions,
    private readonly durable: boolean,
    private readonly logger: Logger,
  ) {
    this.additions = new WriteBatches(
      (name, body) => this.locks.with(name, body),
      (name, items) => this.addAll(name, items),
    );
  }

  /**
   * Files a new session in its user's index under `binding`'s rules: when `binding.replaces` is
   * no longer indexed, nothing is written and null returned; otherwise the session file is written
   * (`write`) and indexed in the old one's place, and the entries past `binding.limit`, oldest
   * first, taken out: their keys are returned for the caller to destroy. If the index cannot be
   * written the session file is removed again: a live user session is never missing from it.
   */
  add(userId: string, addition: UserAddition): Promise<string[] | null> {
    return this.additions.add(userFile(userId), addition);
  }

  private async addAll(
    name: string,
    items: UserAddition[],
  ): Promise<PromiseSettledResult<string[] | null>[]> {
    const index = await this.read(name);
    let entries = index.entries;
    const accepted = items.map(({ binding, key, createdAt }) => {
      if (binding.replaces !== undefined) {
        if (!entries.some(([k]) => k === binding.replaces)) return false;
        entries = entries.filter(([k]) => k !== binding.replaces);
      }
      entries.push([key, createdAt]);
      return true;
    });
    const written = await Promise.allSettled(
      items.map((item, i) => (accepted[i] ? item.write() : Promise.resolve())),
    );
    const failed = new Set(items.filter((_, i) => written[i].status === 'rejected').map((item) => item.key));
    entries = entries.filter(([k]) => !failed.has(k));

    const liveness = new Map<string, boolean>(items.map((item) => [item.key, true]));
    const evictions: string[][] = [];
    for (const [i, { binding }] of items.entries()) {
      evictions.push([]);
      if (!accepted[i] || failed.has(items[i].key) || binding.limit === undefined) continue;
      if (entries.length <= binding.limit) continue;
      const live = await this.liveEntries(entries, liveness);
      // Newest first by createdAt, then key, as every store orders them.
      live.sort(([ka, a], [kb, b]) => b - a || (kb < ka ? -1 : kb > ka ? 1 : 0));
      evictions[i] = live.slice(binding.limit).map(([k]) => k);
      entries = live.slice(0, binding.limit);
    }
    let pruneAt = index.pruneAt;
    if (entries.length >= pruneAt) {
      entries = await this.liveEntries(entries, liveness);
      pruneAt = Math.max(PRUNE_AT, 2 * entries.length);
    }
    try {
      await this.write(name, { pruneAt, entries });
    } catch (err) {
      await Promise.all(
        items.map((item, i) =>
          accepted[i] && !failed.has(item.key)
            ? item
                .undo()
                .catch((undoErr: Error) =>
                  this.logger.error(`Could not remove an unindexed session: ${undoErr.message}`),
                )
            : Promise.resolve(),
        ),
      );
      throw err;
    }
    return items.map((_, i): PromiseSettledResult<string[] | null> => {
      if (written[i].status === 'rejected') return written[i];
      return { status: 'fulfilled', value: accepted[i] ? evictions[i] : null };
    });
  }

  /** Takes `key` out of the user's index (its session was destroyed). */
  async remove(userId: string, key: string): Promise<void> {
    const name = userFile(userId);
    await this.locks.with(name, async () => {
      const index = await this.read(name);
      const entries = index.entries.filter(([k]) => k !== key);
      if (entries.length !== index.entries.length) await this.write(name, { ...index, entries });
    });
  }

  /**
   * "Log out everywhere", step one: takes every key but `exceptKey` out of the index in one
   * write, so no regeneration of them can be filed afterwards. Returns the keys taken out.
   */
  async takeAll(userId: string, exceptKey?: string): Promise<string[]> {
    const name = userFile(userId);
    return this.locks.with(name, async () => {
      const index = await this.read(name);
      const entries = index.entries.filter(([k]) => k === exceptKey);
      if (entries.length !== index.entries.length) await this.write(name, { ...index, entries });
      return index.entries.filter(([k]) => k !== exceptKey).map(([k]) => k);
    });
  }

  /** The user's live sessions, oldest first; entries of sessions that are gone are pruned. */
  async list(userId: string): Promise<StoredSessionEntry[]> {
    const name = userFile(userId);
    const { entries } = await this.read(name);
    const live = new Set((await this.liveEntries(entries, new Map())).map(([k]) => k));
    const listed: StoredSessionEntry[] = [];
    for (let i = 0; i < entries.length; i += CHECK_BATCH) {
      const keys = entries
        .slice(i, i + CHECK_BATCH)
        .map(([k]) => k)
        .filter((k) => live.has(k));
      const metas = await Promise.all(keys.map((k) => this.sessions.meta(k)));
      keys.forEach((key, j) => {
        const meta = metas[j];
        if (meta && meta.userId === userId) listed.push({ key, meta });
      });
    }
    if (listed.length < entries.length) {
      // Drops the entries found dead; any filed since this read stays.
      const checked = new Set(entries.map(([k]) => k));
      const kept = new Set(listed.map((e) => e.key));
      await this.locks.with(name, async () => {
        const current = (await this.read(name)).entries.filter(([k]) => !checked.has(k) || kept.has(k));
        await this.write(name, { pruneAt: Math.max(PRUNE_AT, 2 * current.length), entries: current });
      });
    }
    return listed.sort((a, b) => a.meta.createdAt - b.meta.createdAt);
  }

  /**
   * Removes the index file `name` when none of its sessions lives any more (a sweep's cleanup of
   * users who never come back), checked again under the user's lock.
   */
  async removeIfDead(name: string): Promise<void> {
    const anyLive = async () =>
      (await this.liveEntries((await this.read(name)).entries, new Map())).length > 0;
    if (await anyLive()) return;
    await this.locks.with(name, async () => {
      if (!(await anyLive())) await removeFile(this.dir, name, false);
    });
  }

  /** The entries whose session file lives, checked a batch at a time (results kept in `known`). */
  private async liveEntries(entries: Entry[], known: Map<string, boolean>): Promise<Entry[]> {
    const live: Entry[] = [];
    for (let i = 0; i < entries.length; i += CHECK_BATCH) {
      const batch = entries.slice(i, i + CHECK_BATCH);
      const alive = await Promise.all(
        batch.map(async ([k]) => known.get(k) ?? this.sessions.isLive(k).then((v) => (known.set(k, v), v))),
      );
      batch.forEach((entry, j) => alive[j] && live.push(entry));
    }
    return live;
  }

  private async read(name: string): Promise<IndexFile> {
    const contents = await readOptionalFile(this.dir, name);
    if (contents === null) return { pruneAt: PRUNE_AT, entries: [] };
    try {
      const index = JSON.parse(contents.toString('utf8')) as Partial<IndexFile>;
      if (typeof index.pruneAt === 'number' && Array.isArray(index.entries) && index.entries.every(isEntry))
        return index as IndexFile;
    } catch {
      // reported below
    }
    this.logger.warn(`FileStore user index ${name} is unreadable; starting it afresh`);
    return { pruneAt: PRUNE_AT, entries: [] };
  }

  private async write(name: string, index: IndexFile): Promise<void> {
    if (index.entries.length === 0) {
      await removeFile(this.dir, name, this.durable);
      return;
    }
    await writeFileAtomic(this.dir, name, Buffer.from(JSON.stringify(index)), Date.now(), this.durable);
  }
}

/** The index file of a user: named by a hash, whatever the id holds (`../`, NUL, 4 KB). */
export function userFile(userId: string): string {
  return `u-${createHash('sha256').update(userId).digest('base64url')}${USER_SUFFIX}`;
}

function isEntry(value: unknown): value is Entry {
  return Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'number';
}
