import { Agent, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { VerifiedIdCache } from '../../lib/id/verified-id-cache';
import { ADAPTERS, cookiePair, createSessionTestApp, sessionCookie } from '../support/session-test-app';

interface ReadBody {
  id: string;
  isNew: boolean;
  data: Record<string, string>;
}

/**
 * A connection's last Cookie header is remembered with the id it presented (a keep-alive client
 * sends the same header every time). A proxy carries many clients over one connection: each
 * request must still get exactly what its own header presents.
 */
describe.each(ADAPTERS)('several clients on one keep-alive connection (%s)', (adapter) => {
  let app: INestApplication;
  let port: number;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  /** The local ports the requests went out from: one port, one connection. */
  const ports = new Set<number>();

  beforeAll(async () => {
    app = await createSessionTestApp(adapter, { secret: 'keep-alive-secret' });
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    agent.destroy();
    await app.close();
  });

  /** A session holding `owner`, as its Cookie header (made on a connection of its own). */
  async function sessionOf(owner: string): Promise<string> {
    const res = await request(app.getHttpServer()).post(`/set/owner?value=${owner}`);
    expect(res.status).toBe(201);
    return cookiePair(sessionCookie(res));
  }

  /** A request on the shared connection. */
  function send(method: string, path: string, cookie?: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, method, path, agent, headers: cookie ? { cookie } : {} },
        (res) => {
          ports.add(res.socket.localPort!);
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  async function read(cookie?: string): Promise<ReadBody> {
    const res = await send('GET', '/read', cookie);
    expect(res.status).toBe(200);
    return JSON.parse(res.body) as ReadBody;
  }

  it('gives each request the session its own cookie names, whatever came before on the connection', async () => {
    const [alice, bob] = [await sessionOf('alice'), await sessionOf('bob')];
    // One signature character changed (not the last, whose low bits base64url does not carry).
    const at = alice.length - 5;
    const tampered = alice.slice(0, at) + (alice[at] === 'A' ? 'B' : 'A') + alice.slice(at + 1);
    const sequence: [string | undefined, string | undefined][] = [
      [alice, 'alice'],
      [alice, 'alice'],
      [bob, 'bob'],
      [alice, 'alice'],
      [tampered, undefined],
      [alice, 'alice'],
      [undefined, undefined],
      [`${alice}; theme=dark`, 'alice'],
      [bob, 'bob'],
    ];
    for (const [cookie, owner] of sequence) {
      const body = await read(cookie);
      expect(body.data.owner).toBe(owner);
      expect(body.isNew).toBe(owner === undefined);
    }
    expect(ports.size).toBe(1);
  });

  it('reads a header the connection sent last time once: the next requests reuse what it presented', async () => {
    const dave = await sessionOf('dave');
    const lookups = vi.spyOn(VerifiedIdCache.prototype, 'get');
    try {
      for (let i = 0; i < 3; i++) expect((await read(dave)).data).toEqual({ owner: 'dave' });
      expect(lookups).toHaveBeenCalledTimes(1);
      await read(`${dave}; other=1`);
      expect(lookups).toHaveBeenCalledTimes(2);
    } finally {
      lookups.mockRestore();
    }
    expect(ports.size).toBe(1);
  });

  it('loads the session anew each time: one destroyed meanwhile reads as a fresh session', async () => {
    const carol = await sessionOf('carol');
    expect((await read(carol)).data).toEqual({ owner: 'carol' });
    expect((await send('POST', '/logout', carol)).status).toBe(201);
    const after = await read(carol);
    expect(after.isNew).toBe(true);
    expect(after.data).toEqual({});
    expect(ports.size).toBe(1);
  });
});
