import { Controller, Get, Module, Post, Req, UnauthorizedException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Authenticator } from '@fastify/passport';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session, SessionManager, SessionModule } from '../../../lib';
import { cookiePair, sessionCookie } from '../../support/session-test-app';

/**
 * @fastify/passport on Fastify with `requestSession: true` in place of @fastify/session: its
 * session manager reads and writes `request.session` (get/set/regenerate).
 */
interface User {
  id: string;
  name: string;
}
const ADA: User = { id: 'u-ada', name: 'Ada' };
const passport = new Authenticator();
passport.registerUserSerializer(async (user: User) => user.id);
passport.registerUserDeserializer(async (id: string) => (id === ADA.id ? ADA : null));

interface PassportRequest {
  body?: { username?: string; password?: string };
  user?: User;
  logIn(user: User): Promise<void>;
  logOut(): Promise<void>;
  isAuthenticated(): boolean;
}

@Controller()
class AppController {
  @Post('login')
  async login(@Req() req: PassportRequest) {
    if (req.body?.username !== 'ada' || req.body.password !== 'lovelace') throw new UnauthorizedException();
    await req.logIn(ADA);
    return { user: req.user };
  }

  @Get('me')
  me(@Req() req: PassportRequest) {
    if (!req.isAuthenticated()) throw new UnauthorizedException();
    return { user: req.user };
  }

  @Post('logout')
  async logout(@Req() req: PassportRequest) {
    await req.logOut();
    return { ok: true };
  }

  @Get('visit')
  visit(@Session() session: Session) {
    return { n: session.increment('n') };
  }
}

@Module({ imports: [SessionModule.forRoot({ requestSession: true })], controllers: [AppController] })
class AppModule {}

describe('@fastify/passport on Fastify (requestSession: true)', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), {
      logger: false,
    });
    await app.register(passport.initialize() as never);
    await app.register(passport.secureSession() as never);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());
  const server = () => app.getHttpServer();

  it('logs in (a new id), keeps the user across requests, and logs out', async () => {
    await request(server()).post('/login').send({ username: 'ada', password: 'nope' }).expect(401);
    const anon = cookiePair(sessionCookie(await request(server()).get('/visit').expect(200)));
    const login = await request(server())
      .post('/login')
      .set('Cookie', anon)
      .send({ username: 'ada', password: 'lovelace' });
    expect(login.status).toBe(201);
    const authed = cookiePair(sessionCookie(login));
    expect(authed).not.toBe(anon);
    expect((await request(server()).get('/me').set('Cookie', authed).expect(200)).body.user).toEqual(ADA);
    await request(server()).get('/me').set('Cookie', anon).expect(401);
    // the Passport login bound the session to its user: listByUser sees it, and logout ends it
    const sessions = app.get(SessionManager);
    expect((await sessions.listByUser('u-ada')).length).toBe(1);
    await request(server()).post('/logout').set('Cookie', authed).expect(201);
    await request(server()).get('/me').set('Cookie', authed).expect(401);
    expect(await sessions.listByUser('u-ada')).toEqual([]);
  });
});
