import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Settings shared by every session setup, so they compare like for like. */
export const BENCH_SECRET = 'nest-sessions-bench-secret-0123456789abcdef';
/** Idle timeout (ms) of every session setup: nest-sessions' default, the cookie maxAge of the others. */
export const IDLE_TIMEOUT_MS = 30 * 60_000;

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
