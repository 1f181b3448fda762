import type { SessionStore } from '../stores/session-store';

/** How a store under test is made and, afterwards, disposed of. */
export interface StoreUnderTest {
  store: SessionStore;
  /** Called once after the suite (close a connection the factory opened). */
  close?: () => Promise<void>;
}

/**
 * A test body as the suite hands it to the runner. It declares no parameter, so Jest does not take
 * it for a `done`-callback test; it reads the runner's test context (Vitest, node:test), if any,
 * from `args[0]` to mark a test skipped.
 */
export type ConformanceTest = (...args: unknown[]) => Promise<void>;

/**
 * The test runner's own functions, passed in so the suite imports none: Vitest's, Jest's globals
 * or node:test's `describe` and `it` all fit.
 */
export interface ConformanceRunner {
  describe: (name: string, fn: () => void) => unknown;
  it: (name: string, fn: ConformanceTest) => unknown;
  /**
   * The runner's after-all hook (Vitest/Jest `afterAll`, node:test `after`). Given, the store is
   * closed there, even when a filter skips tests; omitted, a last test `closes the store` does it.
   */
  after?: (fn: () => Promise<void>) => unknown;
}

/**
 * Marks the running test skipped where the runner can: Vitest's and node:test's test contexts have
 * `skip(note)` (Vitest's throws to stop the test; the caller returns either way). Jest cannot skip
 * a running test, so there the test passes, its name saying which capability it needs.
 */
export function skipRunningTest(args: unknown[], note: string): void {
  const context = args[0];
  // Vitest's context is a function object, node:test's a class instance.
  if ((typeof context !== 'object' && typeof context !== 'function') || context === null) return;
  const { skip } = context as { skip?: unknown };
  if (typeof skip === 'function') (skip as (this: unknown, note: string) => void).call(context, note);
}
