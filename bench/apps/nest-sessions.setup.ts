import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import { MemoryStore, RedisStore, SessionModule, SessionStore } from '../../lib';
import { BENCH_SECRET, SetupContext } from './bench-config';
import { NestSessionsController } from './nest-sessions.controller';

/** An app module registering nest-sessions with `store` and otherwise default options. */
function appModule(store: SessionStore): DynamicModule {
  @Module({})
  class NestSessionsAppModule {}
  return {
    module: NestSessionsAppModule,
    imports: [SessionModule.forRoot({ secret: BENCH_SECRET, store })],
    controllers: [NestSessionsController],
  };
}

type Adapter = 'express' | 'fastify';

function createWith(adapter: Adapter, store: SessionStore) {
  const httpAdapter = adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter();
  return NestFactory.create(appModule(store), httpAdapter, { logger: false });
}

/** nest-sessions with its default MemoryStore, on `adapter`. */
export function createNestSessionsMemory(adapter: Adapter) {
  return () => createWith(adapter, new MemoryStore());
}

/** nest-sessions with RedisStore on an ioredis client to the bench's redis-server, on `adapter`. */
export function createNestSessionsRedis(adapter: Adapter) {
  return (ctx: SetupContext) => {
    const client = new Redis({ host: '127.0.0.1', port: ctx.redisPort });
    return createWith(adapter, new RedisStore({ client, prefix: `bench-ns-${adapter}:` }));
  };
}
