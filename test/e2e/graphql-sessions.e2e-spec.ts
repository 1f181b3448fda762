import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CountingStore } from '../support/instrumented-stores';
import { GRAPHQL_DRIVERS, assertDriverInstalled, createGraphqlTestApp } from '../support/graphql-test-app';
import { cookiePair, sessionCookie } from '../support/session-test-app';

type Server = ReturnType<INestApplication['getHttpServer']>;

/** POSTs one GraphQL operation (or a batch) to the server, or through a browser-like agent. */
function gql(
  target: { server: Server } | { agent: request.Agent },
  body: object | object[],
  cookie?: string,
) {
  const client = 'agent' in target ? target.agent : request(target.server);
  const call = client.post('/graphql').set('content-type', 'application/json');
  if (cookie) call.set('Cookie', cookie);
  return call.send(body);
}

describe.each(GRAPHQL_DRIVERS)('@Session() in GraphQL resolvers (%s)', (driver) => {
  let app: INestApplication;
  let server: Server;
  const store = new CountingStore();

  beforeAll(async () => {
    assertDriverInstalled(driver);
    app = await createGraphqlTestApp(driver, { sessions: { store, secret: 'graphql-secret' } });
    server = app.getHttpServer();
  });
  afterAll(() => app?.close());

  it('counts across requests with a cookie jar: the cookie is set by the first mutation', async () => {
    const browser = request.agent(server);
    const first = await gql({ agent: browser }, { query: 'mutation { increment }' }).expect(200);
    expect(first.body).toEqual({ data: { increment: 1 } });
    expect(sessionCookie(first)).toMatch(/^sid=.+; /);
    await gql({ agent: browser }, { query: 'mutation { increment }' }).expect(200);
    const read = await gql({ agent: browser }, { query: '{ counter }' }).expect(200);
    expect(read.body).toEqual({ data: { counter: 2 } });
    // A read of an unchanged session sends no new cookie.
    expect(sessionCookie(read)).toBeUndefined();
    // Another browser has its own session.
    const other = await gql({ agent: request.agent(server) }, { query: '{ counter }' }).expect(200);
    expect(other.body).toEqual({ data: { counter: 0 } });
    expect(sessionCookie(other)).toBeUndefined();
  });

  it('logs in in a mutation: the new id reaches the browser, the next query is authenticated', async () => {
    const browser = request.agent(server);
    const anonymous = await gql({ agent: browser }, { query: 'mutation { increment }' }).expect(200);
    const before = cookiePair(sessionCookie(anonymous));
    const login = await gql({ agent: browser }, { query: 'mutation { login(user: "ada") }' }).expect(200);
    expect(login.body).toEqual({ data: { login: 'ada' } });
    const after = cookiePair(sessionCookie(login));
    expect(after).not.toBe(before);
    const me = await gql({ agent: browser }, { query: '{ me counter }' }).expect(200);
    expect(me.body).toEqual({ data: { me: 'ada', counter: 1 } });
    // The id before the login is dead: presenting it gets a fresh, anonymous session.
    const stale = await gql({ server }, { query: '{ me counter }' }, before).expect(200);
    expect(stale.body).toEqual({ data: { me: null, counter: 0 } });
  });

  it('logs out in a mutation: the cookie is expired and the session is gone', async () => {
    const browser = request.agent(server);
    const login = await gql({ agent: browser }, { query: 'mutation { login(user: "bob") }' }).expect(200);
    const cookie = cookiePair(sessionCookie(login));
    const logout = await gql({ agent: browser }, { query: 'mutation { logout }' }).expect(200);
    expect(logout.body).toEqual({ data: { logout: true } });
    expect(sessionCookie(logout)).toMatch(/^sid=; .*Expires=Thu, 01 Jan 1970/);
    const replay = await gql({ server }, { query: '{ me }' }, cookie).expect(200);
    expect(replay.body).toEqual({ data: { me: null } });
  });

  it('gives a guard, the query resolver and its field resolvers one session from one store load', async () => {
    const cookie = cookiePair(sessionCookie(await gql({ server }, { query: 'mutation { increment }' })));
    const loads = store.calls.load;
    const applies = store.calls.apply;
    const res = await gql(
      { server },
      { query: '{ visit { first second sameAsManager sessionId } }' },
      cookie,
    ).expect(200);
    // The guard counted 1; separate objects would each count from the stored 0 and answer 1.
    expect(res.body.data.visit).toMatchObject({ first: 2, second: 3, sameAsManager: true });
    expect(store.calls.load - loads).toBe(1);
    // Saved once, before the response: the next request sees all three hits.
    expect(store.calls.apply - applies).toBe(1);
    const read = await gql({ server }, { query: '{ hits }' }, cookie).expect(200);
    expect(read.body).toEqual({ data: { hits: 3 } });
  });

  it('shares one session and one load across the operations of a batched request', async () => {
    const cookie = cookiePair(sessionCookie(await gql({ server }, { query: 'mutation { increment }' })));
    const loads = store.calls.load;
    const res = await gql(
      { server },
      [
        { query: 'mutation { increment }' },
        { query: 'mutation { increment }' },
        { query: '{ visit { first second } }' },
      ],
      cookie,
    ).expect(200);
    // Apollo runs a batch's operations at the same time, Mercurius one after the other.
    expect(
      res.body
        .map((r: { data: { increment?: number } }) => r.data.increment)
        .slice(0, 2)
        .sort(),
    ).toEqual([2, 3]);
    expect(res.body[2]).toEqual({ data: { visit: { first: 2, second: 3 } } });
    expect(store.calls.load - loads).toBe(1);
    const read = await gql({ server }, { query: '{ counter hits }' }, cookie).expect(200);
    expect(read.body).toEqual({ data: { counter: 3, hits: 3 } });
  });

  it('saves a new session before the response of a batch and sends its cookie on it', async () => {
    const res = await gql({ server }, [
      { query: 'mutation { increment }' },
      { query: 'mutation { increment }' },
    ]).expect(200);
    expect(res.body.map((r: { data: { increment: number } }) => r.data.increment).sort()).toEqual([1, 2]);
    const read = await gql({ server }, { query: '{ counter }' }, cookiePair(sessionCookie(res))).expect(200);
    expect(read.body).toEqual({ data: { counter: 2 } });
  });

  it('saves the writes of @Session({ load: false }) resolvers once, before the response', async () => {
    const cookie = cookiePair(sessionCookie(await gql({ server }, { query: 'mutation { increment }' })));
    const applies = store.calls.apply;
    const res = await gql(
      { server },
      [{ query: 'mutation { bump }' }, { query: 'mutation { bump }' }, { query: 'mutation { bump }' }],
      cookie,
    ).expect(200);
    expect(res.body).toEqual(Array(3).fill({ data: { bump: true } }));
    expect(store.calls.apply - applies).toBe(1);
    const read = await gql({ server }, { query: '{ counter }' }, cookie).expect(200);
    expect(read.body).toEqual({ data: { counter: 4 } });
  });

  it('counts 100 concurrent mutations on one session exactly', async () => {
    const cookie = cookiePair(
      sessionCookie(await gql({ server }, { query: 'mutation { login(user: "eve") }' })),
    );
    const results = await Promise.all(
      Array.from({ length: 100 }, () => gql({ server }, { query: 'mutation { increment }' }, cookie)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect(results.filter((r) => r.body.errors)).toEqual([]);
    const read = await gql({ server }, { query: '{ counter me }' }, cookie).expect(200);
    expect(read.body).toEqual({ data: { counter: 100, me: 'eve' } });
  });
});
