export { RedisStore } from './redis.store';
export type { RedisConnection, RedisStoreConnectOptions, RedisStoreOptions } from './redis.store';
