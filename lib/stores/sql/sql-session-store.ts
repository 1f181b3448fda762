import type { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { PingableStore, StoredSession } from '../session-store';
import { SessionStore } from '../session-store';
import type { SessionRow } from './sql-session-row';
import { CorruptSessionRowError, rowSession } from './sql-session-row';
import { StartupCheck } from './sql-startup';
import { SqlSweeper } from './sql-sweeper';

/** What the SQL stores need of any pool here: a plain query (`SELECT 1`). */
interface Queryable {
  query(sql: string): Promise<unknown>;
}

/** A pool the store made itself (`connect()`), so it ends it. */
interface OwnedPool {
  end(): Promise<void>;
}

/** How often, and in batches of how many rows, expired rows are deleted. */
export interface SqlSweepSettings {
  sweepInterval: number;
  sweepBatch: number;
}

/**
 * What PostgresStore and MySqlStore share: their schema checked once before the first call
 * (`prepare`, through `startup`), expired rows deleted on a timer (`sweepBatchOnce`), a loaded
 * row read leniently, `ping`, and a shutdown that stops the sweep and ends a pool `connect()`
 * made (a pool passed in is left to its owner).
 */
export abstract class SqlSessionStore<Pool extends Queryable>
  extends SessionStore
  implements PingableStore, OnModuleInit, OnApplicationShutdown
{
  protected readonly startup: StartupCheck;
  protected readonly sweepBatch: number;
  /** Set by `connect()`: the store made the pool, so it ends it. */
  protected ownedPool?: OwnedPool;
  private readonly sweeper: SqlSweeper;

  protected constructor(
    protected readonly logger: Logger,
    protected readonly pool: Pool,
    { sweepInterval, sweepBatch }: SqlSweepSettings,
  ) {
    super();
    if (!(sweepInterval > 0)) throw new TypeError(`sweepInterval must be > 0 ms, got ${sweepInterval}`);
    if (!(Number.isInteger(sweepBatch) && sweepBatch > 0)) {
      throw new TypeError(`sweepBatch must be a positive integer, got ${sweepBatch}`);
    }
    this.sweepBatch = sweepBatch;
    this.startup = new StartupCheck(() => this.prepare(), logger);
    this.sweeper = new SqlSweeper(sweepInterval, sweepBatch, () => this.sweepBatchOnce(), logger);
  }

  /** Creates (with `createTable`) or checks the schema; a wrong one throws a SessionTableError. */
  protected abstract prepare(): Promise<void>;

  /** Deletes at most `sweepBatch` expired rows, reporting the sessions; resolves with how many went. */
  protected abstract sweepBatchOnce(): Promise<number>;

  /** The session a load found (`rows`: none or its one row); an unreadable row counts as absent. */
  protected sessionOf(key: string, rows: SessionRow[]): StoredSession | null {
    if (rows.length === 0) return null;
    try {
      return rowSession(rows[0]);
    } catch (err) {
      if (!(err instanceof CorruptSessionRowError)) throw err;
      this.logger.warn(`Session ${key.slice(0, 8)}… is unreadable and counts as absent: ${err.message}`);
      return null;
    }
  }

  /** Creates or checks the table at start-up: a wrong table fails the start, clearly. */
  onModuleInit(): Promise<void> {
    return this.startup.atStartup();
  }

  /** `SELECT 1`: whether the server answers. */
  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  /** Runs one sweep now (the timer runs them every `sweepInterval`); resolves with the rows deleted. */
  sweep(): Promise<number> {
    return this.sweeper.sweep();
  }

  /** Stops the sweep; ends the pool `connect()` made (a pool passed in is left to its owner). */
  async onApplicationShutdown(): Promise<void> {
    this.sweeper.stop();
    const pool = this.ownedPool;
    this.ownedPool = undefined;
    await pool?.end().catch((err: Error) => this.logger.warn(`Closing the pool failed: ${err.message}`));
  }
}
