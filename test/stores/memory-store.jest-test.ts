// The conformance suite under Jest, with Jest's globals, run by jest-runner.spec.ts (not a Vitest
// spec): `node node_modules/jest/bin/jest.js --config test/support/jest.config.cjs`.
import { describeStoreConformance } from '../../lib/testing';
import { memoryStoreUnderTest, requiredMethodsStoreUnderTest } from '../support/required-methods-store';

declare const describe: (name: string, body: () => void) => void;
declare const it: (name: string, body: () => Promise<void> | void) => void;
declare const afterAll: (body: () => Promise<void> | void) => void;

describeStoreConformance('MemoryStore', memoryStoreUnderTest, { describe, it, after: afterAll });
describeStoreConformance('A store with the required methods only', requiredMethodsStoreUnderTest, {
  describe,
  it,
});
