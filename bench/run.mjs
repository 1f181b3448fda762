// npm run bench [-- --quick] [--only=name,name] [--skip-memory] [--out=name] [--rounds=N --duration=S ...]
// Compiles the bench apps, starts a private redis-server and one process per setup, drives them
// with autocannon from here, probes correctness, measures MemoryStore at scale, writes the report.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApp } from './lib/app-process.mjs';
import { probe, redisRoundTrips, sanity, sqlRoundTrips } from './lib/driver.mjs';
import { runMemory } from './lib/memory.mjs';
import { startRedis } from './lib/redis-server.mjs';
import { startMariaDb, startPostgres } from './lib/sql-servers.mjs';
import { buildReport } from './lib/report.mjs';
import { renderChart } from './lib/chart.mjs';
import { SETUPS } from './lib/setups.mjs';
import { runRounds } from './lib/suite.mjs';
import { runAlternating } from './lib/alternating.mjs';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const only = argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
// A partial run writes its own report (bench/results/<out>.*) instead of replacing latest.*.
const out = argv.find((a) => a.startsWith('--out='))?.slice(6) ?? 'latest';
if (!/^[a-z0-9-]+$/.test(out)) throw new Error(`--out takes a plain name, not ${out}`);
const config = quick
  ? {
      mode: 'quick',
      rounds: 1,
      duration: 1,
      warmupRequests: 1_500,
      connections: 32,
      memorySessions: 100_000,
      idleWaitMs: 0,
      alternations: 2,
      alternationSeconds: 1,
    }
  : {
      mode: 'full',
      rounds: 3,
      duration: 3,
      warmupRequests: 5_000,
      connections: 32,
      memorySessions: 1_000_000,
      idleWaitMs: 11_000,
      alternations: 10,
      alternationSeconds: 1,
    };
for (const key of ['rounds', 'duration', 'connections', 'memorySessions', 'alternations']) {
  const value = argv.find((a) => a.startsWith(`--${key}=`))?.split('=')[1];
  if (value !== undefined) config[key] = Number(value);
}
const root = fileURLToPath(new URL('..', import.meta.url));
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
const started = Date.now();
const log = (msg) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${msg}`);

function compile() {
  log('compiling bench apps (tsc -p bench/tsconfig.json)');
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'bench/tsconfig.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (tsc.status !== 0) throw new Error('bench apps do not compile');
  // tsc copies no .lua files: RedisStore reads its scripts beside its compiled module.
  const lua = join(root, 'lib/stores/redis/lua');
  cpSync(lua, join(root, 'dist-bench/lib/stores/redis/lua'), { recursive: true });
}

async function main() {
  compile();
  const redis = await startRedis();
  log(`redis-server on 127.0.0.1:${redis.port}`);
  const apps = [];
  const failed = {};
  // The SQL servers start only when a selected setup needs them; apps find them by URL in env.
  const selected = SETUPS.filter((s) => !only || only.includes(s.name));
  const sql = {};
  try {
    if (selected.some((s) => s.store === 'postgres')) {
      sql.postgres = await startPostgres();
      process.env.BENCH_POSTGRES_URL = sql.postgres.url;
      log(`postgres at ${sql.postgres.url}`);
    }
    if (selected.some((s) => s.store === 'mysql')) {
      sql.mysql = await startMariaDb();
      process.env.BENCH_MYSQL_URL = sql.mysql.url;
      log(`mariadb at ${sql.mysql.url}`);
    }
    // One setup on a fresh process, sanity-checked and added to `apps`; undefined if it fails.
    const startSetup = async (setup) => {
      try {
        const app = await startApp(setup.name, redis.port);
        const check = await sanity(app.url, setup);
        const ready = { ...app, setup, sanity: check };
        apps.push(ready);
        log(`${setup.name} up (pid ${app.pid}) ${JSON.stringify(check)}`);
        return ready;
      } catch (err) {
        failed[setup.name] = err.message;
        log(`${setup.name} FAILED: ${err.message}`);
        return undefined;
      }
    };
    const startAll = async () => {
      for (const setup of selected) if (!failed[setup.name]) await startSetup(setup);
    };
    // Fresh processes (see runRounds): every app for a round, or one for a comparison.
    const restartAll = async () => {
      for (const app of apps) await app.stop();
      apps.length = 0;
      await startAll();
    };
    const restartOne = async (app) => {
      await app.stop();
      apps.splice(apps.indexOf(app), 1);
      return startSetup(app.setup);
    };
    await startAll();
    const runs = await runRounds(apps, redis, config, log, restartAll);
    const alternating = await runAlternating(apps, config, log, restartOne);
    const probes = {};
    for (const app of apps.filter((a) => a.setup.store !== 'none')) {
      probes[app.name] = await probe(app.url);
      log(`probe ${app.name}: ${JSON.stringify(probes[app.name])}`);
    }
    const roundTrips = {};
    for (const app of apps.filter((a) => a.setup.store === 'redis')) {
      roundTrips[app.name] = {};
      for (const scenario of app.setup.scenarios) {
        roundTrips[app.name][scenario] = await redisRoundTrips(app.url, scenario, redis.monitorDuring);
      }
      log(`redis round trips ${app.name}: ${JSON.stringify(roundTrips[app.name])}`);
    }
    for (const app of apps.filter((a) => sql[a.setup.store])) {
      roundTrips[app.name] = {};
      for (const scenario of app.setup.scenarios) {
        roundTrips[app.name][scenario] = await sqlRoundTrips(
          app.url,
          scenario,
          sql[app.setup.store].statements,
        );
      }
      log(`sql round trips ${app.name}: ${JSON.stringify(roundTrips[app.name])}`);
    }
    const sanityBySetup = Object.fromEntries(apps.map((a) => [a.name, a.sanity]));
    for (const app of apps) await app.stop();
    apps.length = 0;
    const memory = argv.includes('--skip-memory')
      ? null
      : await runMemory(config.memorySessions, config.idleWaitMs, log);
    const machine = { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model };
    const report = buildReport({
      config,
      machine,
      runs,
      alternating,
      roundTrips,
      probes,
      sanity: sanityBySetup,
      failed,
      memory,
    });
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(`${resultsDir}${out}.json`, `${JSON.stringify(report.json, null, 2)}\n`);
    writeFileSync(`${resultsDir}${out}.md`, report.markdown);
    writeFileSync(`${resultsDir}${out}.svg`, renderChart(report.json));
    console.log(`\n${report.markdown}`);
    log(`wrote bench/results/${out}.{json,md,svg}`);
  } finally {
    for (const app of apps) await app.stop();
    await redis.stop();
    for (const server of Object.values(sql)) await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
