// Generated from README.md line 1176 by test/readme/extract-snippets.mjs: edit the README.
// node:test (node --test)
import { after, describe, it } from 'node:test';
import { describeStoreConformance } from 'nest-sessions/testing';
import { MyStore } from './my-store';

describeStoreConformance('MyStore', async () => ({ store: new MyStore() }), { describe, it, after });
