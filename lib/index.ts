import 'reflect-metadata';

export { SessionModule } from './session.module';
export { SESSION_MODULE_OPTIONS } from './session.module-definition';
import { Session as SessionDecorator } from './decorators/session.decorator';
import type { Session as SessionShape, SessionData } from './session';

/** `@Session()` injects the request's session; `Session<T>` is its type (one name, as for Nest's own). */
export const Session = SessionDecorator;
export type Session<T extends object = SessionData> = SessionShape<T>;
export type { SessionData, NumericKeys, LoginOptions } from './session';
export type { SessionInfo } from './interfaces/session-info.interface';
export { SessionManager, CreateSessionOptions } from './session.manager';
export { SessionInterceptor } from './session.interceptor';
export type {
  SessionModuleOptions,
  SessionCookieOptions,
  SessionIdSource,
} from './interfaces/session-module-options.interface';
export type { SessionEvent, SessionEventType } from './interfaces/session-event.interface';
export {
  SessionStore,
  SessionMeta,
  StoredSession,
  SessionChanges,
  SessionExpiry,
  StoredSessionEntry,
} from './stores/session-store';
export { MemoryStore, MemoryStoreOptions } from './stores/memory/memory.store';
export { RedisStore } from './stores/redis';
export type { RedisConnection, RedisStoreConnectOptions, RedisStoreOptions } from './stores/redis';
export { SessionStoreUnavailableError } from './errors/session-store-unavailable.error';
export { InvalidSessionOptionsError } from './errors/invalid-session-options.error';
export { SessionTooLargeError } from './errors/session-too-large.error';
export { applySessionChanges } from './utils/apply-session-changes.util';
