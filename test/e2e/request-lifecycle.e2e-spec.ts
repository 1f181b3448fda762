import {
  CanActivate,
  Controller,
  ExecutionContext,
  ForbiddenException,
  Get,
  Injectable,
  MiddlewareConsumer,
  Module,
  NestMiddleware,
  NestModule,
  UseGuards,
  HttpCode,
  Header,
  Catch,
  ArgumentsHost,
  ExceptionFilter,
  HttpException,
  Req,
  NestInterceptor,
  CallHandler,
  UseInterceptors,
} from '@nestjs/common';
import { inspect } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryStore, Session, SessionInterceptor, SessionManager, SessionModule } from '../../lib';
import { RequestSessions } from '../../lib/http/request-sessions';
import { ADAPTERS, cookiePair, sessionCookie } from '../support/session-test-app';

/** Opens the session in a guard, counts visits in it, and lets the request through. */
@Injectable()
class CountingGuard implements CanActivate {
  constructor(private readonly sessions: SessionManager) {}
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const session = await this.sessions.forRequest<{ visits: number }>(context.switchToHttp().getRequest());
    session.increment('visits');
    return true;
  }
}

/** Opens the session in a guard, leaves a flash message, and refuses: the exception filter answers. */
@Injectable()
class RefusingGuard implements CanActivate {
  constructor(private readonly sessions: SessionManager) {}
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const session = await this.sessions.forRequest<{ flash: string }>(context.switchToHttp().getRequest());
    session.set('flash', 'refused');
    throw new ForbiddenException();
  }
}

/**
 * Replaces `req.headers` with a copy of its string keys, as a middleware normalizing headers may:
 * the symbol-keyed state a Node request keeps there does not come along.
 */
@Injectable()
class HeadersRebuildingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler) {
    const req = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>();
    req.headers = Object.fromEntries(Object.entries(req.headers));
    return next.handle();
  }
}

/** Opens the session and ends the response itself: no guard, interceptor or handler runs. */
@Injectable()
class AnsweringMiddleware implements NestMiddleware {
  constructor(private readonly sessions: SessionManager) {}
  async use(
    req: object,
    res: { statusCode: number; setHeader(n: string, v: string): void; end(b: string): void },
  ) {
    const session = await this.sessions.forRequest<{ answeredBy: string }>(req);
    session.set('answeredBy', 'middleware');
    res.statusCode = 200;
    res.setHeader('content-type', 'text/plain');
    res.end('answered by the middleware');
  }
}

@Controller()
class LifecycleController {
  constructor(private readonly sessions: SessionManager) {}

  @Get('untouched')
  untouched() {
    return { ok: true };
  }

  @Get('read')
  read(@Session() session: Session) {
    return session.all();
  }

  @Get('save-then-write')
  async saveThenWrite(@Session() session: Session) {
    session.set('a', 1);
    const saving = session.save();
    // Changes made while that save is in flight are saved too, at the end of the request.
    session.set('b', 2);
    session.increment('n', 3);
    await saving;
    return session.all();
  }

  @Get('meta')
  @HttpCode(202)
  @Header('x-kept', 'yes')
  meta(@Session() session: Session) {
    session.set('meta', true);
    return { ok: true };
  }

  @Get('guarded')
  @UseGuards(CountingGuard)
  guarded() {
    return { ok: true };
  }

  @Get('refused')
  @UseGuards(RefusingGuard)
  refused() {
    return { ok: true };
  }

  /** The guard's session and the handler's are one; the request's headers show nothing of it. */
  @Get('guarded-headers')
  @UseGuards(CountingGuard)
  guardedHeaders(@Session() session: Session<{ visits: number }>, @Req() req: { headers: object }) {
    session.set('secret' as 'visits', 4242);
    return {
      visits: session.get('visits'),
      keys: Object.keys(req.headers),
      json: JSON.stringify(req.headers),
      inspected: inspect(req.headers, { depth: 5 }),
      spread: Object.keys({ ...req.headers }),
    };
  }

