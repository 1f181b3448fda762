import { afterAll, describe, it } from 'vitest';
import { describeStoreConformance } from '../../lib/testing';
import { memoryStoreUnderTest, requiredMethodsStoreUnderTest } from '../support/required-methods-store';

// Closed by Vitest's afterAll.
describeStoreConformance('MemoryStore', memoryStoreUnderTest, { describe, it, after: afterAll });

// Capability tests are skipped here; the store is closed by the suite's last test.
describeStoreConformance('A store with the required methods only', requiredMethodsStoreUnderTest, {
  describe,
  it,
});
