// The README's main snippets, type-checked by `npm test` (tsc) so the README stays true. Never run.
import { randomBytes } from 'node:crypto';
import {
  Body,
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  Injectable,
  Module,
  Post,
} from '@nestjs/common';
import { Redis } from 'ioredis';
import * as nodeTest from 'node:test';
import * as vitest from 'vitest';
import { createPool } from 'mysql2/promise';
import { Pool } from 'pg';
import {
  CookieStore,
  FileStore,
  MemoryStore,
  MySqlStore,
  PostgresStore,
  RedisStore,
  Session,
  SessionManager,
  SessionModule,
} from '../lib';
import { describeStoreConformance } from '../lib/testing';

interface Cart {
  userName?: string;
  visits: number;
  items: string[];
}

@Controller()
export class CartController {
  constructor(private readonly sessions: SessionManager) {}
  @Get('visit')
  visit(@Session() session: Session<Cart>) {
    const n = session.increment('visits');
    return { n, id: session.id };
  }
  @Post('items')
  add(@Session() session: Session<Cart>, @Body('item') item: string) {
    session.set('items', [...(session.get('items') ?? []), item]);
    return session.all();
  }
  @Get('devices')
  devices(@Session() session: Session) {
    return this.sessions.listByUser(session.userId!);
  }
  @Post('logout-everywhere-else')
  logoutOthers(@Session() session: Session) {
    return this.sessions.destroyByUser(session.userId!, { except: session.id });
  }
}

@Injectable()
export class LoggedInGuard implements CanActivate {
  constructor(private readonly sessions: SessionManager) {}
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const session = await this.sessions.forRequest(context.switchToHttp().getRequest());
    return session.userId !== undefined;
  }
}

@Module({
  imports: [
    SessionModule.forRoot({
      secret: ['current-secret', 'previous-secret'],
      idleTimeout: 30 * 60_000,
      absoluteTimeout: 24 * 3_600_000,
      store: new RedisStore({ client: new Redis({ lazyConnect: true }) }),
    }),
  ],
  controllers: [CartController],
})
export class AppModule {}
export const connected = () => SessionModule.forRoot({ store: RedisStore.connect('redis://127.0.0.1:6379') });

// "Sessions in PostgreSQL or MySQL"
export const sqlStores = () => [
  SessionModule.forRoot({
    store: new PostgresStore({
      pool: new Pool({ connectionString: process.env.DATABASE_URL }),
      createTable: true,
    }),
  }),
  SessionModule.forRoot({
    store: new MySqlStore({ pool: createPool(process.env.MYSQL_URL!), createTable: true }),
  }),
  SessionModule.forRoot({ store: PostgresStore.connect('postgres://app@db/app', { table: 'web_sessions' }) }),
  SessionModule.forRoot({ store: MySqlStore.connect('mysql://app:secret@db/app') }),
];
export const nearCached = () => {
  const store = new RedisStore({
    client: new Redis({ lazyConnect: true }),
    nearCache: { maxEntries: 100_000, maxBytes: 32 * 1024 * 1024 },
  });
  const stats: { hits: number; misses: number; invalidations: number; evictions: number } =
    store.nearCacheStats;
  return [
    SessionModule.forRoot({ store }),
    RedisStore.connect('redis://127.0.0.1:6379', { nearCache: {} }),
    stats,
  ];
};

// "Write a store": the conformance suite takes Vitest's and node:test's functions as they are.
class MyStore extends MemoryStore {}
export const conformance = () => {
  const { afterAll, describe, it } = vitest;
  describeStoreConformance('MyStore', async () => ({ store: new MyStore() }), {
    describe,
    it,
    after: afterAll,
  });
  const { after, describe: suite, it: test } = nodeTest;
  describeStoreConformance('MyStore', async () => ({ store: new MyStore() }), {
    describe: suite,
    it: test,
    after,
  });
};
export const cookieOptions = () =>
  SessionModule.forRoot({
    rolling: true, // the cookie follows the idle expiry
    cookie: { maxAge: null, sameSite: 'none', partitioned: true, priority: 'high' },
    genid: () => randomBytes(24).toString('base64url'), // from node:crypto
  });

export const fileStore = () =>
  SessionModule.forRoot({
    store: new FileStore({
      dir: '/var/lib/myapp/sessions',
      encryptionKey: [process.env.SESSION_FILE_KEY!, process.env.SESSION_FILE_OLD_KEY!],
    }),
  });

export const cookieStore = () =>
  SessionModule.forRoot({
    // 32 random bytes each: `openssl rand -base64 32`. The first key seals, all of them open.
    store: new CookieStore({ keys: [process.env.SESSION_KEY!, process.env.SESSION_KEY_PREVIOUS!] }),
  });
