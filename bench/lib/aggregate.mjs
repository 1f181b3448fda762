// Medians over rounds per setup x scenario, and the ratios against bare and the rival library.
import { SCENARIOS } from './driver.mjs';
import { SETUPS } from './setups.mjs';

export function median(values) {
  const xs = values.filter((v) => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
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
      });
    }
  }
  const find = (name, scenario) => rows.find((r) => r.setup === name && r.scenario === scenario);
  for (const row of rows) {
    const setup = SETUPS.find((s) => s.name === row.setup);
    const bare = find(setup.bare, row.scenario);
    const rival = setup.rival && find(setup.rival, row.scenario);
    row.vsBare = bare ? row.rps / bare.rps : null;
    row.vsRival = rival ? row.rps / rival.rps : null;
    row.cpuVsBare = bare ? bare.cpuUsPerRequest / row.cpuUsPerRequest : null;
  }
  return rows;
}
