import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import { RedisStore as ConnectRedisStore } from 'connect-redis';
import session from 'express-session';
import { BENCH_SECRET, IDLE_TIMEOUT_MS, SetupContext, benchSessionDir } from './bench-config';
import { ExpressSessionController } from './express-session.controller';
import { connectNodeRedis } from './redis-clients';

@Module({ controllers: [ExpressSessionController] })
class ExpressSessionAppModule {}

async function createWith(store?: session.Store) {
  const app = await NestFactory.create<NestExpressApplication>(
    ExpressSessionAppModule,
    new ExpressAdapter(),
    { logger: false },
  );
  // The configuration express-session's README recommends; the cookie's maxAge is the idle timeout.
  app.use(
    session({
      store,
      secret: BENCH_SECRET,
      resave: false,
      saveUninitialized: false,
      cookie: { maxAge: IDLE_TIMEOUT_MS },
    }),
  );
  return app;
}

/** express-session with its own MemoryStore, inside a Nest Express app. */
export function createExpressSessionMemory() {
  return createWith(undefined);
}

/** express-session with connect-redis (node-redis client, which connect-redis requires). */
export async function createExpressSessionRedis(ctx: SetupContext) {
  const client = await connectNodeRedis(ctx.redisPort);
  return createWith(new ConnectRedisStore({ client, prefix: 'bench-es:' }));
}

/**
 * session-file-store's store class for express-session's `session` (it ships no types). It is the
 * file store of express-session's README list; @fastify/session takes it too.
 */
export function sessionFileStore(dir: string): session.Store {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const factory = require('session-file-store') as (
    s: typeof session,
  ) => new (options: object) => session.Store;
  const FileSessionStore = factory(session);
  // Its documented options: the directory and the ttl in seconds; logFn silences its retry logs.
  return new FileSessionStore({ path: dir, ttl: IDLE_TIMEOUT_MS / 1000, logFn: () => undefined });
}

/** express-session with session-file-store. */
export function createExpressSessionFile() {
  return createWith(sessionFileStore(benchSessionDir('express-session-file')));
}
