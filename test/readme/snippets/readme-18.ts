// Generated from README.md line 694 by test/readme/extract-snippets.mjs: edit the README.
import { Redis } from 'ioredis';
import { RedisStore, SessionModule } from 'nest-sessions';

const store = new RedisStore({
  client: new Redis(process.env.REDIS_URL!),
  nearCache: { maxEntries: 100_000, maxBytes: 32 * 1024 * 1024 }, // both optional; these are the defaults
});
SessionModule.forRoot({ store });
// or: RedisStore.connect(process.env.REDIS_URL!, { nearCache: {} })

// hits, misses, invalidations, evictions, and what it holds now (entries, bytes, active)
console.log(store.nearCacheStats);
