import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import { RedisStore as ConnectRedisStore } from 'connect-redis';
import session from 'express-session';
import { BENCH_SECRET, IDLE_TIMEOUT_MS, SetupContext } from './bench-config';
import { ExpressSessionController } from './express-session.controller';
import { connectNodeRedis } from './redis-clients';

@Module({ controllers: [ExpressSessionController] })
class ExpressSessionAppModule {}

export async function createWith(store?: session.Store) {
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