  /** The guard's session reaches the handler although `req.headers` was replaced in between. */
  @Get('headers-rebuilt')
  @UseGuards(CountingGuard)
  @UseInterceptors(HeadersRebuildingInterceptor)
  headersRebuilt(@Session() session: Session<{ visits: number }>) {
    return { visits: session.get('visits') };
  }

  /** The request's own keys before and after a session is opened on it. */
  @Get('request-keys')
  async requestKeys(@Req() req: object) {
    const before = Reflect.ownKeys(req).map(String);
    await this.sessions.forRequest(req);
    return { before, after: Reflect.ownKeys(req).map(String) };
  }

  @Get('middleware')
  neverReached() {
    return { reached: true };
  }
}

@Module({
  imports: [SessionModule.forRoot({})],
  controllers: [LifecycleController],
  providers: [CountingGuard, RefusingGuard],
})
class LifecycleModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(AnsweringMiddleware).forRoutes('middleware');
  }
}

describe.each(ADAPTERS)('one lifecycle for a request session, whoever opens it (%s)', (adapter) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await NestFactory.create(
      LifecycleModule,
      adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
      {
        logger: false,
      },
    );
    await app.init();
    if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());
  afterEach(() => vi.restoreAllMocks());

  const readWith = async (cookie: string) =>
    (await request(app.getHttpServer()).get('/read').set('Cookie', cookie).expect(200)).body;

  it('runs none of its code on a route without @Session(): no interceptor, no request state', async () => {
    const intercept = vi.spyOn(SessionInterceptor.prototype, 'intercept');
    const forHandler = vi.spyOn(RequestSessions.prototype, 'forHandler');
    const forRequest = vi.spyOn(RequestSessions.prototype, 'forRequest');
    const calls = () => [intercept, forHandler, forRequest].map((spy) => spy.mock.calls.length);
    const res = await request(app.getHttpServer()).get('/untouched').expect(200);
    expect(res.body).toEqual({ ok: true });
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(calls()).toEqual([0, 0, 0]);
    // the route that takes @Session() goes through it, without Nest's interceptor pipeline
    await request(app.getHttpServer()).get('/read').expect(200);
    expect(calls()).toEqual([0, 1, 0]);
  });

  it.runIf(adapter === 'fastify')(
    'builds every Fastify request with the slot of its session state: opening one adds no property',
    async () => {
      const res = await request(app.getHttpServer()).get('/request-keys').expect(200);
      expect(res.body.before).toContain('Symbol(nest-sessions:request-state)');
      expect(res.body.after).toEqual(res.body.before);
    },
  );

  it('hands @Session() a session the MemoryStore holds at once, with no promise to wait for', async () => {
    const res = await request(app.getHttpServer()).get('/meta').expect(202);
    const forHandler = vi.spyOn(RequestSessions.prototype, 'forHandler');
    expect(await readWith(cookiePair(sessionCookie(res)))).toEqual({ meta: true });
    const given: unknown = forHandler.mock.results[0]?.value;
    expect(given).toBeDefined();
    expect(typeof (given as { then?: unknown }).then).toBe('undefined');
  });

  it('saves what a handler changes while its own save() is in flight', async () => {
    const res = await request(app.getHttpServer()).get('/save-then-write').expect(200);
    expect(res.body).toEqual({ a: 1, b: 2, n: 3 });
    expect(await readWith(cookiePair(sessionCookie(res)))).toEqual({ a: 1, b: 2, n: 3 });
  });

  it("keeps the handler's own metadata (status code, headers) on a @Session() route", async () => {
    const res = await request(app.getHttpServer()).get('/meta').expect(202);
    expect(res.headers['x-kept']).toBe('yes');
    expect(await readWith(cookiePair(sessionCookie(res)))).toEqual({ meta: true });
  });

  it('saves a session a guard opened on a route without @Session(), and sends its cookie', async () => {
    const first = await request(app.getHttpServer()).get('/guarded').expect(200);
    const cookie = cookiePair(sessionCookie(first));
    await request(app.getHttpServer()).get('/guarded').set('Cookie', cookie).expect(200);
    expect(await readWith(cookie)).toEqual({ visits: 2 });
  });

  it('shares one session between a guard and @Session(), and leaves no session data in what req.headers shows', async () => {
    const first = await request(app.getHttpServer()).get('/guarded-headers').set('X-Probe', 'p').expect(200);
    expect(first.body.visits).toBe(1);
    const cookie = cookiePair(sessionCookie(first));
    const second = await request(app.getHttpServer())
      .get('/guarded-headers')
      .set('Cookie', cookie)
      .expect(200);
    expect(second.body.visits).toBe(2);
    for (const res of [first, second]) {
      expect(res.body.keys.every((k: string) => /^[a-z0-9-]+$/.test(k))).toBe(true);
      expect(res.body.spread).toEqual(res.body.keys);
      expect(res.body.json).not.toContain('4242');
      expect(res.body.inspected).not.toContain('4242');
      expect(res.body.inspected).not.toContain('visits');
    }
  });

  it('keeps one session for the request when req.headers is replaced after a guard opened it', async () => {
    const first = await request(app.getHttpServer()).get('/headers-rebuilt').expect(200);
    expect(first.body.visits).toBe(1);
    const cookies = ([] as string[]).concat(first.headers['set-cookie'] ?? []);
    expect(cookies.filter((c) => c.startsWith('sid='))).toHaveLength(1);
    const second = await request(app.getHttpServer())
      .get('/headers-rebuilt')
      .set('Cookie', cookiePair(sessionCookie(first)))
      .expect(200);
    expect(second.body.visits).toBe(2);
  });

  it('saves a session a guard opened when the exception filter answers instead of a handler', async () => {
    const res = await request(app.getHttpServer()).get('/refused').expect(403);
    expect(res.body.statusCode).toBe(403);
    expect(await readWith(cookiePair(sessionCookie(res)))).toEqual({ flash: 'refused' });
  });

  it('saves a session a middleware opened when it ends the response itself', async () => {
    const res = await request(app.getHttpServer()).get('/middleware').expect(200);
    expect(res.text).toBe('answered by the middleware');
    expect(await readWith(cookiePair(sessionCookie(res)))).toEqual({ answeredBy: 'middleware' });
  });
});

