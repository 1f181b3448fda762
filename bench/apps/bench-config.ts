/** Settings shared by every session setup, so they compare like for like. */
export const BENCH_SECRET = 'nest-sessions-bench-secret-0123456789abcdef';
/** Idle timeout (ms) of every session setup: nest-sessions' default, the cookie maxAge of the others. */
export const IDLE_TIMEOUT_MS = 30 * 60_000;

/** What the runner passes to an app process on its command line. */
export interface SetupContext {
  redisPort: number;
}
