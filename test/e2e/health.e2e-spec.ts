import { Controller, Get, Logger, Module } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisStore, SessionHealthIndicator, SessionModule } from '../../lib';
import type { RedisServerHandle } from '../support/redis-server';
import { startRedisServer } from '../support/redis-server';
import { ADAPTERS } from '../support/session-test-app';

const STORE_TIMEOUT = 600;
/** Slack for a loaded machine on top of the timeout; a check that waited for Redis would exceed it. */
const SLACK = 1_200;

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly sessions: SessionHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.sessions.check()]);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(ADAPTERS)('SessionHealthIndicator on RedisStore (%s)', (adapter) => {
  let redis: RedisServerHandle;
  let app: INestApplication;

  beforeAll(async () => {
    // Outages are logged by the store (once each); these are deliberate.
    vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    redis = await startRedisServer();
    @Module({
      imports: [
        SessionModule.forRoot({
          storeTimeout: STORE_TIMEOUT,
          store: RedisStore.connect({ host: redis.host, port: redis.port }, { prefix: 'health:' }),
        }),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [HealthController],
    })
    class HealthAppModule {}
    app = await NestFactory.create(
      HealthAppModule,
      adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
      { logger: false },
    );
    await app.init();
    if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app?.close();
    await redis?.stop();
    vi.restoreAllMocks();
  });

  const health = () => request(app.getHttpServer()).get('/health');

  /** Polls /health until it answers `status`; the time that took. */
  async function until(status: number, within: number): Promise<number> {
    const started = Date.now();
    for (;;) {
      const res = await health();
      if (res.status === status) return Date.now() - started;
      if (Date.now() - started > within) throw new Error(`/health still ${res.status} after ${within} ms`);
      await sleep(100);
    }
  }

  it('is up while Redis answers', async () => {
    const res = await health().expect(200);
    expect(res.body).toMatchObject({ status: 'ok', details: { sessions: { status: 'up' } } });
  });

  it('is down within storeTimeout when Redis is killed, and up again after it restarts', async () => {
    await redis.kill();
    const started = Date.now();
    const down = await health();
    expect(Date.now() - started).toBeLessThan(STORE_TIMEOUT + SLACK);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({
      status: 'error',
      error: { sessions: { status: 'down', message: 'Session store unavailable' } },
    });
    expect(JSON.stringify(down.body)).not.toContain(String(redis.port));

    await redis.restart();
    // ioredis reconnects on its own (backoff up to 2 s); no restart of the app.
    await until(200, 15_000);
  });

  it('is down within storeTimeout when Redis hangs (SIGSTOP), and up once it resumes', async () => {
    redis.pause();
    try {
      const started = Date.now();
      const res = await health();
      const elapsed = Date.now() - started;
      expect(res.status).toBe(503);
      expect(elapsed).toBeGreaterThanOrEqual(STORE_TIMEOUT - 50);
      expect(elapsed).toBeLessThan(STORE_TIMEOUT + SLACK);
    } finally {
      redis.resume();
    }
    await until(200, 15_000);
  });
});
