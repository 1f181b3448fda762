import type { Logger } from '@nestjs/common';
import type { SessionMeta, StoredSessionEntry, UserBinding } from '../session-store';
import type { CommandRunner, SessionCommands } from './redis-connection';
import { isWrongType } from './redis-connection';
import { DestroyReply, IndexUserReply } from './redis-scripts';
import {
  CorruptSessionError,
  META_FIELD,
  META_FIELDS,
  parseMeta,
  sessionKey,
  userIndexKeys,
} from './redis-session-layout';

/** Index size at which the first prune is due; afterwards twice the live sessions, at least this. */
const PRUNE_AT = 32;
/** How long the prune size is remembered (it is a hint: without it, PRUNE_AT applies). */
const PRUNE_HINT_TTL = 86_400_000;
/** Sessions read concurrently when checking an index. */
const BATCH = 100;

/**
 * Each user's sessions: a sorted set of session keys scored by createdAt.
 *
 * The session hashes are the source of truth. On Cluster a user's index and their sessions sit in
 * different slots, so no script can update both atomically; instead:
 * - a session is written first and indexed second (if indexing fails the new session is
 *   destroyed again and the call fails), so a live user session is never missing from the index;
 * - an index entry whose session is gone, expired, unreadable or bound to someone else is never
 *   listed and is pruned when read;
 * - writes prune too, whenever the index reaches twice the live sessions found by the last prune
 *   (at least 32), so a user's index stays bounded however many of their sessions expire unread.
 * Index keys carry no TTL (a touched session may outlive any TTL given at indexing time), so the
 * residue for a user who never returns is bounded by that prune size.
 */
export class RedisUserIndex {
  private readonly pruning = new Map<string, Promise<void>>();

  constructor(
    private readonly runner: CommandRunner,
    private readonly prefix: string,
    private readonly logger: Logger,
    /** Told of every session hash this index destroys (the store's near-cache drops its copy). */
    private readonly forget: (key: string) => void = () => undefined,
    /** Told of every live session a user's limit destroyed (the store reports it to the module). */
    private readonly evicted: (key: string, userId: string) => void = () => undefined,
  ) {}

  /**
   * Files a session just created in its user's index under `binding`'s rules, in one script. On a
   * failure the creation is undone and the error rethrown; when the session it replaces is no
   * longer indexed (the user was logged out everywhere meanwhile), it is undone and false returned.
   * Sessions past the limit leave the index in the same step; their hashes are destroyed here.
   */
  async add(
    userId: string,
    key: string,
    createdAt: number,
    undo: () => Promise<unknown>,
    binding: UserBinding = {},
  ): Promise<boolean> {
    const [index, prune] = userIndexKeys(this.prefix, userId);
    if (binding.limit !== undefined) await this.dropDeadBeforeLimit(userId, index, binding.limit);
    let reply: Awaited<ReturnType<SessionCommands['nestSessionsIndexUser']>>;
    try {
      reply = await this.runner.run('apply (user index)', (c) =>
        c.nestSessionsIndexUser(
          index,
          prune,
          createdAt,
          key,
          PRUNE_AT,
          binding.replaces ?? '',
          binding.limit ?? '',
        ),
      );
    } catch (err) {
      await this.undo(undo, err);
      throw err;
    }
    if (reply[0] === IndexUserReply.Stale) {
      await this.undo(undo, new Error('the session it replaces was logged out'));
      return false;
    }
    const [, due = 0, ...evicted] = reply;
    const destroyed = await Promise.all(evicted.map((evictedKey) => this.destroyHash(evictedKey)));
    for (const [i, evictedKey] of evicted.entries()) if (destroyed[i]) this.evicted(evictedKey, userId);
    if (due > 0 && !this.pruning.has(userId)) {
      // One prune per user at a time; its failure leaves garbage for the next one, not an error.
      const run = this.list(userId)
        .then(() => undefined)
        .catch((err: Error) => this.logger.warn(`Pruning a user index failed: ${err.message}`))
        .finally(() => this.pruning.delete(userId));
      this.pruning.set(userId, run);
      await run;
    }
    return true;
  }

