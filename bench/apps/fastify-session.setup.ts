import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { RedisStore as ConnectRedisStore } from 'connect-redis';
import { BENCH_SECRET, IDLE_TIMEOUT_MS, SetupContext, benchSessionDir } from './bench-config';
import { sessionFileStore } from './express-session.setup';
import { FastifySessionController } from './fastify-session.controller';
import { connectNodeRedis } from './redis-clients';

@Module({ controllers: [FastifySessionController] })
class FastifySessionAppModule {}

async function createWith(store?: unknown) {
  const app = await NestFactory.create<NestFastifyApplication>(
    FastifySessionAppModule,
    new FastifyAdapter(),
    { logger: false },
  );
  // Plugin types differ between fastify copies; the plugins are the documented ones.
  await app.register(fastifyCookie as never);
  await app.register(fastifySession, {
    secret: BENCH_SECRET,
    saveUninitialized: false,
    cookie: { maxAge: IDLE_TIMEOUT_MS, secure: false },
    ...(store ? { store } : {}),
  } as never);
  return app;
}

/** @fastify/session with its default in-memory store, on Nest's Fastify adapter. */
export function createFastifySessionMemory() {
  return createWith(undefined);
}

/**
 * @fastify/session with connect-redis: @fastify/session takes express-session-compatible stores,
 * and connect-redis is the maintained Redis one (there is no maintained Fastify-specific store).
 */
export async function createFastifySessionRedis(ctx: SetupContext) {
  const client = await connectNodeRedis(ctx.redisPort);
  return createWith(new ConnectRedisStore({ client, prefix: 'bench-fs:' }));
}

/** @fastify/session with session-file-store (an express-session store, which it takes). */
export function createFastifySessionFile() {
  return createWith(sessionFileStore(benchSessionDir('fastify-session-file')));
}
