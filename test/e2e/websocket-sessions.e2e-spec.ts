import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidSessionOptionsError, SessionManager, type SessionModuleOptions } from '../../lib';
import { ADAPTERS, cookiePair, sessionCookie } from '../support/session-test-app';
import type { TestSocket } from '../support/websocket-clients';
import { connect } from '../support/websocket-clients';
import { TRANSPORTS, createWebSocketTestApp } from '../support/websocket-test-app';

/** How long a ws client waits to conclude a message was refused (Nest answers ws clients no errors). */
const NO_ANSWER_MS = 1_500;
const CASES = ADAPTERS.flatMap((adapter) => TRANSPORTS.map((transport) => [adapter, transport] as const));

describe.each(CASES)('@Session() in a gateway (%s, %s)', (adapter, transport) => {
  let app: INestApplication;
  let url: string;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    ({ app, url } = await createWebSocketTestApp(adapter, transport));
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(() => app.close());

  const open = async (cookie?: string) => {
    const socket = await connect(transport, url, { cookie });
    sockets.push(socket);
    return socket;
  };
  const login = async (user: string) => {
    const res = await request(app.getHttpServer()).post(`/login/${user}`).expect(201);
    return cookiePair(sessionCookie(res));
  };

  it('gives a message the session of the handshake cookie from an HTTP login', async () => {
    const cookie = await login('alice');
    const socket = await open(cookie);
    expect(await socket.ask('read')).toMatchObject({ isNew: false, userId: 'alice', data: {} });
  });

  it('loads the session fresh per message and saves after it: interleaved with HTTP, totals exact', async () => {
    const cookie = await login('bob');
    const socket = await open(cookie);
    const server = app.getHttpServer();
    for (let i = 0; i < 5; i++) {
      await request(server).post('/incr').set('Cookie', cookie).expect(201);
      await socket.ask('incr');
      await request(server).post('/incr').set('Cookie', cookie).expect(201);
    }
    // The socket sees the HTTP writes (no copy from connect time) ...
    expect(await socket.ask('read')).toMatchObject({ data: { n: 15 } });
    // ... and HTTP sees the socket's.
    const { body } = await request(server).get('/read').set('Cookie', cookie).expect(200);
    expect(body.data.n).toBe(15);
  });

  it('counts 100 concurrent messages on one socket: exactly 100', async () => {
    const cookie = await login('carol');
    const socket = await open(cookie);
    // Each answer is the count its message saw (all may see 0 when they load together); the
    // store adds every increment.
    const answers = await Promise.all(Array.from({ length: 100 }, () => socket.ask<{ n: number }>('incr')));
    expect(answers).toHaveLength(100);
    const { body } = await request(app.getHttpServer()).get('/read').set('Cookie', cookie).expect(200);
    expect(body.data.n).toBe(100);
  });

  it('saves the writes of a @Session({ load: false }) handler: 20 concurrent messages count 20', async () => {
    const cookie = await login('dora');
    const socket = await open(cookie);
    const answers = await Promise.all(Array.from({ length: 20 }, () => socket.ask<{ ok: boolean }>('bump')));
    expect(answers.filter((a) => a.ok)).toHaveLength(20);
    const { body } = await request(app.getHttpServer()).get('/read').set('Cookie', cookie).expect(200);
    expect(body.data.n).toBe(20);
  });

  it('counts concurrent messages on two sockets and HTTP requests on one session', async () => {
    const cookie = await login('chris');
    const [one, two] = [await open(cookie), await open(cookie)];
    const server = app.getHttpServer();
    await Promise.all([
      ...Array.from({ length: 30 }, () => one.ask('incr')),
      ...Array.from({ length: 30 }, () => two.ask('incr')),
      ...Array.from({ length: 20 }, () => request(server).post('/incr').set('Cookie', cookie).expect(201)),
    ]);
    expect(await one.ask('read')).toMatchObject({ data: { n: 80 } });
  });

  it('gives a socket without a session an empty, new one, and refuses its writes', async () => {
    const socket = await open();
    expect(await socket.ask('read')).toMatchObject({ isNew: true, userId: null, data: {} });
    const sessions = app.get(SessionManager);
    const before = await sessions.count();
    await expect(socket.ask('note', { note: 'lost' }, NO_ANSWER_MS)).rejects.toThrow();
    expect(await sessions.count()).toBe(before);
  });

  it('starves the socket of a session logged out everywhere from another device', async () => {
    const cookie = await login('dave');
    const socket = await open(cookie);
    expect(await socket.ask('read')).toMatchObject({ userId: 'dave' });
    const other = await login('dave');
    const { body } = await request(app.getHttpServer())
      .post('/logout-everywhere')
      .set('Cookie', other)
      .expect(201);
    expect(body.ended).toBe(2);
    expect(await socket.ask('read')).toMatchObject({ isNew: true, userId: null, data: {} });
    expect(socket.isOpen()).toBe(true);
  });

  it('loses an anonymous session that logs in over HTTP: the socket cannot learn the new id', async () => {
    const server = app.getHttpServer();
    const res = await request(server).post('/incr').expect(201);
    const anonymous = cookiePair(sessionCookie(res));
    const socket = await open(anonymous);
    expect(await socket.ask('read')).toMatchObject({ isNew: false, userId: null, data: { n: 1 } });
    const loggedIn = await request(server).post('/login/gus').set('Cookie', anonymous).expect(201);
    expect(sessionCookie(loggedIn)).toBeDefined();
    expect(await socket.ask('read')).toMatchObject({ isNew: true, userId: null, data: {} });
    // Reconnecting with the new cookie finds the session, data kept by the login.
    const again = await open(cookiePair(sessionCookie(loggedIn)));
    expect(await again.ask('read')).toMatchObject({ userId: 'gus', data: { n: 1 } });
  });

  it('refuses messages of a socket without a login through a guard using SessionManager', async () => {
    const socket = await open();
    await expect(socket.ask('secret', {}, NO_ANSWER_MS)).rejects.toThrow();
    const member = await open(await login('erin'));
    expect(await member.ask('secret')).toMatchObject({ userId: 'erin' });
  });

  it('refuses a handshake without a logged-in session', async () => {
    await expect(connect(transport, url, { members: true })).rejects.toThrow();
    const member = await connect(transport, url, { members: true, cookie: await login('fay') });
    sockets.push(member);
    expect(await member.ask('hello')).toMatchObject({ userId: 'fay' });
  });
});

describe('the disconnectOnEnd option', () => {
  it.each([[{ disconnectOnEnd: 'yes' }], [{ disconnectOnEnd: 1 }]])(
    'refuses %j at start-up',
    async (options) => {
      const start = createWebSocketTestApp('express', 'ws', options as unknown as SessionModuleOptions);
      await expect(start).rejects.toThrow(InvalidSessionOptionsError);
      await expect(
        createWebSocketTestApp('express', 'ws', options as unknown as SessionModuleOptions),
      ).rejects.toThrow('disconnectOnEnd must be a boolean');
    },
  );
});
