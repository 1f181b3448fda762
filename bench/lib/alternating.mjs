// The issues' close comparisons, measured by alternation: one setup and the one it is compared with
// take turns in short runs, so a drift of the machine's speed (seen here: 2x within seconds) hits
// both sides of each pair alike. The median of the per-pair ratios is far steadier than a ratio of
// two runs minutes apart.
import { median } from './aggregate.mjs';
import { load } from './driver.mjs';
import { measureAlone } from './suite.mjs';

const both = (f) => ['express', 'fastify'].flatMap(f);
const rivalOf = (adapter, store) =>
  adapter === 'express' ? `express-session-${store}` : `fastify-session-${store}`;

/** Each adapter's comparisons against bare: `[store, scenario, at least]` (issue 8; near-cache: issue 14). */
const AGAINST_BARE = {
  express: [
    ['memory', 'read', 0.85],
    ['memory', 'write', 0.75],
  ],
  fastify: [
    ['memory', 'read', 0.7],
    ['memory', 'write', 0.6],
  ],
};
const ON_BOTH = [
  ...['memory', 'redis', 'redis-near'].map((store) => [store, 'untouched', 0.97]),
  ['redis-near', 'read', 0.9],
];

/**
 * `[setup, scenario, against, atLeast]`: what issue 8 (core) and issue 14 (near-cache) set targets
 * for: ratios to bare, the near-cached read at 2x the rival, and Fastify's create ahead of it. An
 * `atLeast` of null sets no target: the comparison is reported only (auto-pipelining's worth).
 */
export const ALTERNATING = [
  ...both((a) =>
    [...ON_BOTH, ...AGAINST_BARE[a]].map(([store, scenario, atLeast]) => [
      `nest-sessions-${a}-${store}`,
      scenario,
      `${a}-bare`,
      atLeast,
    ]),
  ),
  ...both((a) => [[`nest-sessions-${a}-redis-near`, 'read', rivalOf(a, 'redis'), 2]]),
  ...['memory', 'redis'].map((s) => [`nest-sessions-fastify-${s}`, 'create', rivalOf('fastify', s), 1]),
  ...both((a) =>
    ['read', 'write', 'write-only', 'create'].map((scenario) => [
      `nest-sessions-${a}-redis-autopipe`,
      scenario,
      `nest-sessions-${a}-redis`,
      null,
    ]),
  ),
];

/**
 * `[setup, scenario, route, atLeast]`: the scenario against a route of the same app that does the
 * same without `@Session()` (issue 14's near-cached read). One process serves both, so what differs
 * is the session layer alone: two processes of one setup differ by up to 15% here for as long as
 * they live, which a comparison with bare Nest's process also measures (seen: an untouched route,
 * bare's own code, at 0.91x of bare).
 */
export const IN_ONE_PROCESS = both((a) => [[`nest-sessions-${a}-redis-near`, 'read', 'read-bare', 0.9]]);

/**
 * `config.alternations` pairs of runs of the two `sides` (`{ app, scenario }`), each alone, the
 * order flipped every pair: the median ratios of the first side to the second (req/s, and CPU per
 * request: the second's over the first's).
 */
async function measurePairs(apps, config, sides) {
  const rps = [];
  const cpu = [];
  for (let i = 0; i < config.alternations; i++) {
    const order = i % 2 ? [sides[1], sides[0]] : sides;
    const runs = new Map();
    for (const side of order) {
      runs.set(side, await measureAlone(apps, side.app, side.scenario, config, config.alternationSeconds));
    }
    const [mine, theirs] = sides.map((side) => runs.get(side));
    rps.push(mine.result.rps / theirs.result.rps);
    cpu.push(theirs.cpuUsPerRequest / mine.cpuUsPerRequest);
  }
  return {
    pairs: rps.length,
    rpsRatio: median(rps),
    rpsRatioMin: Math.min(...rps),
    rpsRatioMax: Math.max(...rps),
    cpuRatio: median(cpu),
  };
}

const logLine = (record) =>
  `alternating ${record.scenario.padEnd(9)} ${record.setup} vs ${record.against}: ${record.rpsRatio.toFixed(2)}x ` +
  `(${record.rpsRatioMin.toFixed(2)}-${record.rpsRatioMax.toFixed(2)}), CPU ${record.cpuRatio.toFixed(2)}x`;

/**
 * Every comparison whose apps run (`ALTERNATING`, then `IN_ONE_PROCESS`), each on fresh processes
 * and warmed up, measured in pairs of `config.alternationSeconds`-long runs: one record each.
 */
export async function runAlternating(apps, config, log, restartOne) {
  const results = [];
  for (const [setup, scenario, against, atLeast] of ALTERNATING) {
    const running = [setup, against].map((name) => apps.find((a) => a.name === name));
    if (running.includes(undefined)) continue;
    // Both on fresh processes (a process's speed is partly luck, see runRounds), warmed up.
    const app = await restartOne(running[0]);
    const other = await restartOne(running[1]);
    if (!app || !other) continue;
    for (const next of [app, other])
      await load(next.url, scenario, { connections: config.connections, amount: config.warmupRequests });
    const sides = [
      { app, scenario },
      { app: other, scenario },
    ];
    const record = { setup, scenario, against, atLeast, ...(await measurePairs(apps, config, sides)) };
    results.push(record);
    log(logLine(record));
  }
  for (const [setup, scenario, route, atLeast] of IN_ONE_PROCESS) {
    const running = apps.find((a) => a.name === setup);
    const app = running && (await restartOne(running));
    if (!app) continue;
    for (const next of [scenario, route])
      await load(app.url, next, { connections: config.connections, amount: config.warmupRequests });
    const sides = [
      { app, scenario },
      { app, scenario: route },
    ];
    const against = `${setup} /${route}`;
    const record = { setup, scenario, against, route, atLeast, ...(await measurePairs(apps, config, sides)) };
    results.push(record);
    log(logLine(record));
  }
  return results;
}
