// `nest-sessions/testing`: a separate entry, never imported by the main one (lib/index.ts).
export { describeStoreConformance } from './store-conformance';
export type { ConformanceRunner, ConformanceTest, StoreUnderTest } from './conformance-runner';
export { changes } from './session-changes';