/** A store whose writes fail: a handler's save fails after the handler succeeded. */
class UnwritableStore extends MemoryStore {
  override apply(): Promise<boolean> {
    return Promise.reject(new Error('disk full at /var/secret'));
  }
}

/** The app's own error format: a failed session save must reach it like any error. */
@Catch(HttpException)
class AppErrorFilter implements ExceptionFilter {
  catch(error: HttpException, host: ArgumentsHost) {
    const http = host.switchToHttp();
    const status = error.getStatus();
    const body = { appError: true, status };
    const res = http.getResponse<{
      status?: (n: number) => { json?: (b: unknown) => void; send?: (b: unknown) => void };
      code?: (n: number) => { send: (b: unknown) => void };
    }>();
    if (typeof res.code === 'function') res.code(status).send(body);
    else res.status!(status).json!(body);
  }
}

@Module({
  imports: [SessionModule.forRoot({ store: new UnwritableStore() })],
  controllers: [LifecycleController],
  providers: [CountingGuard, RefusingGuard, { provide: APP_FILTER, useClass: AppErrorFilter }],
})
class UnwritableModule {}

describe.each(ADAPTERS)('a save that fails after the handler (%s)', (adapter) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await NestFactory.create(
      UnwritableModule,
      adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
      {
        logger: false,
      },
    );
    await app.init();
    if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  it("answers 503 through the app's exception filter, with nothing internal", async () => {
    const res = await request(app.getHttpServer()).get('/meta');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ appError: true, status: 503 });
    expect(res.text).not.toContain('secret');
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});
