import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import {
  FileStore,
  MemoryStore,
  RedisStore,
  SessionModule,
  SessionModuleOptions,
  SessionStore,
} from '../../lib';
import { BENCH_SECRET, SetupContext, benchSessionDir, reportNearCacheOf } from './bench-config';
import { NestSessionsController } from './nest-sessions.controller';

/** An app module registering nest-sessions with `store`, `extra` and otherwise default options. */
function appModule(store: SessionStore, extra: Partial<SessionModuleOptions>): DynamicModule {
  @Module({})
  class NestSessionsAppModule {}
  return {
    module: NestSessionsAppModule,
    imports: [SessionModule.forRoot({ secret: BENCH_SECRET, store, ...extra })],
    controllers: [NestSessionsController],
  };
}

type Adapter = 'express' | 'fastify';

/** nest-sessions with `store` and `extra` options on `adapter` (other setup files use it too). */
export function createNestSessionsWith(
  adapter: Adapter,
  store: SessionStore,
  extra: Partial<SessionModuleOptions> = {},
) {
  const httpAdapter = adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter();
  // Warnings and errors only: a store outage or a near-cache pause then shows in the run's output.
  return NestFactory.create(appModule(store, extra), httpAdapter, { logger: ['error', 'warn'] });
}

/** nest-sessions with its default MemoryStore, on `adapter` (`extra`: more options, e.g. requestSession). */
export function createNestSessionsMemory(adapter: Adapter, extra: Partial<SessionModuleOptions> = {}) {
  return () => createNestSessionsWith(adapter, new MemoryStore(), extra);
}

/**
 * nest-sessions with RedisStore on an ioredis client to the bench's redis-server, on `adapter`.
 * `autoPipelining`: the client's `enableAutoPipelining`, to measure what it is worth beside the
 * plain client (`RedisStore.connect` leaves it off because of that measurement).
 */
export function createNestSessionsRedis(adapter: Adapter, autoPipelining = false) {
  return (ctx: SetupContext) => {
    const client = new Redis({
      host: '127.0.0.1',
      port: ctx.redisPort,
      enableAutoPipelining: autoPipelining,
    });
    const prefix = `bench-ns-${autoPipelining ? 'ap-' : ''}${adapter}:`;
    return createNestSessionsWith(adapter, new RedisStore({ client, prefix }));
  };
}

/** nest-sessions with FileStore (default options: fsync on, no encryption) in a fresh directory. */
export function createNestSessionsFile(adapter: Adapter) {
  return () =>
    createNestSessionsWith(adapter, new FileStore({ dir: benchSessionDir(`nest-sessions-${adapter}-file`) }));
}

/** nest-sessions with RedisStore with the near-cache on (default bounds), as the README shows it. */
export function createNestSessionsRedisNear(adapter: Adapter) {
  return (ctx: SetupContext) => {
    const client = new Redis({ host: '127.0.0.1', port: ctx.redisPort });
    const store = new RedisStore({ client, prefix: `bench-ns-near-${adapter}:`, nearCache: {} });
    reportNearCacheOf(store);
    return createNestSessionsWith(adapter, store);
  };
}
