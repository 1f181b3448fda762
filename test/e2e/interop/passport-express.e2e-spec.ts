import {
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  Injectable,
  Module,
  Post,
  Req,
  Res,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthGuard, PassportModule, PassportSerializer, PassportStrategy } from '@nestjs/passport';
import { ExpressAdapter } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import flash from 'connect-flash';
import { doubleCsrf } from 'csrf-csrf';
import passport from 'passport';
import { Strategy } from 'passport-local';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session, SessionManager, SessionModule } from '../../../lib';
import { cookiePair, sessionCookie } from '../../support/session-test-app';

/**
 * The Nest docs' session recipe for Passport (passport-local, AuthGuard('local') that logs in, a
 * PassportSerializer, passport.session()), csrf-csrf and connect-flash, unchanged but for
 * SessionModule with `requestSession: true` in place of the express-session middleware.
 */
interface User {
  id: string;
  name: string;
}
const USERS: Record<string, { password: string; user: User }> = {
  ada: { password: 'lovelace', user: { id: 'u-ada', name: 'Ada' } },
};

@Injectable()
class LocalStrategy extends PassportStrategy(Strategy) {
  validate(username: string, password: string): User {
    const entry = USERS[username];
    if (!entry || entry.password !== password) throw new UnauthorizedException();
    return entry.user;
  }
}

@Injectable()
class SessionSerializer extends PassportSerializer {
  serializeUser(user: User, done: (err: unknown, id?: string) => void) {
    done(null, user.id);
  }
  deserializeUser(id: string, done: (err: unknown, user?: User) => void) {
    done(null, Object.values(USERS).find((e) => e.user.id === id)?.user);
  }
}

@Injectable()
class LocalAuthGuard extends AuthGuard('local') {
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const result = (await super.canActivate(context)) as boolean;
    await super.logIn(context.switchToHttp().getRequest());
    return result;
  }
}

@Injectable()
class AuthenticatedGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToHttp().getRequest<{ isAuthenticated(): boolean }>().isAuthenticated();
  }
}

type Req = {
  user?: User;
  session: Record<string, unknown> & { id: string };
  sessionID: string;
  logout(cb: (err?: unknown) => void): void;
  flash(type: string, message?: string): string[] | number;
};

const csrf = doubleCsrf({
  getSecret: () => 'csrf-secret-for-tests',
  getSessionIdentifier: (req) => (req as unknown as Req).session.id,
  cookieName: 'csrf',
  cookieOptions: { secure: false, sameSite: 'lax' },
});

@Controller()
class AppController {
  @UseGuards(LocalAuthGuard)
  @Post('login')
  login(@Req() req: Req) {
    return { user: req.user };
  }

  @UseGuards(AuthenticatedGuard)
  @Get('me')
  me(@Req() req: Req) {
    return { user: req.user, sessionID: req.sessionID };
  }

  @Post('logout')
  logout(@Req() req: Req) {
    return new Promise((resolve, reject) =>
      req.logout((err) =>
        err ? reject(err instanceof Error ? err : new Error(JSON.stringify(err))) : resolve({ ok: true }),
      ),
    );
  }

  @Post('k/:n')
  assign(@Req() req: Req & { params: { n: string } }) {
    return new Promise((resolve) =>
      setTimeout(
        () => {
          req.session[`k${req.params.n}`] = Number(req.params.n);
          resolve({ ok: true });
        },
        Math.floor(Math.random() * 5),
      ),
    );
  }

  @Get('both')
  both(@Req() req: Req, @Session() session: Session) {
    req.session.fromReq = 1;
    session.set('fromDecorator', 2);
    return {
      same: req.session.id === session.id,
      sees: session.get('fromReq'),
      viewSees: req.session.fromDecorator,
    };
  }

  @Get('dump')
  dump(@Session() session: Session) {
    return session.all();
  }

  @Get('csrf')
  token(@Req() req: Req, @Res({ passthrough: true }) res: never) {
    // As with express-session and saveUninitialized: false, a token is bound to a stored session.
    req.session.visited = true;
    return { token: csrf.generateCsrfToken(req as never, res) };
  }

  @Post('form')
  form(@Req() req: Req, @Res({ passthrough: true }) res: never) {
    // csrf-csrf's middleware, run here for this route only
    return new Promise((resolve, reject) =>
      csrf.doubleCsrfProtection(req as never, res, (err?: unknown) =>
        err
          ? reject(err instanceof Error ? err : new Error(JSON.stringify(err)))
          : resolve({ accepted: true }),
      ),
    );
  }

