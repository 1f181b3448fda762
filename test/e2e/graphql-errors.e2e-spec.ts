import type { INestApplication } from '@nestjs/common';
import type { ApolloDriver } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailingStore } from '../support/instrumented-stores';
import { GRAPHQL_DRIVERS, assertDriverInstalled, createGraphqlTestApp } from '../support/graphql-test-app';
import { cookiePair, sessionCookie } from '../support/session-test-app';

type Server = ReturnType<INestApplication['getHttpServer']>;

function gql(server: Server, body: object, cookie?: string) {
  const call = request(server).post('/graphql').set('content-type', 'application/json');
  if (cookie) call.set('Cookie', cookie);
  return call.send(body);
}

/** What a client must never see: the store's own error, stack frames, file paths. */
function expectNothingInternal(text: string): void {
  expect(text).not.toMatch(/connection refused|timed out|at \w+ \(|\.ts:\d+|node_modules|stacktrace/i);
}

describe.each(GRAPHQL_DRIVERS)('GraphQL sessions when the store is down (%s)', (driver) => {
  let app: INestApplication;
  let server: Server;
  const store = new FailingStore();
  const storeTimeout = 300;

  beforeAll(async () => {
    assertDriverInstalled(driver);
    app = await createGraphqlTestApp(driver, { sessions: { store, storeTimeout }, production: true });
    server = app.getHttpServer();
  });
  afterAll(() => app?.close());

  it.each(['throwing', 'hanging'] as const)(
    'answers a GraphQL error or a 503 that leaks nothing while the store is %s, then recovers',
    async (mode) => {
      store.mode = 'up';
      const cookie = cookiePair(sessionCookie(await gql(server, { query: 'mutation { increment }' })));
      store.mode = mode;
      const started = Date.now();
      // An existing session cannot be loaded: the resolver fails, the operation answers an error.
      const read = await gql(server, { query: '{ counter }' }, cookie);
      // A new session is created in memory and fails at its save: the held response becomes a 503.
      const fresh = await gql(server, { query: 'mutation { increment }' });
      expect(Date.now() - started).toBeLessThan(2 * storeTimeout + 1_500);

      expect(read.body.data?.counter ?? null).toBeNull();
      expect(read.body.errors.map((e: { message: string }) => e.message)).toEqual([
        'Session store unavailable; try again shortly',
      ]);
      expectNothingInternal(read.text);
      expect(sessionCookie(read)).toBeUndefined();

      expect(fresh.status).toBe(503);
      expect(fresh.body).toMatchObject({ message: 'Session store unavailable; try again shortly' });
      expect(fresh.body.data).toBeUndefined();
      expectNothingInternal(fresh.text);
      expect(sessionCookie(fresh)).toBeUndefined();

      store.mode = 'up';
      const again = await gql(server, { query: '{ counter }' }, cookie).expect(200);
      expect(again.body).toEqual({ data: { counter: 1 } });
    },
  );
});

describe.each(GRAPHQL_DRIVERS)(
  'GraphQL operations without an HTTP request in their context (%s)',
  (driver) => {
    it('a context that replaces `req` gets an error naming the fix, not a TypeError', async () => {
      assertDriverInstalled(driver);
      // A hand-made `req` (here a user object) hides the HTTP request Nest's drivers put there.
      const context = () => ({ req: { user: 'from a hand-made context' } });
      const app = await createGraphqlTestApp(driver, { context });
      try {
        const res = await gql(app.getHttpServer(), { query: 'mutation { increment }' });
        const [error] = res.body.errors as { message: string }[];
        expect(error.message).toMatch(/needs the HTTP request as `req` in the GraphQL context/);
        expect(error.message).toMatch(
          driver === 'apollo' ? /context: \(\{ req, res \}\)/ : /context: \(request, reply\)/,
        );
        expect(error.message).not.toMatch(/TypeError|Cannot read properties/);
        expect(sessionCookie(res)).toBeUndefined();
      } finally {
        await app.close();
      }
    });

    it('an operation executed in-process (no HTTP at all) gets the same clear error', async () => {
      assertDriverInstalled(driver);
      const app = await createGraphqlTestApp(driver);
      try {
        const graphql = app.get(GraphQLModule).graphQlAdapter;
        let message: string | undefined;
        if (driver === 'apollo') {
          const result = await (graphql as ApolloDriver).instance.executeOperation({ query: '{ counter }' });
          const { body } = result;
          message = body.kind === 'single' ? body.singleResult.errors?.[0]?.message : undefined;
        } else {
          const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
          const result = await fastify.graphql('{ counter }');
          message = result.errors?.[0]?.message;
        }
        expect(message).toMatch(
          /needs the HTTP request as `req`.*Sessions need an HTTP request or a WebSocket/s,
        );
      } finally {
        await app.close();
      }
    });
  },
);
