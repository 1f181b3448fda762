// The pass/fail targets, evaluated against the aggregated rows, probes and memory run.

const pct = (x) => `${(x * 100).toFixed(1)}%`;

function check(target, measured, pass) {
  return { target, measured, pass };
}

/** A ratio target; not measured when the setup compared against did not run. */
function ratioCheck(target, ratio, atLeast, format) {
  return ratio === null ? check(target, 'n/a', null) : check(target, format(ratio), ratio >= atLeast);
}

const times = (x) => `${x.toFixed(2)}x`;

/** The alternating comparisons against their targets (`atLeast`, set beside each in alternating.mjs). */
function alternatingTargets(alternating) {
  return alternating
    .filter((a) => a.atLeast !== null)
    .map((a) => {
      const bare = a.against.endsWith('-bare') || a.route !== undefined;
      const wanted = a.route
        ? `>= ${pct(a.atLeast)} of /${a.route}, the same without the session, in one process`
        : bare
          ? `>= ${pct(a.atLeast)} of bare`
          : `>= ${times(a.atLeast)} ${a.against}`;
      return ratioCheck(
        `${a.setup}: ${a.scenario} ${wanted} (alternating)`,
        a.rpsRatio,
        a.atLeast,
        bare ? pct : times,
      );
    });
}

