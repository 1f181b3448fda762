// The results as JSON and as the Markdown the README shows.
import { aggregate, median } from './aggregate.mjs';
import { SCENARIOS } from './driver.mjs';
import { evaluateTargets } from './targets.mjs';
import { IDLE_WINDOW_MS } from './suite.mjs';

const fixed = (x, digits = 0) => (x === null || x === undefined ? '–' : x.toFixed(digits));
const ratio = (x) => (x === null || x === undefined ? '–' : `${x.toFixed(2)}x`);
const verdict = (pass) => (pass === null ? 'not measured' : pass ? '**pass**' : '**FAIL**');

function throughputTables(rows) {
  const lines = [];
  for (const scenario of SCENARIOS) {
    if (!rows.some((row) => row.scenario === scenario)) continue;
    lines.push(`### ${scenario}`, '');
    lines.push(
      '| setup | req/s | p50 ms | p99 ms | non-2xx | Redis/SQL sent/req | Redis cmd/req (INFO) | RSS MiB | x bare | x rival | app CPU µs/req | x bare (CPU) |',
    );
    lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of rows.filter((row) => row.scenario === scenario)) {
      lines.push(
        `| ${r.setup} | ${fixed(r.rps)} | ${fixed(r.p50, 1)} | ${fixed(r.p99, 1)} | ${r.non2xx + r.errors} | ` +
          `${fixed(r.redisSentPerRequest, 2)} | ${fixed(r.redisPerRequest, 2)} | ${fixed(r.rssMiB)} | ${ratio(r.vsBare)} | ${ratio(r.vsRival)} | ` +
          `${fixed(r.cpuUsPerRequest)} | ${ratio(r.cpuVsBare)} |`,
      );
    }
    lines.push('');
  }
  return lines;
}

/**
 * The app's CPU while idle before each run (a background cost shows on every route's CPU per
 * request), and what a near-cache did during the rounds.
 */
function backgroundTable(rows) {
  const setups = [...new Set(rows.map((r) => r.setup))];
  const lines = [
    '| setup | settle ms (median) | idle CPU % (median) | near-cache hits / misses per scenario | invalidations | evictions | most entries | active in every run |',
    '| --- | ---: | ---: | --- | ---: | ---: | ---: | --- |',
  ];
  for (const setup of setups) {
    const mine = rows.filter((r) => r.setup === setup);
    const idle = median(mine.map((r) => r.idleCpuPct));
    const settleMs = median(mine.map((r) => r.settleMs));
    const near = mine.filter((r) => r.near);
    const total = (k) => near.reduce((n, r) => n + r.near[k], 0);
    lines.push(
      `| ${setup} | ${fixed(settleMs)} | ${fixed(idle, 1)} | ` +
        (near.length
          ? `${near.map((r) => `${r.scenario} ${r.near.hits}/${r.near.misses}`).join(', ')} | ${total('invalidations')} | ` +
            `${total('evictions')} | ${Math.max(...near.map((r) => r.near.entries))} | ${near.every((r) => r.near.alwaysActive) ? 'yes' : '**no**'} |`
          : '– | – | – | – | – |'),
    );
  }
  return [...lines, ''];
}

function memoryTable(memory) {
  if (!memory) return ['Skipped.', ''];
  const lines = [
    '| store | sessions | create s | RSS after create MiB | heap after create MiB | heap after expiry, no access MiB | heap after expiry + a full read MiB | live after expiry |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [library, m] of Object.entries(memory)) {
    if (m.error) {
      lines.push(`| ${library} | error: ${m.error} | | | | | | |`);
      continue;
    }
    lines.push(
      `| ${library} | ${m.sessions.toLocaleString('en')} | ${fixed(m.createMs / 1000, 1)} | ${fixed(m.created.rssMiB)} | ` +
        `${fixed(m.created.heapUsedMiB)} | ${fixed(m.expiredIdle.heapUsedMiB)} | ${fixed(m.expiredScanned.heapUsedMiB)} | ${m.liveAfterExpiry} |`,
    );
  }
  const idle = Object.values(memory).find((m) => !m.error)?.idleWaitMs ?? 0;
  lines.push(
    '',
    `Heap before creating: ~${fixed(Object.values(memory).find((m) => !m.error)?.baseline.heapUsedMiB)} MiB. ` +
      `"No access" is after the clock passes every expiry and ${idle / 1000} s pass with no store call; ` +
      `"a full read" is after \`count()\` / \`length()\`, which read every session.`,
    '',
  );
  return lines;
}

function alternatingTable(alternating) {
  if (alternating.length === 0)
    return ['None ran (a setup or the one it is compared with was not selected).', ''];
  return [
    '| setup | scenario | against | pairs | x (median) | x (min-max) | x (CPU) |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: |',
    ...alternating.map(
      (a) =>
        `| ${a.setup} | ${a.scenario} | ${a.against} | ${a.pairs} | ${ratio(a.rpsRatio)} | ` +
        `${a.rpsRatioMin.toFixed(2)}-${a.rpsRatioMax.toFixed(2)} | ${ratio(a.cpuRatio)} |`,
    ),
    '',
  ];
}

