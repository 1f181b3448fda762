export { RedisStore } from './redis.store';
export type { RedisConnection, RedisStoreConnectOptions, RedisStoreOptions } from './redis.store';
export type { NearCacheOptions, NearCacheStats } from './near-cache';
