// What each app setup is, for the runner and the report. The apps themselves are in bench/apps.

/**
 * `store`: 'none' | 'memory' | 'redis' | 'file'. `bare` is the same adapter's ceiling; `rival` is the
 * established library on the same adapter and store kind that the ratio column compares against.
 */
export const SETUPS = [
  { name: 'express-bare', adapter: 'express', library: 'bare', store: 'none' },
  { name: 'nest-sessions-express-memory', adapter: 'express', library: 'nest-sessions', store: 'memory' },
  { name: 'nest-sessions-express-redis', adapter: 'express', library: 'nest-sessions', store: 'redis' },
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
].map((s) => ({
  ...s,
  bare: s.graphql ? 'apollo-bare' : `${s.adapter}-bare`,
  scenarios: s.graphql ? ['graphql-read'] : ['read', 'write', 'create', 'untouched'],
  rival:
    s.store === 'none' || s.graphql
      ? undefined
      : s.adapter === 'express'
        ? `express-session-${s.store}`
        : `fastify-session-${s.store}`,
}));
