import { describeCapabilities } from './capability-conformance';
import { describeRequiredMethods } from './core-conformance';
import { ConformanceFixture } from './conformance-fixture';
import { describeUnreadWrites } from './unread-write-conformance';
import type { ConformanceRunner, StoreUnderTest } from './conformance-runner';

/**
 * Registers the behaviour every `SessionStore` must have as a `describe` block of the runner
 * passed in (Vitest, Jest or node:test); assertions use `node:assert/strict`.
 *
 * The store is made by `createStore` on first use (no before-all hook needed) and shared by the
 * block's tests, which run in order; it is closed in `runner.after` when given, else by a last
 * test, `closes the store`. Tests of an optional capability (`CountingStore`, `UserIndexStore`,
 * `SharedCacheStore`, `UnreadWriteStore`) say so in their names and are skipped on a store without it: reported as
 * skipped by Vitest and node:test, passed without asserting by Jest.
 *
 * @example
 * import { describe, it } from 'vitest'; // or 'node:test', or Jest's globals
 * import { describeStoreConformance } from 'nest-sessions/testing';
 *
 * describeStoreConformance('MyStore', async () => ({ store: new MyStore() }), { describe, it });
 */
export function describeStoreConformance(
  name: string,
  createStore: () => Promise<StoreUnderTest>,
  runner: ConformanceRunner,
): void {
  runner.describe(`${name} conformance`, () => {
    const fx = new ConformanceFixture(createStore);
    if (runner.after) runner.after(() => fx.close());
    describeRequiredMethods(runner, fx);
    describeCapabilities(runner, fx);
    describeUnreadWrites(runner, fx);
    if (!runner.after) runner.it('closes the store', () => fx.close());
  });
}
