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
 * `config.alternations` pairs of `config.alternationSeconds`-long runs per comparison whose two
 * apps both run, the order flipped every pair; one record per comparison with the median ratios
 * (req/s, and CPU per request: the other's over this one's).
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
    const rps = [];
    const cpu = [];
    for (let i = 0; i < config.alternations; i++) {
      const order = i % 2 ? [other, app] : [app, other];
      const runs = new Map();
      for (const next of order) {
        runs.set(next, await measureAlone(apps, next, scenario, config, config.alternationSeconds));
      }
      const mine = runs.get(app);
      const theirs = runs.get(other);
      rps.push(mine.result.rps / theirs.result.rps);
      cpu.push(theirs.cpuUsPerRequest / mine.cpuUsPerRequest);
    }
    const record = {
      setup,
      scenario,
      against,
      atLeast,
      pairs: rps.length,
      rpsRatio: median(rps),
      rpsRatioMin: Math.min(...rps),
      rpsRatioMax: Math.max(...rps),
      cpuRatio: median(cpu),
    };
    results.push(record);
    log(
      `alternating ${scenario.padEnd(9)} ${setup} vs ${against}: ${record.rpsRatio.toFixed(2)}x ` +
        `(${record.rpsRatioMin.toFixed(2)}-${record.rpsRatioMax.toFixed(2)}), CPU ${record.cpuRatio.toFixed(2)}x`,
    );
  }
  return results;
}
