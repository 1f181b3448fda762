import { EventEmitter } from 'node:events';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionManager } from '../../manager/session.manager';
import type { SessionModuleOptions } from '../../options/session-module-options.interface';
import { SessionModule } from '../../session.module';
import { SocketSessions } from './socket-sessions';

/** Shaped as a socket.io Socket: its handshake request carries the session cookie. */
class FakeIoClient extends EventEmitter {
  readonly handshake = {};
  readonly nsp = {};
  readonly request: IncomingMessage;
  disconnects = 0;
  constructor(
    cookie: string | undefined,
    public connected: boolean,
  ) {
    super();
    this.request = new IncomingMessage(new Socket());
    if (cookie) this.request.headers.cookie = cookie;
  }
  disconnect(): void {
    this.disconnects++;
    this.connected = false;
    this.emit('disconnect');
  }
}

const apps: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function moduleWith(options: SessionModuleOptions) {
  const moduleRef = await Test.createTestingModule({ imports: [SessionModule.forRoot(options)] }).compile();
  const app = moduleRef.createNestApplication();
  await app.init();
  apps.push(app);
  return { sockets: app.get(SocketSessions), manager: app.get(SessionManager) };
}

async function storedSession(manager: SessionManager) {
  const session = await manager.create({ n: 1 }, { userId: 'ada' });
  return { id: session.id, cookie: `sid=${session.id}` };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SocketSessions', () => {
  it('loads the session per call, never a copy', async () => {
    const { sockets, manager } = await moduleWith({});
    const { id, cookie } = await storedSession(manager);
    const client = new FakeIoClient(cookie, true);
    expect((await sockets.forClient(client)).get('n')).toBe(1);
    const elsewhere = (await manager.get<{ n: number }>(id))!;
    elsewhere.increment('n');
    await elsewhere.save();
    expect((await sockets.forClient(client)).get('n')).toBe(2);
  });

  it('disconnects an open client of a destroyed session (disconnectOnEnd), and forgets it', async () => {
    const { sockets, manager } = await moduleWith({ disconnectOnEnd: true });
    const { id, cookie } = await storedSession(manager);
    const client = new FakeIoClient(cookie, true);
    expect((await sockets.forClient(client)).userId).toBe('ada');
    await manager.destroy(id);
    await sleep(300);
    expect(client.disconnects).toBe(1);
    expect((await sockets.forClient(client)).isNew).toBe(true);
  });

  it('never files a client that is not connected (a handshake a middleware refuses never says it closed)', async () => {
    const { sockets, manager } = await moduleWith({ disconnectOnEnd: true });
    const { id, cookie } = await storedSession(manager);
    const refused = new FakeIoClient(cookie, false);
    expect((await manager.forRequest(refused)).userId).toBe('ada');
    await manager.destroy(id);
    await sleep(300);
    expect(refused.disconnects).toBe(0);
    // Its next load still finds the session gone.
    expect((await sockets.forClient(refused)).isNew).toBe(true);
  });

  it('watches a socket read by a handshake middleware once it connects', async () => {
    const { manager } = await moduleWith({ disconnectOnEnd: true });
    const { id, cookie } = await storedSession(manager);
    const client = new FakeIoClient(cookie, false);
    expect((await manager.forRequest(client)).userId).toBe('ada');
    client.connected = true; // the middleware let it in
    await sleep(100);
    await manager.destroy(id);
    await sleep(300);
    expect(client.disconnects).toBe(1);
  });

  it('leaves HTTP requests to the request lifecycle', async () => {
    const { sockets } = await moduleWith({});
    expect(sockets.open(new IncomingMessage(new Socket()))).toBeUndefined();
  });
});
