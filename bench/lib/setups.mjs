// What each app setup is, for the runner and the report. The apps themselves are in bench/apps.

/**
 * `store`: 'none' | 'memory' | 'redis' | 'cookie'. A setup may name its own `rival`. `bare` is the same adapter's ceiling; `rival` is the
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
  bare: `${s.adapter}-bare`,
  rival:
    'rival' in s
      ? s.rival
      : s.store === 'none' || s.store === 'cookie'
        ? undefined
        : s.adapter === 'express'
          ? `express-session-${s.store}`
          : `fastify-session-${s.store}`,
}));
