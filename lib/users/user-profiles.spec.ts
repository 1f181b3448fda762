import { describe, expect, it } from 'vitest';
import type { SessionSettings } from '../options/session-settings';
import { GuardedSessionStore } from '../stores/guarded-session-store';
import { MemoryStore } from '../stores/memory/memory.store';
import { UserProfiles } from './user-profiles';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A MemoryStore whose cache reads answer late, with what the cache held when they were asked, as
 * a read on a network store does when a write lands while its reply is on the way.
 */
class SlowReadStore extends MemoryStore {
  async getCached(name: string): Promise<string | null> {
    const value = await super.getCached(name);
    await sleep(Math.random() * 30);
    return value;
  }
}

function profilesWith(loader: (userId: string) => Promise<unknown>) {
  const settings = { userLoader: loader, userCacheTtl: 60_000 } as unknown as SessionSettings;
  return new UserProfiles(settings, new GuardedSessionStore(new SlowReadStore(), 5_000));
}

describe('UserProfiles', () => {
  it('calls userLoader once for concurrent requests, also when a cache read was in flight as the load ended', async () => {
    for (let round = 0; round < 20; round++) {
      let calls = 0;
      const profiles = profilesWith(async (userId) => {
        calls++;
        await sleep(5);
        return { name: userId };
      });
      const got = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          await sleep(i); // lookups start before, during and after the load
          return profiles.profile('ada');
        }),
      );
      expect(got).toEqual(Array(20).fill({ name: 'ada' }));
      expect(calls).toBe(1);
    }
  });

  it('loads again after evict', async () => {
    let calls = 0;
    const profiles = profilesWith(async () => ++calls);
    expect(await profiles.profile('bo')).toBe(1);
    expect(await profiles.profile('bo')).toBe(1);
    await profiles.evict('bo');
    expect(await profiles.profile('bo')).toBe(2);
  });
});