/** `[{ target, measured, pass: true | false | null (not measured) }]`. */
export function evaluateTargets(rows, probes, memory, config, alternating = []) {
  const row = (setup, scenario) => rows.find((r) => r.setup === setup && r.scenario === scenario);
  const out = [];
  const nsSetups = [...new Set(rows.filter((r) => r.library === 'nest-sessions').map((r) => r.setup))];
  if (nsSetups.length === 0) {
    out.push(check('nest-sessions setups ran', 'none ran', false));
  }
  for (const setup of nsSetups) {
    const untouched = row(setup, 'untouched');
    if (untouched) {
      out.push(ratioCheck(`${setup}: untouched within 3% of bare`, untouched.vsBare, 0.97, pct));
    }
  }
  for (const setup of nsSetups.filter((s) => s.endsWith('-memory'))) {
    for (const scenario of ['read', 'write']) {
      const r = row(setup, scenario);
      if (r) out.push(ratioCheck(`${setup}: ${scenario} >= 85% of bare`, r.vsBare, 0.85, pct));
    }
  }
  for (const setup of nsSetups.filter((s) => s.endsWith('-redis'))) {
    const rivalName = setup.includes('fastify')
      ? '@fastify/session + connect-redis'
      : 'express-session + connect-redis';
    for (const scenario of ['read', 'write']) {
      const r = row(setup, scenario);
      if (!r) continue;
      out.push(ratioCheck(`${setup}: ${scenario} >= 1.3x ${rivalName}`, r.vsRival, 1.3, times));
    }
    const read = row(setup, 'read');
    const write = row(setup, 'write');
    // Commands the app sends (MONITOR); INFO's count, which adds what scripts run inside Redis, is shown beside.
    const redisFigures = (r) =>
      `${r.redisSentPerRequest?.toFixed(2)} sent (INFO: ${r.redisPerRequest?.toFixed(2)} incl. inside scripts)`;
    if (read)
      out.push(
        check(
          `${setup}: 1 Redis command per read`,
          redisFigures(read),
          read.redisSentPerRequest === null ? null : read.redisSentPerRequest <= 1,
        ),
      );
    if (write)
      out.push(
        check(
          `${setup}: <= 2 Redis commands per write`,
          redisFigures(write),
          write.redisSentPerRequest === null ? null : write.redisSentPerRequest <= 2,
        ),
      );
  }
  // SQL stores: statements sent per request, from the server's own counter.
  for (const setup of nsSetups.filter((s) => s.endsWith('-postgres') || s.endsWith('-mysql'))) {
    const read = row(setup, 'read');
    const write = row(setup, 'write');
    const sent = (r) => r.redisSentPerRequest;
    if (read)
      out.push(
        check(
          `${setup}: 1 statement per read`,
          `${sent(read)?.toFixed(2)} sent`,
          sent(read) === null ? null : sent(read) <= 1,
        ),
      );
    if (write)
      out.push(
        check(
          `${setup}: <= 2 statements per write (the load, plus 1)`,
          `${sent(write)?.toFixed(2)} sent`,
          sent(write) === null ? null : sent(write) <= 2,
        ),
      );
  }
  // The near-cache (issue 14): a cached read near bare Nest, sending nothing; a write one command.
  for (const setup of nsSetups.filter((s) => s.endsWith('-redis-near'))) {
    const rivalName = setup.includes('fastify')
      ? '@fastify/session + connect-redis'
      : 'express-session + connect-redis';
    const read = row(setup, 'read');
    const write = row(setup, 'write');
    if (read) {
      out.push(ratioCheck(`${setup}: read >= 90% of bare`, read.vsBare, 0.9, pct));
      out.push(ratioCheck(`${setup}: read >= 2x ${rivalName}`, read.vsRival, 2, times));
      out.push(
        check(
          `${setup}: cached read sends 0 Redis commands`,
          `${read.redisSentPerRequest?.toFixed(2)} sent per request`,
          read.redisSentPerRequest == null ? null : read.redisSentPerRequest <= 0.05,
        ),
      );
    }
    if (write)
      out.push(
        check(
          `${setup}: write sends 1 Redis command`,
          `${write.redisSentPerRequest?.toFixed(2)} sent per request`,
          write.redisSentPerRequest == null ? null : write.redisSentPerRequest <= 1.05,
        ),
      );
  }
  out.push(...alternatingTargets(alternating));
  for (const setup of nsSetups) {
    const p = probes[setup];
    if (!p) continue;
    if (setup.endsWith('-cookie')) {
      // Stateless: each concurrent request seals its own result, and the probe's cookie holds none.
      out.push(
        check(
          `${setup}: probe (last-writer-wins by design)`,
          `${p.keysKept}/${p.n} keys, counter ${p.counter}`,
          null,
        ),
      );
      continue;
    }
    out.push(
      check(
        `${setup}: probe keeps 100/100 keys and 100 increments`,
        `${p.keysKept}/${p.n} keys, counter ${p.counter}`,
        p.keysKept === p.n && p.counter === p.n && p.failedRequests === 0,
      ),
    );
  }
  const ns = memory?.['nest-sessions'];
  const es = memory?.['express-session'];
  if (ns && es && !ns.error && !es.error) {
    const nsHeap = ns.created.heapUsedMiB - ns.baseline.heapUsedMiB;
    const esHeap = es.created.heapUsedMiB - es.baseline.heapUsedMiB;
    out.push(
      check(
        `${ns.sessions.toLocaleString('en')} MemoryStore sessions use less heap than express-session's`,
        `${nsHeap.toFixed(0)} MiB vs ${esHeap.toFixed(0)} MiB`,
        nsHeap < esHeap,
      ),
    );
    // Without any access the store's own sweep must reclaim them; quick runs do not wait for it.
    const after = config.idleWaitMs >= 10_000 ? ns.expiredIdle : ns.expiredScanned;
    const left = (after.heapUsedMiB - ns.baseline.heapUsedMiB) / nsHeap;
    out.push(
      check(
        `expired MemoryStore sessions fully reclaimed (${config.idleWaitMs >= 10_000 ? 'no access, sweep timer' : 'after count()'})`,
        `${pct(Math.max(0, left))} of the heap left, ${ns.liveAfterExpiry} live`,
        ns.liveAfterExpiry === 0 && left <= 0.02,
      ),
    );
  } else {
    out.push(
      check(
        'MemoryStore at scale',
        memory ? `${ns?.error ?? ''} ${es?.error ?? ''}`.trim() : 'skipped',
        null,
      ),
    );
  }
  return out;
}
