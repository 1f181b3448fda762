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
} from './nest-sessions.setup';
import { createApolloBare, createNestSessionsApolloMemory } from './graphql.setup';

export type SetupFactory = (ctx: SetupContext) => Promise<INestApplication>;

/** Every app the runner can start, by the name the runner and the report use. */
export const SETUP_FACTORIES: Record<string, SetupFactory> = {
  'express-bare': createExpressBare,
  'nest-sessions-express-memory': createNestSessionsMemory('express'),
  'nest-sessions-express-redis': createNestSessionsRedis('express'),
  'nest-sessions-express-req-session': createNestSessionsMemory('express', { requestSession: true }),
  'express-session-memory': createExpressSessionMemory,
  'express-session-redis': createExpressSessionRedis,
  'nest-sessions-express-file': createNestSessionsFile('express'),
  'express-session-file': createExpressSessionFile,
  'fastify-bare': createFastifyBare,
  'nest-sessions-fastify-memory': createNestSessionsMemory('fastify'),
  'nest-sessions-fastify-redis': createNestSessionsRedis('fastify'),
  'nest-sessions-fastify-req-session': createNestSessionsMemory('fastify', { requestSession: true }),
  'fastify-session-memory': createFastifySessionMemory,
  'fastify-session-redis': createFastifySessionRedis,
  'nest-sessions-fastify-file': createNestSessionsFile('fastify'),
  'fastify-session-file': createFastifySessionFile,
  'apollo-bare': createApolloBare,
  'nest-sessions-apollo-memory': createNestSessionsApolloMemory,
};
