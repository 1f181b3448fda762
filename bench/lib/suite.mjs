// The load rounds: every scenario on every app, interleaved, so all setups see the same noise, each
// measured with the other apps stopped.
import { load, SCENARIOS } from './driver.mjs';

/** The apps that run `scenario` (GraphQL setups run only their own). */
const running = (apps, scenario) => apps.filter((app) => app.setup.scenarios.includes(scenario));
import { CPU_TICK_MS, cpuMs, rssKiB } from './processes.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Stops every app but `app` (SIGSTOP) while `run` measures it, then lets them go on (SIGCONT):
 * idle apps still run timers (store sweeps, pool keep-alives, GC), which on a 2-core machine
 * would take CPU from whichever app is being measured.
 */
async function alone(apps, app, run) {
  const others = apps.filter((a) => a !== app);
  for (const other of others) process.kill(other.pid, 'SIGSTOP');
  try {
    return await run();
  } finally {
    for (const other of others) process.kill(other.pid, 'SIGCONT');
  }
}

/**
 * Waits until the app is idle: up to `IDLE_MAX_WINDOWS` windows of `IDLE_WINDOW_MS` until one
 * where it used at most one clock tick of CPU. An app is stopped (SIGSTOP) right after its own
 * run, so the GC work that run left is otherwise done in its next run and charged to it (seen
 * here: 70% of a core for a second in the connect-redis apps). Returns the CPU (% of one core)
 * of the last window, and how long the wait took.
 */
async function settle(app) {
  let pct = 0;
  for (let window = 1; window <= IDLE_MAX_WINDOWS; window++) {
    const before = cpuMs(app.pid);
    await sleep(IDLE_WINDOW_MS);
    const used = cpuMs(app.pid) - before;
    pct = (used * 100) / IDLE_WINDOW_MS;
    if (used <= CPU_TICK_MS) return { idleCpuPct: pct, settleMs: window * IDLE_WINDOW_MS };
  }
  return { idleCpuPct: pct, settleMs: IDLE_MAX_WINDOWS * IDLE_WINDOW_MS };
}
/** How long each idle sample before a run lasts, and how many are taken at most. */
export const IDLE_WINDOW_MS = 200;
const IDLE_MAX_WINDOWS = 15;

/** What the near-cache's counters moved by between two `stats()` answers (null without a near-cache). */
function nearDelta(before, after) {
  if (!before?.near || !after?.near) return null;
  const moved = (k) => after.near[k] - before.near[k];
  return {
    hits: moved('hits'),
    misses: moved('misses'),
    invalidations: moved('invalidations'),
    evictions: moved('evictions'),
    entries: after.near.entries,
    active: before.near.active && after.near.active,
  };
}

/**
 * One load run of `scenario` on `app` for `duration` seconds, with the others stopped: the result,
 * the app's CPU time per request (µs), and with `redis` the commands Redis processed meanwhile.
 * Starts once the app is idle (`settle`): what it spent then shows a background cost, which would
 * inflate every route's CPU per request. For a near-cache setup, also what its counters did.
 */
export async function measureAlone(apps, app, scenario, config, duration, redis) {
  return alone(apps, app, async () => {
    const { idleCpuPct, settleMs } = await settle(app);
    const statsBefore = await app.stats();
    const before = redis ? await redis.commandsProcessed() : 0;
    const cpuBefore = cpuMs(app.pid);
    const result = await load(app.url, scenario, { connections: config.connections, duration });
    await sleep(100); // let requests still in flight at the end finish their store calls
    const cpuUsed = cpuMs(app.pid) - cpuBefore;
    const statsAfter = await app.stats();
    return {
      result,
      idleCpuPct,
      settleMs,
      near: nearDelta(statsBefore, statsAfter),
      cpuUsPerRequest: result.requests > 0 ? (cpuUsed * 1000) / result.requests : null,
      redisCommands: redis ? (await redis.commandsProcessed()) - before : null,
    };
  });
}

/** The app order for a round, rotated so no setup always runs first or last. */
function rotate(list, by) {
  const k = by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

/**
 * Runs `rounds` rounds, each on fresh app processes (`restartAll`, from the second round on) after
 * a warm-up pass of `warmupRequests` per setup and scenario (not recorded); returns one record per
 * round x scenario x app. Fresh processes, because one setup's processes differ in speed by up to
 * 15% here, persistently (seen with identical setups side by side): medians over rounds are then
 * medians over processes too. Redis commands are counted from INFO around each run, the app's CPU
 * time from /proc.
 */
export async function runRounds(apps, redis, config, log, restartAll) {
  const opts = { connections: config.connections };
  const warmUp = async () => {
    for (const scenario of SCENARIOS) {
      for (const app of running(apps, scenario))
        await load(app.url, scenario, { ...opts, amount: config.warmupRequests });
    }
  };
  const runs = [];
  for (let round = 1; round <= config.rounds; round++) {
    if (round > 1) await restartAll();
    await warmUp();
    for (const scenario of SCENARIOS) {
      const scenarioApps = running(apps, scenario);
      if (scenarioApps.length === 0) continue;
      for (const app of rotate(scenarioApps, round - 1 + SCENARIOS.indexOf(scenario))) {
        const { result, cpuUsPerRequest, redisCommands, idleCpuPct, settleMs, near } = await measureAlone(
          apps,
          app,
          scenario,
          config,
          config.duration,
          redis,
        );
        const redisPerRequest =
          app.setup.store === 'redis' && result.requests > 0 ? (redisCommands - 1) / result.requests : null;
        const record = {
          setup: app.name,
          scenario,
          round,
          ...result,
          redisPerRequest,
          cpuUsPerRequest,
          idleCpuPct,
          settleMs,
          near,
        };
        record.rssKiB = rssKiB(app.pid);
        runs.push(record);
        log(
          `round ${round} ${scenario.padEnd(9)} ${app.name.padEnd(30)} ` +
            `${Math.round(result.rps).toString().padStart(6)} req/s  p99 ${result.p99} ms  ` +
            `${Math.round(cpuUsPerRequest)} µs CPU/req  settled in ${settleMs} ms (${idleCpuPct.toFixed(0)}% CPU)` +
            (near ? `  near ${JSON.stringify(near)}` : '') +
            (result.non2xx ? `  non-2xx ${result.non2xx}` : ''),
        );
      }
    }
  }
  return runs;
}