  /**
   * The limit counts index entries, and an entry outlives its session (only the hash has a TTL):
   * a newer session, abandoned and expired, would keep its place and cost an older live one its
   * own. So, when the index is at the limit, the entries of sessions that are gone leave it first
   * (a gone session never comes back: keys are not reused).
   * Best effort: a failure leaves them counted, as before.
   */
  private async dropDeadBeforeLimit(userId: string, index: string, limit: number): Promise<void> {
    try {
      const size = await this.runner.run('apply (user index)', (c) => c.zcard(index));
      if (size >= limit) await this.list(userId);
    } catch (err) {
      this.logger.warn(`Pruning a user index before its limit failed: ${(err as Error).message}`);
    }
  }

  /**
   * "Log out everywhere": takes the user's sessions but `exceptKey` out of the index in one step
   * (no regeneration of them can be filed afterwards), then destroys their hashes. Returns the
   * keys of the sessions that were still there.
   */
  async clear(userId: string, exceptKey?: string): Promise<string[]> {
    const [index] = userIndexKeys(this.prefix, userId);
    const removed = await this.runner.run('destroyByUser', (c) =>
      c.nestSessionsClearUser(index, exceptKey ?? ''),
    );
    const destroyed = await Promise.all(removed.map((key) => this.destroyHash(key)));
    return removed.filter((_, i) => destroyed[i]);
  }

  private async destroyHash(key: string): Promise<boolean> {
    const hash = sessionKey(this.prefix, key);
    this.forget(key);
    const [reply] = await this.runner.run('destroy', (c) => c.nestSessionsDestroy(hash));
    return reply === DestroyReply.Destroyed;
  }

  private async undo(undo: () => Promise<unknown>, cause: unknown): Promise<void> {
    await undo().catch((undoErr: Error) =>
      this.logger.error(`Could not undo an unindexed session after ${String(cause)}: ${undoErr.message}`),
    );
  }

  async remove(userId: string, key: string): Promise<void> {
    const [index] = userIndexKeys(this.prefix, userId);
    try {
      await this.runner.run('destroy (user index)', (c) => c.zrem(index, key));
    } catch (err) {
      // The session is gone already; its index entry is pruned on the next read.
      this.logger.warn(`${(err as Error).message}; the entry is pruned on the next read`);
    }
  }

  /** The user's live sessions, oldest first; prunes the entries of sessions that are gone. */
  async list(userId: string): Promise<StoredSessionEntry[]> {
    const [index, prune] = userIndexKeys(this.prefix, userId);
    const keys = await this.runner.run('listByUser', (c) => c.zrange(index, 0, -1));
    const live: StoredSessionEntry[] = [];
    const dead: string[] = [];
    const now = Date.now();
    for (let i = 0; i < keys.length; i += BATCH) {
      const batch = keys.slice(i, i + BATCH);
      const metas = await Promise.all(batch.map((key) => this.readMeta(key)));
      batch.forEach((key, j) => {
        const meta = metas[j];
        if (meta && meta.userId === userId && meta.expiresAt > now) live.push({ key, meta });
        else dead.push(key);
      });
    }
    for (let i = 0; i < dead.length; i += 500) {
      const chunk = dead.slice(i, i + 500);
      await this.runner.run('listByUser (prune)', (c) => c.zrem(index, ...chunk));
    }
    // Moves the next prune past twice the live sessions, so a user with many live sessions does
    // not have every new one trigger a full check.
    if (dead.length > 0 || keys.length >= PRUNE_AT) {
      const size = String(Math.max(PRUNE_AT, 2 * live.length));
      await this.runner.run('listByUser (prune)', (c) => c.set(prune, size, 'PX', PRUNE_HINT_TTL));
    }
    return live.sort((a, b) => a.meta.createdAt - b.meta.createdAt);
  }

  /** A session's metadata (one HMGET), or null when it is gone or unreadable. */
  private async readMeta(key: string): Promise<SessionMeta | null> {
    const hash = sessionKey(this.prefix, key);
    const fields = META_FIELDS.map((name) => META_FIELD + name);
    const values = await this.runner.run('listByUser', (c) =>
      c.hmget(hash, ...fields).catch((err: unknown) => (isWrongType(err) ? null : Promise.reject(err))),
    );
    if (!values || values.every((v) => v === null)) return null;
    try {
      return parseMeta(Object.fromEntries(META_FIELDS.map((name, i) => [name, values[i]])));
    } catch (err) {
      if (err instanceof CorruptSessionError) return null;
      throw err;
    }
  }
}
