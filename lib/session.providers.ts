import type { Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { SocketSessions } from './contexts/websocket/socket-sessions';
import { InvalidSessionOptionsError } from './errors/invalid-session-options.error';
import { SessionHealthIndicator } from './health/session-health.indicator';
import { PlatformInstaller } from './http/request-session/platform.installer';
import { RequestSessions } from './http/request-sessions';
import { SessionInterceptor } from './http/session.interceptor';
import { SessionManager } from './manager/session.manager';
import type { SessionModuleOptions } from './options/session-module-options.interface';
import type { SessionSettings } from './options/session-settings';
import { SESSION_SETTINGS, resolveSessionSettings } from './options/session-settings';
import { assertStoreOption } from './options/unknown-options';
import { SessionEvents } from './session/session-events';
import { SealedSessions } from './session/sealed-sessions';
import { SessionFactory } from './session/session-factory';
import { SessionRepository } from './session/session-repository';
import { SessionUsers } from './session/session-users';
import { SESSION_MODULE_OPTIONS } from './session.module-definition';
import { GuardedSessionStore } from './stores/guarded-session-store';
import { MemoryStore } from './stores/memory/memory.store';
import { SessionStore } from './stores/session-store';
import { UserProfiles } from './users/user-profiles';
import { UserSessions } from './users/user-sessions';

async function resolveStore(options: SessionModuleOptions, moduleRef: ModuleRef): Promise<SessionStore> {
  const { store } = options;
  if (store === undefined) return new MemoryStore();
  if (store instanceof SessionStore) return store;
  if (typeof store === 'object' && store !== null && typeof store.useClass === 'function') {
    return moduleRef.create(store.useClass);
  }
  assertStoreOption(store); // throws, saying what is wrong with it
  throw new InvalidSessionOptionsError(
    'store must be a SessionStore instance or { useClass: SessionStoreClass }',
  );
}

/**
 * Settings, the store (as given and guarded), sessions, users, the request lifecycle, the manager
 * and the health indicator (which loads @nestjs/terminus only when it checks).
 */
export const sessionProviders: Provider[] = [
  { provide: SESSION_SETTINGS, useFactory: resolveSessionSettings, inject: [SESSION_MODULE_OPTIONS] },
  { provide: SessionStore, useFactory: resolveStore, inject: [SESSION_MODULE_OPTIONS, ModuleRef] },
  {
    provide: GuardedSessionStore,
    useFactory: (store: SessionStore, settings: SessionSettings) =>
      new GuardedSessionStore(store, settings.storeTimeout),
    inject: [SessionStore, SESSION_SETTINGS],
  },
  SessionEvents,
  SessionRepository,
  UserProfiles,
  UserSessions,
  { provide: SessionUsers, useExisting: UserSessions },
  SessionFactory,
  SealedSessions,
  RequestSessions,
  SessionInterceptor,
  SessionManager,
  PlatformInstaller,
  SocketSessions,
  SessionHealthIndicator,
];

/** What modules that use sessions need: `@Session()` attaches the interceptor, which needs these. */
export const sessionExports = [
  SessionManager,
  SessionStore,
  SESSION_SETTINGS,
  RequestSessions,
  SessionInterceptor,
  SessionHealthIndicator,
];