  @Post('flash')
  setFlash(@Req() req: Req) {
    req.flash('info', 'saved!');
    return { ok: true };
  }

  @Get('flash')
  readFlash(@Req() req: Req) {
    return { info: req.flash('info') };
  }
}

@Module({
  imports: [SessionModule.forRoot({ requestSession: true }), PassportModule.register({ session: true })],
  controllers: [AppController],
  providers: [LocalStrategy, SessionSerializer],
})
class AppModule {}

describe('express-session ecosystem on Express (requestSession: true)', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await NestFactory.create(AppModule, new ExpressAdapter(), { logger: false });
    // main.ts as the Nest docs write it, without app.use(session(...))
    app.use(cookieParser());
    app.use(passport.session());
    app.use(flash());
    await app.init();
  });
  afterAll(() => app.close());
  const server = () => app.getHttpServer();

  it('logs in with passport-local, keeps req.user across requests, and logs out', async () => {
    await request(server()).post('/login').send({ username: 'ada', password: 'wrong' }).expect(401);
    const anon = cookiePair(sessionCookie(await request(server()).get('/both')));
    const login = await request(server())
      .post('/login')
      .set('Cookie', anon)
      .send({ username: 'ada', password: 'lovelace' });
    expect(login.status).toBe(201);
    const authed = cookiePair(sessionCookie(login));
    expect(authed).not.toBe(anon); // fixation: the id changed at login
    const me = await request(server()).get('/me').set('Cookie', authed).expect(200);
    expect(me.body.user).toEqual({ id: 'u-ada', name: 'Ada' });
    await request(server()).get('/me').set('Cookie', anon).expect(403); // the pre-login id is dead
    // the Passport login bound the session to its user: listByUser sees it, and logout ends it
    const sessions = app.get(SessionManager);
    expect((await sessions.listByUser('u-ada')).length).toBe(1);
    await request(server()).post('/logout').set('Cookie', authed).expect(201);
    await request(server()).get('/me').set('Cookie', authed).expect(403);
    expect(await sessions.listByUser('u-ada')).toEqual([]);
  });

  it('is one session with @Session(): each sees what the other wrote', async () => {
    const first = await request(server()).get('/both').expect(200);
    expect(first.body).toEqual({ same: true, sees: 1, viewSees: 2 });
    const dump = await request(server())
      .get('/dump')
      .set('Cookie', cookiePair(sessionCookie(first)))
      .expect(200);
    expect(dump.body).toEqual({ fromReq: 1, fromDecorator: 2 });
  });

  it('keeps all 100 keys of 100 concurrent requests assigning req.session.kN', async () => {
    const cookie = cookiePair(sessionCookie(await request(server()).get('/both')));
    await Promise.all(
      Array.from({ length: 100 }, (_, n) =>
        request(server()).post(`/k/${n}`).set('Cookie', cookie).expect(201),
      ),
    );
    const dump = await request(server()).get('/dump').set('Cookie', cookie).expect(200);
    for (let n = 0; n < 100; n++) expect(dump.body[`k${n}`]).toBe(n);
  });

  it('protects a form with csrf-csrf bound to the session id: 403 without the token, 2xx with it', async () => {
    const got = await request(server()).get('/csrf').expect(200);
    const cookies = [cookiePair(sessionCookie(got)), cookiePair(sessionCookie(got, 'csrf'))].join('; ');
    const without = await request(server()).post('/form').set('Cookie', cookies);
    expect(without.status).toBe(403);
    await request(server())
      .post('/form')
      .set('Cookie', cookies)
      .set('x-csrf-token', got.body.token)
      .expect(201);
    // the token is bound to this session: another session's cookie does not carry it
    const other = cookiePair(sessionCookie(await request(server()).get('/both')));
    const stolen = [other, cookiePair(sessionCookie(got, 'csrf'))].join('; ');
    expect(
      (await request(server()).post('/form').set('Cookie', stolen).set('x-csrf-token', got.body.token))
        .status,
    ).toBe(403);
  });

  it('shows a connect-flash message once', async () => {
    const cookie = cookiePair(sessionCookie(await request(server()).post('/flash').expect(201)));
    expect((await request(server()).get('/flash').set('Cookie', cookie)).body.info).toEqual(['saved!']);
    expect((await request(server()).get('/flash').set('Cookie', cookie)).body.info).toEqual([]);
  });
});
