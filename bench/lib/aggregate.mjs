// Medians over rounds per setup x scenario, and the ratios against bare and the rival library.
import { SCENARIOS } from './driver.mjs';
import { SETUPS } from './setups.mjs';

export function median(values) {
  const xs = values.filter((v) => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

/**
 * `row`'s ratio to `other` (same scenario), taken round by round and then the median: the two ran
 * in the same round, minutes apart at most, so a drift of the machine's speed over the run (seen
 * here up to 2x) moves both. Falls back to the ratio of medians when no round holds both.
 */
function pairedRatio(runs, row, other, measure) {
  const inRound = (name, round) =>
    runs.find((r) => r.setup === name && r.scenario === row.scenario && r.round === round);
  const perRound = runs
    .filter((r) => r.setup === row.setup && r.scenario === row.scenario)
    .map((r) => {
      const o = inRound(other.setup, r.round);
      return o ? measure(r, o) : null;
    });
  return median(perRound) ?? measure(row, other);
}

/** A near-cache's counters over all runs of a row, and whether it stayed active through each. */
function sumNear(deltas) {
  if (deltas.length === 0) return null;
  const sum = (k) => deltas.reduce((n, d) => n + d[k], 0);
  return {
    hits: sum('hits'),
    misses: sum('misses'),
    invalidations: sum('invalidations'),
    evictions: sum('evictions'),
    entries: Math.max(...deltas.map((d) => d.entries)),
    alwaysActive: deltas.every((d) => d.active),
  };
}

/** One row per setup x scenario that ran, in SETUPS order. */
export function aggregate(runs, roundTrips = {}) {
  const rows = [];
  for (const setup of SETUPS) {
    for (const scenario of SCENARIOS) {
      const recs = runs.filter((r) => r.setup === setup.name && r.scenario === scenario);
      if (recs.length === 0) continue;
      const rps = recs.map((r) => r.rps);
      rows.push({
        setup: setup.name,
        scenario,
        adapter: setup.adapter,
        library: setup.library,
        store: setup.store,
        rounds: recs.length,
        rps: median(rps),
        rpsMin: Math.min(...rps),
        rpsMax: Math.max(...rps),
        p50: median(recs.map((r) => r.p50)),
        p99: median(recs.map((r) => r.p99)),
        non2xx: recs.reduce((n, r) => n + r.non2xx, 0),
        errors: recs.reduce((n, r) => n + r.errors, 0),
        cpuUsPerRequest: median(recs.map((r) => r.cpuUsPerRequest)),
        redisPerRequest: median(recs.map((r) => r.redisPerRequest)),
        redisSentPerRequest: roundTrips[setup.name]?.[scenario]?.sentPerRequest ?? null,
        rssMiB: median(recs.map((r) => r.rssKiB / 1024)),
        idleCpuPct: median(recs.map((r) => r.idleCpuPct ?? null)),
        settleMs: median(recs.map((r) => r.settleMs ?? null)),
        near: sumNear(recs.map((r) => r.near).filter(Boolean)),
      });
    }
  }
  const find = (name, scenario) => rows.find((r) => r.setup === name && r.scenario === scenario);
  for (const row of rows) {
    const setup = SETUPS.find((s) => s.name === row.setup);
    const bare = find(setup.bare, row.scenario);
    const rival = setup.rival && find(setup.rival, row.scenario);
    const rps = (a, b) => a.rps / b.rps;
    const cpu = (a, b) => b.cpuUsPerRequest / a.cpuUsPerRequest;
    row.vsBare = bare ? pairedRatio(runs, row, bare, rps) : null;
    row.vsRival = rival ? pairedRatio(runs, row, rival, rps) : null;
    row.cpuVsBare = bare ? pairedRatio(runs, row, bare, cpu) : null;
  }
  return rows;
}
