/** Helpers shared by the two memory runs (each runs in its own process with --expose-gc). */

export interface MemorySnapshot {
  rssMiB: number;
  heapUsedMiB: number;
}

/** Sessions live this long (ms): far longer than creating them takes, then the clock jumps past it. */
export const SESSION_LIFETIME_MS = 10 * 60_000;

const realNow = Date.now.bind(Date);
let clockOffset = 0;
Date.now = () => realNow() + clockOffset;

/** Moves this process's `Date.now()` forward, so every session created so far is expired. */
export function advanceClock(ms: number): void {
  clockOffset += ms;
}

const MiB = 1024 * 1024;

/** Memory after full garbage collections. */
export function snapshot(): MemorySnapshot {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rssMiB: rss / MiB, heapUsedMiB: heapUsed / MiB };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `[sessions, idleWaitMs]` from the command line. */
export function args(): { sessions: number; idleWaitMs: number } {
  const sessions = Number(process.argv[2] ?? 1_000_000);
  const idleWaitMs = Number(process.argv[3] ?? 11_000);
  return { sessions, idleWaitMs };
}

/** The one JSON line the runner reads. */
export function report(result: object): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
