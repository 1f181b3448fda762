import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../lib/stores/redis';
import type { SentinelGroup } from '../support/redis-server';
import { startSentinelGroup, waitUntil } from '../support/redis-server';
import { cookiePair, createSessionTestApp, sessionCookie } from '../support/session-test-app';

describe('Sentinel failover under HTTP traffic', () => {
  let group: SentinelGroup;
  let client: Redis;
  let app: INestApplication;

  beforeAll(async () => {
    group = await startSentinelGroup('http-failover');
    client = new Redis({ sentinels: group.sentinels, name: group.masterName, maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
    app = await createSessionTestApp('express', { store: new RedisStore({ client, commandTimeout: 500 }) });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    client?.disconnect();
    await group?.stop();
  });

  it('keeps replicated sessions readable and serves new requests once the new master is elected', async () => {
    const http = app.getHttpServer();
    const cookies: string[] = [];
    for (let i = 0; i < 10; i++) {
      cookies.push(cookiePair(sessionCookie(await request(http).post(`/set/user?value=u${i}`).expect(201))));
    }
    expect(await client.wait(1, 2_000)).toBe(1); // replicated before the failover

    // traffic keeps flowing while the master dies and a replica is promoted
    let running = true;
    const statuses: number[] = [];
    const traffic = (async () => {
      // Bounded by time (the waits below), not by count: fail-fast 503s during the failover can
      // run through any fixed number of requests before the new master is elected.
      for (let i = 0; running && i < 1_000_000; i++) {
        statuses.push(
          (
            await request(http)
              .post('/incr')
              .set('Cookie', cookies[i % 10])
          ).status,
        );
      }
    })();
    const oldMaster = group.master.port;
    await group.master.kill();
    await waitUntil('a new master', async () => (await group.currentMasterPort()) !== oldMaster, 20_000, 100);
    await waitUntil(
      'session writes to succeed again',
      async () => {
        return (await request(http).post('/set/probe')).status === 201;
      },
      20_000,
      100,
    );
    const recovered = statuses.length;
    await waitUntil(
      'the traffic to succeed again',
      async () => statuses.slice(recovered).includes(201),
      10_000,
      50,
    );
    running = false;
    await traffic;

    // during the outage: fast 503s, never another status; afterwards every session is there
    expect(statuses.every((s) => s === 201 || s === 503)).toBe(true);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThan(0);
    for (const [i, cookie] of cookies.entries()) {
      const read = await request(http).get('/read').set('Cookie', cookie).expect(200);
      expect(read.body.isNew).toBe(false);
      expect(read.body.data.user).toBe(`u${i}`);
    }
  }, 60_000);
});
