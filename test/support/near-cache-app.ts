/**
 * One app instance in its own process, for the near-cache e2e spec: the session test app on a
 * RedisStore with `nearCache` on, listening on a free loopback port that it prints as
 * `{"port":N}`. Run: `node --require ./test/support/swc-register.cjs test/support/near-cache-app.ts '<json>'`
 * with `{ adapter, redis: { port } | { sentinels, name }, prefix }`. Stops on SIGTERM.
 */
import { Controller, Get, Inject, Module } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RedisStore, SessionStore } from '../../lib';
import type { AdapterName } from './session-test-app';
import { createSessionTestApp } from './session-test-app';

interface AppConfig {
  adapter: AdapterName;
  redis: { port: number } | { sentinels: { host: string; port: number }[]; name: string };
  prefix: string;
}

@Controller()
class NearStatsController {
  constructor(@Inject(SessionStore) private readonly store: SessionStore) {}

  @Get('near-stats')
  stats() {
    return (this.store as RedisStore).nearCacheStats;
  }
}

@Module({ controllers: [NearStatsController] })
class NearStatsModule {}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]) as AppConfig;
  const client =
    'port' in config.redis
      ? new Redis({ host: '127.0.0.1', port: config.redis.port, maxRetriesPerRequest: 1 })
      : new Redis({ ...config.redis, maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  const store = new RedisStore({ client, prefix: config.prefix, nearCache: {}, commandTimeout: 500 });
  const app = await createSessionTestApp(config.adapter, { store, storeTimeout: 1_000 }, [
    { module: NearStatsModule },
  ]);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
  process.once('SIGTERM', () => {
    void app
      .close()
      .then(() => store.onApplicationShutdown())
      .finally(() => {
        client.disconnect();
        process.exit(0);
      });
  });
}

void main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
