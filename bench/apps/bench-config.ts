import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NearCacheStats, RedisStore } from '../../lib';

/** Settings shared by every session setup, so they compare like for like. */
export const BENCH_SECRET = 'nest-sessions-bench-secret-0123456789abcdef';
/** Idle timeout (ms) of every session setup: nest-sessions' default, the cookie maxAge of the others. */
export const IDLE_TIMEOUT_MS = 30 * 60_000;

/** What an app process reports when the runner asks (`{ ask: 'stats' }` over IPC). */
export interface AppStats {
  /** The RedisStore near-cache's counters, for a setup that has one. */
  near?: NearCacheStats;
}

let nearStatsOf: (() => NearCacheStats) | undefined;

/** A near-cache setup registers its store, so the runner can see hits, misses and invalidations. */
export function reportNearCacheOf(store: RedisStore): void {
  nearStatsOf = () => store.nearCacheStats;
}

export function appStats(): AppStats {
  return nearStatsOf ? { near: nearStatsOf() } : {};
}

/** What the runner passes to an app process on its command line. */
export interface SetupContext {
  redisPort: number;
}

/**
 * A fresh directory (0700) for a file store setup, removed when the app process exits. The
 * session files then live on the same disk as the OS temp directory.
 */
export function benchSessionDir(setup: string): string {
  const base = mkdtempSync(join(tmpdir(), `bench-${setup}-`));
  process.once('exit', () => rmSync(base, { recursive: true, force: true }));
  return join(base, 'sessions');
}
