import {
  BadRequestException,
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  Injectable,
  Module,
  Param,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Session, SessionManager, SessionModule, SessionModuleOptions } from '../../lib';
import type { SessionWriter } from '../../lib';

export type AdapterName = 'express' | 'fastify';
export const ADAPTERS: AdapterName[] = ['express', 'fastify'];

interface TestData {
  n: number;
  flash: string;
  name: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** What a real handler does between reading and writing: await some I/O (here 0-4 ms). */
const someIo = () => sleep(Math.floor(Math.random() * 5));

/** Marks what a guard saw, so a test can check the handler got the same object. */
@Injectable()
class SessionReadingGuard implements CanActivate {
  constructor(private readonly sessions: SessionManager) {}
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest();
    const session = await this.sessions.forRequest(req);
    req.sessionSeenByGuard = session;
    return true;
  }
}

@Injectable()
class CartService {
  constructor(private readonly sessions: SessionManager) {}
  async remember(req: object, item: string): Promise<void> {
    const session = await this.sessions.forRequest<{ item: string }>(req);
    session.set('item', item);
  }
}

@Controller()
class TestController {
  constructor(private readonly cart: CartService) {}

  @Get('untouched')
  untouched() {
    return { ok: true };
  }

  @Get('read')
  read(@Session() session: Session<TestData>) {
    return { id: session.id, isNew: session.isNew, data: session.all() };
  }

  @Post('set/:key')
  async set(@Session() session: Session, @Param('key') key: string, @Query('value') value?: string) {
    await someIo();
    session.set(key, value ?? key);
    return { id: session.id };
  }

  @Post('incr')
  async incr(@Session() session: Session<TestData>) {
    await someIo();
    return { n: session.increment('n') };
  }

  @Post('slow/:key')
  async slow(@Session() session: Session, @Param('key') key: string, @Query('ms') ms = '300') {
    await sleep(Number(ms));
    session.set(key, 'late');
    return { ok: true };
  }

  @Post('logout')
  async logout(@Session() session: Session<TestData>) {
    await session.destroy();
    return { ok: true };
  }

  @Post('login/:user')
  async login(@Session() session: Session, @Param('user') user: string) {
    await session.login(user);
    return { id: session.id };
  }

  @Post('regenerate')
  async regenerate(@Session() session: Session<TestData>) {
    await session.regenerate();
    return { id: session.id };
  }

  @Post('flash-then-fail')
  flashThenFail(@Session() session: Session<TestData>) {
    session.set('flash', 'saved before the error');
    throw new BadRequestException('handler failed');
  }

  @Get('guarded')
  @UseGuards(SessionReadingGuard)
  guarded(@Session() session: Session<TestData>, @Req() req: { sessionSeenByGuard?: unknown }) {
    return { same: req.sessionSeenByGuard === session, id: session.id };
  }

  @Post('blind/incr')
  async blindIncr(@Session({ load: false }) session: SessionWriter<TestData>) {
    await someIo();
    session.increment('n');
    return { ok: true };
  }

  @Post('blind/set/:key')
  blindSet(
    @Session({ load: false }) session: SessionWriter,
    @Param('key') key: string,
    @Query('value') value?: string,
  ) {
    session.set(key, value ?? key);
    return { ok: true };
  }

  @Post('blind/delete/:key')
  blindDelete(@Session({ load: false }) session: SessionWriter, @Param('key') key: string) {
    session.delete(key);
    return { ok: true };
  }

  /** Misuse: a read on a session that was not loaded. */
  @Get('blind/read')
  blindRead(@Session({ load: false }) session: SessionWriter<TestData>) {
    return { n: (session as unknown as Session<TestData>).get('n') };
  }

  @Post('blind/guarded')
  @UseGuards(SessionReadingGuard)
  blindGuarded(@Session({ load: false }) session: SessionWriter<TestData>) {
    session.increment('n');
    return { ok: true };
  }

  @Post('service/:item')
  async service(@Req() req: object, @Param('item') item: string) {
    await this.cart.remember(req, item);
    return { ok: true };
  }
}

@Module({ controllers: [TestController], providers: [CartService, SessionReadingGuard] })
class TestFeatureModule {}

/** Builds and starts a test app on the given adapter with the session module configured. */
export async function createSessionTestApp(
  adapter: AdapterName,
  sessionModule: DynamicModule | SessionModuleOptions = {},
  extraImports: DynamicModule[] = [],
  { trustProxy = false }: { trustProxy?: boolean } = {},
): Promise<INestApplication> {
  const session = 'module' in sessionModule ? sessionModule : SessionModule.forRoot(sessionModule);
  @Module({ imports: [session, TestFeatureModule, ...extraImports] })
  class TestAppModule {}
  const app = await NestFactory.create(
    TestAppModule,
    adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter({ trustProxy }),
    { logger: false, abortOnError: false },
  );
  if (adapter === 'express' && trustProxy) app.getHttpAdapter().getInstance().set('trust proxy', true);
  await app.init();
  if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  return app;
}

/** The `name=value` part of the session cookie a response set, if any. */
export function sessionCookie(res: { headers: Record<string, unknown> }, name = 'sid'): string | undefined {
  const raw = res.headers['set-cookie'];
  const cookies = raw === undefined ? [] : Array.isArray(raw) ? (raw as string[]) : [raw as string];
  return cookies.find((c) => c.startsWith(`${name}=`));
}

export function cookiePair(setCookie: string | undefined): string {
  if (!setCookie) throw new Error('expected a session cookie');
  return setCookie.split(';')[0];
}
