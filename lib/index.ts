import 'reflect-metadata';
import { Session as SessionDecorator } from './contexts/session.decorator';
import type { Session as SessionShape, SessionData } from './session/session.interface';

export { SessionModule } from './session.module';
export { SESSION_MODULE_OPTIONS } from './session.module-definition';

/** `@Session()` injects the request's session; `Session<T>` is its type (one name, as for Nest's own). */
export const Session = SessionDecorator;
export type Session<T extends object = SessionData> = SessionShape<T>;
export type { SessionData, NumericKeys, LoginOptions } from './session/session.interface';
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
  isPingableStore,
  isSharedCacheStore,
  isUserIndexStore,
} from './stores/session-store';
export type {
  CountingStore,
  PeekableStore,
  PingableStore,
  SessionChanges,
  SessionExpiry,
  SessionMeta,
  SharedCacheStore,
  StoredSession,
  StoredSessionEntry,
  UserBinding,
  UserIndexStore,
} from './stores/session-store';
export { MemoryStore } from './stores/memory/memory.store';
export type { MemoryStoreOptions } from './stores/memory/memory.store';
export { RedisStore } from './stores/redis';
export type { RedisConnection, RedisStoreConnectOptions, RedisStoreOptions } from './stores/redis';
export { FileStore } from './stores/file';
export type { FileStoreKey, FileStoreOptions } from './stores/file';
export { SessionStoreUnavailableError } from './errors/session-store-unavailable.error';
export { InvalidSessionOptionsError } from './errors/invalid-session-options.error';
export { SessionTooLargeError } from './errors/session-too-large.error';
export { applySessionChanges } from './stores/apply-session-changes';
