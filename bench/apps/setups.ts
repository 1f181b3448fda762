import type { INestApplication } from '@nestjs/common';
import type { SetupContext } from './bench-config';
import { createExpressBare, createFastifyBare } from './bare.setup';
import {
  createExpressSessionFile,
  createExpressSessionMemory,
  createExpressSessionRedis,
} from './express-session.setup';
import {
  createFastifySessionFile,
  createFastifySessionMemory,
  createFastifySessionRedis,
} from './fastify-session.setup';
import {
  createNestSessionsFile,
  createNestSessionsMemory,
  createNestSessionsRedis,
  createNestSessionsRedisNear,
} from './nest-sessions.setup';
import { createFastifySecureSession, createNestSessionsCookie } from './cookie-store.setup';
import { createApolloBare, createNestSessionsApolloMemory } from './graphql.setup';
import {
  createExpressSessionMySql,
  createExpressSessionPostgres,
  createFastifySessionMySql,
  createFastifySessionPostgres,
  createNestSessionsMySql,
  createNestSessionsPostgres,
} from './sql-stores.setup';

export type SetupFactory = (ctx: SetupContext) => Promise<INestApplication>;

/** Every app the runner can start, by the name the runner and the report use. */
export const SETUP_FACTORIES: Record<string, SetupFactory> = {
  'express-bare': createExpressBare,
  'nest-sessions-express-memory': createNestSessionsMemory('express'),
  'nest-sessions-express-redis': createNestSessionsRedis('express'),
  'nest-sessions-express-redis-near': createNestSessionsRedisNear('express'),
  'nest-sessions-express-redis-autopipe': createNestSessionsRedis('express', true),
  'nest-sessions-express-req-session': createNestSessionsMemory('express', { requestSession: true }),
  'express-session-memory': createExpressSessionMemory,
  'express-session-redis': createExpressSessionRedis,
  'nest-sessions-express-file': createNestSessionsFile('express'),
  'express-session-file': createExpressSessionFile,
  'fastify-bare': createFastifyBare,
  'nest-sessions-fastify-memory': createNestSessionsMemory('fastify'),
  'nest-sessions-fastify-redis': createNestSessionsRedis('fastify'),
  'nest-sessions-fastify-redis-near': createNestSessionsRedisNear('fastify'),
  'nest-sessions-fastify-redis-autopipe': createNestSessionsRedis('fastify', true),
  'nest-sessions-fastify-req-session': createNestSessionsMemory('fastify', { requestSession: true }),
  'fastify-session-memory': createFastifySessionMemory,
  'fastify-session-redis': createFastifySessionRedis,
  'nest-sessions-fastify-file': createNestSessionsFile('fastify'),
  'fastify-session-file': createFastifySessionFile,
  'apollo-bare': createApolloBare,
  'nest-sessions-apollo-memory': createNestSessionsApolloMemory,
  'nest-sessions-express-postgres': createNestSessionsPostgres('express'),
  'nest-sessions-fastify-postgres': createNestSessionsPostgres('fastify'),
  'express-session-postgres': createExpressSessionPostgres,
  'fastify-session-postgres': createFastifySessionPostgres,
  'nest-sessions-express-mysql': createNestSessionsMySql('express'),
  'nest-sessions-fastify-mysql': createNestSessionsMySql('fastify'),
  'express-session-mysql': createExpressSessionMySql,
  'fastify-session-mysql': createFastifySessionMySql,
  'nest-sessions-express-cookie': createNestSessionsCookie('express'),
  'nest-sessions-fastify-cookie': createNestSessionsCookie('fastify'),
  'fastify-secure-session': createFastifySecureSession,
};
