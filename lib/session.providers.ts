import type { Provider } from '@nestjs/common';
import { APP_INTERCEPTOR, ModuleRef } from '@nestjs/core';
import type { SessionModuleOptions } from './options/session-module-options.interface';
import { RequestSessions } from './http/request-sessions';
import { SESSION_SETTINGS } from './session.constants';
import { SessionInterceptor } from './http/session.interceptor';
import { SessionManager } from './manager/session.manager';
import { SESSION_MODULE_OPTIONS } from './session.module-definition';
import { SessionRuntime } from './session-runtime';
import { resolveSessionSettings } from './options/session-settings';
import { MemoryStore } from './stores/memory/memory.store';
import { SessionStore } from './stores/session-store';
import { InvalidSessionOptionsError } from './errors/invalid-session-options.error';

async function resolveStore(options: SessionModuleOptions, moduleRef: ModuleRef): Promise<SessionStore> {
  const { store } = options;
  if (store === undefined) return new MemoryStore();
  if (store instanceof SessionStore) return store;
  if (typeof store === 'object' && store !== null && typeof store.useClass === 'function') {
    return moduleRef.create(store.useClass);
  }
  throw new InvalidSessionOptionsError('store must be a SessionStore instance or { useClass: SessionStoreClass }');
}

/** Settings, store, runtime, manager and the global interceptor. */
export const sessionProviders: Provider[] = [
  {
    provide: SESSION_SETTINGS,
    useFactory: resolveSessionSettings,
    inject: [SESSION_MODULE_OPTIONS],
  },
  {
    provide: SessionStore,
    useFactory: resolveStore,
    inject: [SESSION_MODULE_OPTIONS, ModuleRef],
  },
  SessionRuntime,
  RequestSessions,
  SessionManager,
  { provide: APP_INTERCEPTOR, useClass: SessionInterceptor },
];
