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

/** What a memory run drives: a store seen through creating one session and counting live ones. */
export interface MeasuredStore {
  createOne(): Promise<void>;
  /** Live sessions; a store that drops expired sessions only when read will read them all here. */
  count(): Promise<number>;
  close?(): void;
}

/**
 * The whole run: create N sessions, let the clock pass their expiry, wait `idleWaitMs` without
 * any access (only a store's own timers may reclaim them), then count (a full read), reporting
 * memory after each step as one JSON line.
 */
export async function measureStore(store: MeasuredStore): Promise<void> {
  const { sessions, idleWaitMs } = args();
  const baseline = snapshot();
  const started = performance.now();
  for (let i = 0; i < sessions; i++) await store.createOne();
  const createMs = performance.now() - started;
  const created = snapshot();
  const liveAfterCreate = await store.count();

  advanceClock(SESSION_LIFETIME_MS + 60_000);
  await sleep(idleWaitMs);
  const expiredIdle = snapshot();
  const liveAfterExpiry = await store.count();
  const expiredScanned = snapshot();
  store.close?.();
  report({
    sessions,
    createMs,
    baseline,
    created,
    liveAfterCreate,
    expiredIdle,
    expiredScanned,
    liveAfterExpiry,
    idleWaitMs,
  });
}

export function runMain(main: () => Promise<void>): void {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
