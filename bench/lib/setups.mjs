// What each app setup is, for the runner and the report. The apps themselves are in bench/apps.

/**
 * `store`: 'none' | 'memory' | 'redis' | 'file' | 'postgres' | 'mysql' | 'cookie'. A setup may name its own `rival`. `bare` is the same adapter's ceiling; `rival` is the
 * established library on the same adapter and store kind that the ratio column compares against.
 */
/** Setups that also run `write-only`: bare (its ceiling) and nest-sessions on memory and Redis. */
const writeOnly = (s) =>
  s.library === 'bare' ||
  (s.library === 'nest-sessions' &&
    !s.name.endsWith('req-session') &&
    (s.store === 'memory' || s.store === 'redis'))
    ? ['write-only']
    : [];

export const SETUPS = [
  { name: 'express-bare', adapter: 'express', library: 'bare', store: 'none' },
  { name: 'nest-sessions-express-memory', adapter: 'express', library: 'nest-sessions', store: 'memory' },
  { name: 'nest-sessions-express-redis', adapter: 'express', library: 'nest-sessions', store: 'redis' },
  // RedisStore with `nearCache: {}`: a cached read sends nothing to Redis.
  { name: 'nest-sessions-express-redis-near', adapter: 'express', library: 'nest-sessions', store: 'redis' },
  // RedisStore on a client with `enableAutoPipelining`, beside the plain one.
  {
    name: 'nest-sessions-express-redis-autopipe',
    adapter: 'express',
    library: 'nest-sessions',
    store: 'redis',
  },
  // MemoryStore with `requestSession: true` (req.session for Passport & co.): what that option costs.
  {
    name: 'nest-sessions-express-req-session',
    adapter: 'express',
    library: 'nest-sessions',
    store: 'memory',
  },
  { name: 'express-session-memory', adapter: 'express', library: 'express-session', store: 'memory' },
  { name: 'express-session-redis', adapter: 'express', library: 'express-session', store: 'redis' },
  // FileStore (fsync on) against session-file-store, the file store express-session lists.
  { name: 'nest-sessions-express-file', adapter: 'express', library: 'nest-sessions', store: 'file' },
  { name: 'express-session-file', adapter: 'express', library: 'express-session', store: 'file' },
  { name: 'fastify-bare', adapter: 'fastify', library: 'bare', store: 'none' },
  { name: 'nest-sessions-fastify-memory', adapter: 'fastify', library: 'nest-sessions', store: 'memory' },
  { name: 'nest-sessions-fastify-redis', adapter: 'fastify', library: 'nest-sessions', store: 'redis' },
  { name: 'nest-sessions-fastify-redis-near', adapter: 'fastify', library: 'nest-sessions', store: 'redis' },
  {
    name: 'nest-sessions-fastify-redis-autopipe',
    adapter: 'fastify',
    library: 'nest-sessions',
    store: 'redis',
  },
  {
    name: 'nest-sessions-fastify-req-session',
    adapter: 'fastify',
    library: 'nest-sessions',
    store: 'memory',
  },
  { name: 'fastify-session-memory', adapter: 'fastify', library: '@fastify/session', store: 'memory' },
  { name: 'fastify-session-redis', adapter: 'fastify', library: '@fastify/session', store: 'redis' },
  { name: 'nest-sessions-fastify-file', adapter: 'fastify', library: 'nest-sessions', store: 'file' },
  { name: 'fastify-session-file', adapter: 'fastify', library: '@fastify/session', store: 'file' },
  // GraphQL (Apollo on Express), measured only on its own scenario: a query reading the session.
  { name: 'apollo-bare', adapter: 'express', library: 'bare', store: 'none', graphql: true },
  {
    name: 'nest-sessions-apollo-memory',
    adapter: 'express',
    library: 'nest-sessions',
    store: 'memory',
    graphql: true,
  },
  // SQL stores: nest-sessions' PostgresStore / MySqlStore against connect-pg-simple and
  // express-mysql-session, under express-session and under @fastify/session.
  { name: 'nest-sessions-express-postgres', adapter: 'express', library: 'nest-sessions', store: 'postgres' },
  { name: 'express-session-postgres', adapter: 'express', library: 'express-session', store: 'postgres' },
  { name: 'nest-sessions-fastify-postgres', adapter: 'fastify', library: 'nest-sessions', store: 'postgres' },
  { name: 'fastify-session-postgres', adapter: 'fastify', library: '@fastify/session', store: 'postgres' },
  { name: 'nest-sessions-express-mysql', adapter: 'express', library: 'nest-sessions', store: 'mysql' },
  { name: 'express-session-mysql', adapter: 'express', library: 'express-session', store: 'mysql' },
  { name: 'nest-sessions-fastify-mysql', adapter: 'fastify', library: 'nest-sessions', store: 'mysql' },
  { name: 'fastify-session-mysql', adapter: 'fastify', library: '@fastify/session', store: 'mysql' },
  // Stateless: the session sealed in the cookie. Fastify's peer is @fastify/secure-session; no
  // cookie-session library is installed for Express, so its rival is express-session's MemoryStore.
  {
    name: 'nest-sessions-express-cookie',
    adapter: 'express',
    library: 'nest-sessions',
    store: 'cookie',
    rival: 'express-session-memory',
  },
  {
    name: 'nest-sessions-fastify-cookie',
    adapter: 'fastify',
    library: 'nest-sessions',
    store: 'cookie',
    rival: 'fastify-secure-session',
  },
  { name: 'fastify-secure-session', adapter: 'fastify', library: '@fastify/secure-session', store: 'cookie' },
].map((s) => ({
  ...s,
  bare: s.graphql ? 'apollo-bare' : `${s.adapter}-bare`,
  scenarios: s.graphql ? ['graphql-read'] : ['read', 'write', ...writeOnly(s), 'create', 'untouched'],
  rival:
    'rival' in s
      ? s.rival
      : s.store === 'none' || s.store === 'cookie' || s.graphql
        ? undefined
        : s.adapter === 'express'
          ? `express-session-${s.store}`
          : `fastify-session-${s.store}`,
}));
