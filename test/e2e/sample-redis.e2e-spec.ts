import { Logger } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RedisServerHandle } from '../support/redis-server';
import { startRedisServer } from '../support/redis-server';
import { cookiePair, sessionCookie } from '../support/session-test-app';

/** `REDIS_URL=… npm start`: the sample on RedisStore.connect(REDIS_URL), against a real redis-server. */
describe('sample app with REDIS_URL set', () => {
  let redis: RedisServerHandle;
  let app: INestApplication;

  beforeAll(async () => {
    vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    redis = await startRedisServer();
    vi.stubEnv('REDIS_URL', `redis://${redis.host}:${redis.port}`);
    // The module reads REDIS_URL when it is loaded.
    const { AppModule } = await import('../../sample/app.module');
    app = await NestFactory.create(AppModule, { logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await redis?.stop();
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('keeps sessions in Redis, and reports Redis down and back at /health', async () => {
    const server = app.getHttpServer();
    const signIn = await request(server).get('/');
    let cookie = cookiePair(sessionCookie(signIn));
    const csrf = /name="_csrf" value="([^"]+)"/.exec(signIn.text)![1];
    const login = await request(server)
      .post('/login')
      .type('form')
      .send({ _csrf: csrf, user: 'ada' })
      .set('Cookie', cookie)
      .expect(303);
    cookie = cookiePair(sessionCookie(login));
    await request(server).get('/').set('Cookie', cookie).expect(200);
    const home = await request(server).get('/').set('Cookie', cookie).expect(200);
    expect(home.text).toContain('<strong id="visits">2</strong>');
    const keys = (await redis.command('KEYS', 'sess:*')) as string[];
    expect(keys.some((key) => key.startsWith('sess:user:'))).toBe(true);

    await request(server).get('/health').expect(200);
    await redis.kill();
    await request(server).get('/health').expect(503);
    expect((await request(server).get('/').set('Cookie', cookie)).status).toBe(503);
    await redis.restart();
    // A killed redis-server without persistence comes back empty: the app recovers, the session is gone.
    for (let tries = 0; (await request(server).get('/health')).status !== 200; tries++) {
      if (tries > 100) throw new Error('/health did not come back');
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect((await request(server).get('/').set('Cookie', cookie)).text).toContain('Sign in');
  });
});
