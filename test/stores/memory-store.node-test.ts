// The conformance suite under node:test, run by node-test-runner.spec.ts (not a Vitest spec):
// `node --require ./test/support/swc-register.cjs --test test/stores/memory-store.node-test.ts`.
import { after, describe, it } from 'node:test';
import { describeStoreConformance } from '../../lib/testing';
import { memoryStoreUnderTest, requiredMethodsStoreUnderTest } from '../support/required-methods-store';

describeStoreConformance('MemoryStore', memoryStoreUnderTest, { describe, it, after });
describeStoreConformance('A store with the required methods only', requiredMethodsStoreUnderTest, {
  describe,
  it,
});
