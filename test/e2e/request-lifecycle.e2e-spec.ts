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
} from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Session, SessionInterceptor, SessionManager, SessionModule } from '../../lib';
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
  @Get('untouched')
  untouched() {
    return { ok: true };
  }

  @Get('read')
  read(@Session() session: Session) {
    return session.all();
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
    const load = vi.spyOn(RequestSessions.prototype, 'load');
    const forRequest = vi.spyOn(RequestSessions.prototype, 'forRequest');
    const res = await request(app.getHttpServer()).get('/untouched').expect(200);
    expect(res.body).toEqual({ ok: true });
    expect(res.headers['set-cookie']).toBeUndefined();
    expect([intercept.mock.calls.length, load.mock.calls.length, forRequest.mock.calls.length]).toEqual([
      0, 0, 0,
    ]);
    // and the route that takes @Session() does go through it
    await request(app.getHttpServer()).get('/read').expect(200);
    expect(intercept).toHaveBeenCalledTimes(1);
  });

  it('saves a session a guard opened on a route without @Session(), and sends its cookie', async () => {
    const first = await request(app.getHttpServer()).get('/guarded').expect(200);
    const cookie = cookiePair(sessionCookie(first));
    await request(app.getHttpServer()).get('/guarded').set('Cookie', cookie).expect(200);
    expect(await readWith(cookie)).toEqual({ visits: 2 });
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
