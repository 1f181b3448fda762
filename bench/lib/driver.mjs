// Drives one app over HTTP: warm-up cookie, autocannon load runs, and the correctness probe.
import autocannon from 'autocannon';

/** `write-only`: an increment with `@Session({ load: false })` (nest-sessions' memory and Redis setups). */
export const SCENARIOS = ['read', 'write', 'write-only', 'create', 'untouched', 'graphql-read'];

/** `graphql-read`: the `read` scenario as a GraphQL query (POST /graphql) on an existing session. */
const GRAPHQL_READ = JSON.stringify({ query: '{ read }' });

/** How autocannon sends `scenario`: a GET of its route, or the GraphQL query. */
function requestOf(base, scenario) {
  if (scenario !== 'graphql-read') return { url: `${base}/${scenario}` };
  return { url: `${base}/graphql`, method: 'POST', body: GRAPHQL_READ, json: true };
}

/** `read-bare`: `read` without `@Session()`, in a session app (see IN_ONE_PROCESS, alternating.mjs). */
const withCookie = (scenario) =>
  ['read', 'read-bare', 'write', 'write-only', 'graphql-read'].includes(scenario);

/** The `Cookie` header that replays a response's `Set-Cookie`s ('' when there are none). */
function cookieOf(res) {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

/** A GET by default; `how` (from requestOf) for the GraphQL POST. */
async function get(url, cookie, how = {}) {
  const { method = 'GET', body: payload, json } = how;
  const headers = { ...(cookie ? { cookie } : {}), ...(json ? { 'content-type': 'application/json' } : {}) };
  const res = await fetch(url, { method, headers, body: payload });
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
 * /untouched sets no cookie; a GraphQL setup's query sees it too. A setup failing these would
 * measure the wrong thing.
 */
export async function sanity(base, setup = {}) {
  const cookie = await sessionCookie(base);
  const read = await get(`${base}/read`, cookie);
  const untouched = await get(`${base}/untouched`);
  const checks = {
    createSetsCookie: cookie !== '',
    readSeesValue: read.status === 200 && JSON.parse(read.body).n === 1,
    untouchedSetsNoCookie: untouched.status === 200 && untouched.cookie === '',
  };
  if (setup.graphql) {
    const { url, ...how } = requestOf(base, 'graphql-read');
    const query = await get(url, cookie, how);
    checks.graphqlReadSeesValue = query.status === 200 && JSON.parse(query.body).data?.read === 1;
  }
  return checks;
}

/**
 * What a client of bare Nest sends where a session client sends its cookie: a Cookie header of the
 * same form and length as nest-sessions' (a signed id and its freshness token). Bare sets no
 * cookie, yet a browser sends its cookies to any app; without one, bare would be measured on
 * smaller requests, and the cost of the client's header (Node parses it for every app) would be
 * charged to the session layer.
 */
const STAND_IN_COOKIE = `sid=${'A'.repeat(32)}.${'B'.repeat(43)}; sid.v=1`;

/**
 * One autocannon run of `scenario` for `duration` seconds, or of `amount` requests when given;
 * read and write replay one session cookie on every request (bare: `STAND_IN_COOKIE`).
 */
export async function load(base, scenario, { duration, amount, connections }) {
  const cookie = withCookie(scenario) ? (await sessionCookie(base)) || STAND_IN_COOKIE : '';
  const { url, method = 'GET', body, json } = requestOf(base, scenario);
  const result = await autocannon({
    url,
    method,
    body,
    connections,
    // autocannon ends a run on a sample tick (1 s by default): tick faster for a count of requests.
    ...(amount ? { amount, sampleInt: 100 } : { duration }),
    headers: { ...(cookie ? { cookie } : {}), ...(json ? { 'content-type': 'application/json' } : {}) },
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
  const cookie = withCookie(scenario) ? await sessionCookie(base) : '';
  const { url, ...how } = requestOf(base, scenario);
  const counts = await monitorDuring(async () => {
    for (let i = 0; i < n; i++) await get(url, cookie, how);
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
