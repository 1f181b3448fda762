// Drives one app over HTTP: warm-up cookie, autocannon load runs, and the correctness probe.
import autocannon from 'autocannon';

export const SCENARIOS = ['read', 'write', 'create', 'untouched'];

/** The `Cookie` header that replays a response's `Set-Cookie`s ('' when there are none). */
function cookieOf(res) {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

async function get(url, cookie) {
  const res = await fetch(url, { headers: cookie ? { cookie } : {} });
  const body = await res.text();
  return { status: res.status, cookie: cookieOf(res), body };
}

/** A fresh session holding `n: 1` (GET /create), as a Cookie header. */
export async function sessionCookie(base) {
  const res = await get(`${base}/create`);
  if (res.status !== 200) throw new Error(`GET /create answered ${res.status}`);
  return res.cookie;
}

/**
 * Checks each scenario does what it claims: /create sets a cookie, /read with it sees the value,
 * /untouched sets no cookie. A setup failing these would measure the wrong thing.
 */
export async function sanity(base) {
  const cookie = await sessionCookie(base);
  const read = await get(`${base}/read`, cookie);
  const untouched = await get(`${base}/untouched`);
  return {
    createSetsCookie: cookie !== '',
    readSeesValue: read.status === 200 && JSON.parse(read.body).n === 1,
    untouchedSetsNoCookie: untouched.status === 200 && untouched.cookie === '',
  };
}

/**
 * One autocannon run of `scenario` for `duration` seconds, or of `amount` requests when given;
 * read and write replay one session cookie on every request.
 */
export async function load(base, scenario, { duration, amount, connections }) {
  const cookie = scenario === 'read' || scenario === 'write' ? await sessionCookie(base) : '';
  const result = await autocannon({
    url: `${base}/${scenario}`,
    connections,
    // autocannon ends a run on a sample tick (1 s by default): tick faster for a count of requests.
    ...(amount ? { amount, sampleInt: 100 } : { duration }),
    headers: cookie ? { cookie } : {},
  });
  const seconds = (result.finish - result.start) / 1000 || duration;
  return {
    requests: result.requests.total,
    rps: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/**
 * 100 concurrent requests setting distinct keys on one session, then 100 concurrent increments:
 * returns how many of the keys and increments the session kept.
 */
export async function probe(base, n = 100) {
  const cookie = await sessionCookie(base);
  const sets = await Promise.all(Array.from({ length: n }, (_, i) => get(`${base}/set/k${i}`, cookie)));
  const afterSets = JSON.parse((await get(`${base}/dump`, cookie)).body);
  const keysKept = Array.from({ length: n }, (_, i) => `k${i}`).filter((k) => k in afterSets).length;
  const incrs = await Promise.all(Array.from({ length: n }, () => get(`${base}/incr`, cookie)));
  const afterIncrs = JSON.parse((await get(`${base}/dump`, cookie)).body);
  const failed = [...sets, ...incrs].filter((r) => r.status !== 200).length;
  return { n, keysKept, counter: Number(afterIncrs.c) || 0, failedRequests: failed };
}

/**
 * `n` sequential requests of `scenario` under `monitorDuring` (redis-server.mjs): Redis commands
 * the app sent per request, and commands its scripts ran inside Redis per request.
 */
export async function redisRoundTrips(base, scenario, monitorDuring, n = 50) {
  const cookie = scenario === 'read' || scenario === 'write' ? await sessionCookie(base) : '';
  const counts = await monitorDuring(async () => {
    for (let i = 0; i < n; i++) await get(`${base}/${scenario}`, cookie);
  });
  return { sentPerRequest: counts.sent / n, inScriptsPerRequest: counts.inScripts / n };
}

/**
 * `n` sequential requests of `scenario`: statements the app sent to its SQL server per request,
 * from the server's own counter (`statements()`, sql-servers.mjs) read before and after.
 */
export async function sqlRoundTrips(base, scenario, statements, n = 50) {
  const cookie = scenario === 'read' || scenario === 'write' ? await sessionCookie(base) : '';
  // What reading the counter adds to it by itself (MariaDB counts its own SHOW STATUS).
  const overhead = -(await statements()) + (await statements());
  const before = await statements();
  for (let i = 0; i < n; i++) await get(`${base}/${scenario}`, cookie);
  await new Promise((r) => setTimeout(r, 100));
  const after = await statements();
  return { sentPerRequest: (after - before - overhead) / n };
}
