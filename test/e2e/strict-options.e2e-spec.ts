import type { DynamicModule } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { SessionModuleOptions } from '../../lib';
import { InvalidSessionOptionsError, MemoryStore, SessionModule } from '../../lib';
import { ADAPTERS, createSessionTestApp, sessionCookie } from '../support/session-test-app';

/** An express-session (connect) store: callbacks, not a SessionStore. */
class ConnectStyleStore {
  get(_sid: string, cb: (err: unknown, session?: unknown) => void): void {
    cb(null);
  }
  set(_sid: string, _session: unknown, cb: (err?: unknown) => void): void {
    cb();
  }
  destroy(_sid: string, cb: (err?: unknown) => void): void {
    cb();
  }
}

const asOptions = (value: object) => value as unknown as SessionModuleOptions;

describe.each(ADAPTERS)('strict options (%s)', (adapter) => {
  async function startupError(module: DynamicModule): Promise<Error> {
    const error = await createSessionTestApp(adapter, module).then(
      async (app) => {
        await app.close();
        return undefined;
      },
      (e: unknown) => e as Error,
    );
    if (!error) throw new Error('the app started');
    expect(error).toBeInstanceOf(InvalidSessionOptionsError);
    return error;
  }

  it.each([
    [{ rolling2: true }, "unknown option 'rolling2'"],
    [{ cookie: { nmae: 'x' } }, "unknown option 'cookie.nmae'"],
    [{ name: 'connect.sid' }, "unknown option 'name'; use cookie.name instead"],
    [{ resave: false }, "unknown option 'resave'; not needed: changes are saved as per-key deltas"],
    [{ unset: 'destroy' }, "unknown option 'unset'; not needed: call session.destroy()"],
    [{ proxy: true }, "unknown option 'proxy'; set the platform's trust proxy instead"],
    [{ cookie: { expires: new Date() } }, "unknown option 'cookie.expires'; use cookie.maxAge (ms) instead"],
    [
      { store: new ConnectStyleStore() },
      'express-session stores are not SessionStores: use MemoryStore/RedisStore or implement SessionStore',
    ],
  ])('forRoot(%j) fails at start-up', async (options, message) => {
    const error = await startupError(SessionModule.forRoot(asOptions(options)));
    expect(error.message).toContain(message);
  });

  it('fails at start-up for an unknown option returned by a forRootAsync factory', async () => {
    const error = await startupError(
      SessionModule.forRootAsync({
        useFactory: () => asOptions({ idleTimeout: 60_000, cookie: { maxAgee: 1 } }),
      }),
    );
    expect(error.message).toContain("unknown option 'cookie.maxAgee'");
  });

  it('accepts isGlobal, saveUninitialized and a SessionStore, through forRoot and forRootAsync', async () => {
    for (const module of [
      SessionModule.forRoot({ isGlobal: true, saveUninitialized: false, store: new MemoryStore() }),
      SessionModule.forRootAsync({ isGlobal: true, useFactory: () => ({ saveUninitialized: false }) }),
    ]) {
      const app = await createSessionTestApp(adapter, module);
      try {
        const res = await request(app.getHttpServer()).post('/set/a').expect(201);
        expect(sessionCookie(res)).toBeDefined();
      } finally {
        await app.close();
      }
    }
  });
});
