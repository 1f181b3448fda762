// Generated from README.md line 1158 by test/readme/extract-snippets.mjs: edit the README.
// Vitest
import { afterAll, describe, it } from 'vitest';
import { describeStoreConformance } from 'nest-sessions/testing';
import { MyStore } from './my-store';

describeStoreConformance('MyStore', async () => ({ store: new MyStore() }), { describe, it, after: afterAll });