export function buildReport({
  config,
  machine,
  runs,
  alternating = [],
  roundTrips,
  probes,
  sanity,
  failed,
  memory,
}) {
  const rows = aggregate(runs, roundTrips);
  const targets = evaluateTargets(rows, probes, memory, config, alternating);
  const date = new Date().toISOString();
  const md = [
    '# nest-sessions benchmark',
    '',
    `${date} · ${config.mode} run · Node ${machine.node} · ${machine.cpus} CPUs (${machine.cpuModel}) · ` +
      `${config.rounds} round(s) x ${config.duration} s per setup and scenario, ${config.connections} connections, medians over rounds.`,
    '',
    '`x bare`: req/s against bare Nest on the same adapter. `x rival`: against express-session (Express) or ' +
      '@fastify/session (Fastify) with the same kind of store. Ratios are taken within each round (the two ' +
      'setups ran minutes apart at most), then the median over rounds; so they need not equal the ratio of the ' +
      'req/s medians shown. ' +
      '`Redis/SQL sent/req`: commands the app sent to Redis per request (MONITOR, 50 sequential requests), ' +
      'or statements it sent to PostgreSQL (pg_stat_statements) or MariaDB (Questions); ' +
      '`Redis cmd/req (INFO)`: total_commands_processed over the load run per request, which also counts ' +
      'the commands a Lua script runs inside Redis. ' +
      '`app CPU µs/req`: CPU time of the app process per request (less sensitive to other load on the machine ' +
      "than req/s); `x bare (CPU)`: bare's CPU per request over this one's. Latencies have autocannon's 1 ms resolution.",
    '',
    ...throughputTables(rows),
    '## Background and near-cache',
    '',
    `Before each run, the app is left alone until a ${IDLE_WINDOW_MS} ms window passes in which it uses at most one ` +
      'clock tick of CPU (the GC work its previous run left, which SIGSTOP postponed, would otherwise land in this run). ' +
      "`settle ms`: how long that took; `idle CPU %`: the app's CPU in that last window, in % of one core " +
      '(a background cost, timers or connections, would show there and inflate every route of the app). ' +
      'Near-cache: its counters summed over the rounds, per scenario.',
    '',
    ...backgroundTable(rows),
    '## Alternating comparisons',
    '',
    `After the rounds, the comparisons the issues set targets for (and auto-pipelining against the plain ` +
      `client, with no target), measured by alternation: the setup and ` +
      `the one it is compared with take turns, ${config.alternations ?? 0} pairs of ${config.alternationSeconds ?? 0} s ` +
      'runs (the order flipped every pair), each alone. `x`: req/s against the other in the same pair, median ' +
      "over pairs; `x (CPU)`: the other's CPU per request over this one's. The machine's drift hits both sides " +
      'of a pair alike, so these are the steadier figures. An `against` naming a route (`/read-bare`) is that ' +
      "route of the same process: the same handler without `@Session()`, so the process's own speed, which " +
      'differs by up to 15% between two processes of one setup, is out of the comparison.',
    '',
    ...alternatingTable(alternating),
    '## Targets',
    '',
    '| target | measured | result |',
    '| --- | --- | --- |',
    ...targets.map((t) => `| ${t.target} | ${t.measured ?? '–'} | ${verdict(t.pass)} |`),
    '',
    '## Correctness probe',
    '',
    '100 concurrent requests each set a distinct key on one session; then 100 concurrent increments of one counter.',
    '',
    '| setup | keys kept (of 100) | counter (of 100) | failed requests |',
    '| --- | ---: | ---: | ---: |',
    ...Object.entries(probes).map(
      ([name, p]) => `| ${name} | ${p.keysKept} | ${p.counter} | ${p.failedRequests} |`,
    ),
    '',
    `## MemoryStore at scale`,
    '',
    ...memoryTable(memory),
  ];
  const problems = [
    ...Object.entries(failed).map(([name, msg]) => `- ${name} did not run: ${msg}`),
    ...Object.entries(sanity)
      .filter(
        ([name, s]) =>
          !name.endsWith('-bare') && !(s.createSetsCookie && s.readSeesValue && s.untouchedSetsNoCookie),
      )
      .map(([name, s]) => `- ${name} sanity check: ${JSON.stringify(s)}`),
  ];
  if (problems.length) md.push('## Problems', '', ...problems, '');
  return {
    json: {
      date,
      config,
      machine,
      rows,
      alternating,
      targets,
      roundTrips,
      probes,
      memory,
      sanity,
      failed,
      runs,
    },
    markdown: `${md.join('\n')}\n`,
  };
}
