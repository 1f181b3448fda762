import { Injectable, Module } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { Test } from '@nestjs/testing';
import {
  InvalidSessionOptionsError,
  MemoryStore,
  SessionManager,
  SessionModule,
  SessionModuleOptions,
  SessionStore,
} from '../../lib';
import { ADAPTERS, cookiePair, createSessionTestApp, sessionCookie } from '../support/session-test-app';

@Injectable()
class AppConfig {
  readonly sessionCookieName = 'config.sid';
  readonly idle = 5 * 60_000;
}

@Module({ providers: [AppConfig], exports: [AppConfig] })
class AppConfigModule {}

@Injectable()
class SessionOptionsFactory {
  constructor(private readonly config: AppConfig) {}
  createSessionOptions(): SessionModuleOptions {
    return { cookie: { name: this.config.sessionCookieName }, idleTimeout: this.config.idle };
  }
}

/** A store with a dependency of its own, for `store: { useClass }`. */
@Injectable()
class ConfiguredStore extends MemoryStore {
  constructor(readonly config: AppConfig) {
    super();
  }
}

describe.each(ADAPTERS)('registering the module (%s)', (adapter) => {
  it('forRootAsync with useFactory and an injected config provider', async () => {
    const app = await createSessionTestApp(
      adapter,
      SessionModule.forRootAsync({
        imports: [AppConfigModule],
        inject: [AppConfig],
        useFactory: (config: AppConfig) => ({
          cookie: { name: config.sessionCookieName },
          idleTimeout: config.idle,
        }),
      }),
    );
    try {
      const res = await request(app.getHttpServer()).post('/set/a').expect(201);
      const cookie = sessionCookie(res, 'config.sid');
      expect(cookie).toBeDefined();
      const read = await request(app.getHttpServer())
        .get('/read')
        .set('Cookie', cookiePair(cookie))
        .expect(200);
      expect(read.body.data).toEqual({ a: 'a' });
    } finally {
      await app.close();
    }
  });

  it('forRootAsync with useClass', async () => {
    const app = await createSessionTestApp(
      adapter,
      SessionModule.forRootAsync({ imports: [AppConfigModule], useClass: SessionOptionsFactory }),
    );
    try {
      const res = await request(app.getHttpServer()).post('/set/a').expect(201);
      expect(sessionCookie(res, 'config.sid')).toBeDefined();
    } finally {
      await app.close();
    }
  });
});

describe('store provider', () => {
  it('registers MemoryStore by default under the SessionStore token', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [SessionModule.forRoot({})] }).compile();
    expect(moduleRef.get(SessionStore)).toBeInstanceOf(MemoryStore);
    expect(moduleRef.get(SessionManager)).toBeInstanceOf(SessionManager);
    await moduleRef.close();
  });

  it('takes forRoot() with no options at all: every default, MemoryStore', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [SessionModule.forRoot()] }).compile();
    expect(moduleRef.get(SessionStore)).toBeInstanceOf(MemoryStore);
    await moduleRef.close();
  });

  it('builds a store from { useClass } with its dependencies injected', async () => {
    @Module({
      imports: [
        AppConfigModule,
        SessionModule.forRootAsync({
          imports: [AppConfigModule],
          useFactory: () => ({ store: { useClass: ConfiguredStore } }),
        }),
      ],
    })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const store = moduleRef.get(SessionStore);
    expect(store).toBeInstanceOf(ConfiguredStore);
    expect((store as ConfiguredStore).config).toBeInstanceOf(AppConfig);
    await moduleRef.close();
  });

  it.each([
    [{ idleTimeout: -5 }, 'idleTimeout must be > 0 ms, got -5'],
    [{ secret: '' }, 'secret[0] must be a non-empty string'],
    [{ secret: [] }, 'secret must not be an empty array'],
    [{ idFrom: ['body'] }, "idFrom holds 'body'"],
    [{ cookie: { name: 'bad name' } }, 'cookie.name must be a cookie token'],
    [{ idleTimeout: 10_000, absoluteTimeout: 5_000 }, 'absoluteTimeout (5000 ms) must be >= idleTimeout'],
    [{ store: {} }, 'store must be a SessionStore instance'],
    [{ cookie: { sameSite: 'none', secure: false } }, "cookie.sameSite 'none' requires"],
  ])('fails at start-up naming the bad option: %j', async (options, message) => {
    const start = Test.createTestingModule({
      imports: [SessionModule.forRoot(options as SessionModuleOptions)],
    }).compile();
    await expect(start).rejects.toThrow(InvalidSessionOptionsError);
    await expect(
      Test.createTestingModule({
        imports: [SessionModule.forRoot(options as SessionModuleOptions)],
      }).compile(),
    ).rejects.toThrow(message);
  });
});
