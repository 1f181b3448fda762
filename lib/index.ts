import 'reflect-metadata';
import { Session as SessionDecorator } from './contexts/session.decorator';
import type { Session as SessionShape, SessionData } from './session/session.interface';

export { SessionModule } from './session.module';
export { SESSION_MODULE_OPTIONS } from './session.module-definition';

/** `@Session()` injects the request's session; `Session<T>` is its type (one name, as for Nest's own). */
export const Session = SessionDecorator;
export type Session<T extends object = SessionData> = SessionShape<T>;
export type { SessionData, NumericKeys, LoginOptions, SessionWriter } from './session/session.interface';
export type { SessionParameterOptions } from './contexts/session.decorator';
export type { SessionValue } from './session/session.interface';
export type { SessionInfo } from './users/session-info.interface';
export { SessionManager } from './manager/session.manager';
export type { CreateSessionOptions } from './manager/session.manager';
export { SessionInterceptor } from './http/session.interceptor';
export { SessionHealthIndicator } from './health/session-health.indicator';
export type { SessionModuleOptions, SessionIdSource } from './options/session-module-options.interface';
export type { SessionCookieOptions } from './cookie/cookie-attributes';
export type { SessionEvent, SessionEventType } from './session/session-event.interface';
export {
  SessionStore,
  isCountingStore,
  isPeekableStore,
  isFreshnessStore,
  isPingableStore,
  isSealingStore,
  isSharedCacheStore,
  isUnreadWriteStore,
  isUserIndexStore,
} from './stores/session-store';
export type {
  CountingStore,
  PeekableStore,
  FreshnessStore,
  PingableStore,
  SealedSession,
  SealingStore,
  SessionChanges,
  SessionExpiry,
  SessionMeta,
  SharedCacheStore,
  StoredSession,
  StoredSessionEntry,
  UnreadWriteResult,
  UnreadWriteRules,
  UnreadWriteStore,
  UserBinding,
  UserIndexStore,
} from './stores/session-store';
export { MemoryStore } from './stores/memory/memory.store';
export type { MemoryStoreOptions } from './stores/memory/memory.store';
export { CookieStore } from './stores/cookie';
export type { CookieStoreKey, CookieStoreOptions } from './stores/cookie';
export { RedisStore } from './stores/redis';
export type {
  NearCacheOptions,
  NearCacheStats,
  RedisConnection,
  RedisStoreConnectOptions,
  RedisStoreOptions,
} from './stores/redis';
export { FileStore } from './stores/file';
export type { FileStoreKey, FileStoreOptions } from './stores/file';
export { PostgresStore, POSTGRES_SESSION_TABLE_SQL, postgresSessionSql } from './stores/postgres';
export type {
  PostgresQueryable,
  PostgresSchemaNames,
  PostgresStoreConnectOptions,
  PostgresStoreOptions,
} from './stores/postgres';
export { MySqlStore, MYSQL_SESSION_TABLE_SQL, mysqlSessionStatements } from './stores/mysql';
export type { MySqlQueryable, MySqlStoreConnectOptions, MySqlStoreOptions } from './stores/mysql';
export { SessionStoreUnavailableError } from './errors/session-store-unavailable.error';
export { InvalidSessionOptionsError } from './errors/invalid-session-options.error';
export { SessionTooLargeError } from './errors/session-too-large.error';
export { SessionTableError } from './errors/session-table.error';
export { applySessionChanges } from './stores/apply-session-changes';
