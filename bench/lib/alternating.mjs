// The issues' close comparisons, measured by alternation: one setup and the one it is compared with
// take turns in short runs, so a drift of the machine's speed (seen here: 2x within seconds) hits
// both sides of each pair alike. The median of the per-pair ratios is far steadier than a ratio of
// two runs minutes apart.
import { median } from './aggregate.mjs';
import { measureAlone } from './suite.mjs';

const both = (f) => ['express', 'fastify'].flatMap(f);
const rivalOf = (adapter, store) =>
  adapter === 'express' ? `express-session-${store}` : `fastify-session-${store}`;

/** `[setup, scenario, against]`: what issue 8 (core) and issue 14 (near-cache) set targets for. */
export const ALTERNATING = [
  ...both((a) =>
    ['memory', 'redis', 'redis-near'].map((s) => [`nest-sessions-${a}-${s}`, 'untouched', `${a}-bare`]),
  ),
  ...both((a) => ['read', 'write'].map((sc) => [`nest-sessions-${a}-memory`, sc, `${a}-bare`])),
  ...both((a) => [
    [`nest-sessions-${a}-redis-near`, 'read', `${a}-bare`],
    [`nest-sessions-${a}-redis-near`, 'read', rivalOf(a, 'redis')],
  ]),
  ...['memory', 'redis'].map((s) => [`nest-sessions-fastify-${s}`, 'create', rivalOf('fastify', s)]),
];

/**
 * `config.alternations` pairs of `config.alternationSeconds`-long runs per comparison whose two
 * apps both run, the order flipped every pair; one record per comparison with the median ratios
 * (req/s, and CPU per request: the other's over this one's).
 */
export async function runAlternating(apps, config, log) {
  const byName = new Map(apps.map((app) => [app.name, app]));
  const results = [];
  for (const [setup, scenario, against] of ALTERNATING) {
    const app = byName.get(setup);
    const other = byName.get(against);
    if (!app || !other) continue;
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
