import { describe, expect, it } from 'vitest';
import { firstValueFrom, take, toArray } from 'rxjs';
import { Test } from '@nestjs/testing';
import type { SessionModuleOptions } from '../options/session-module-options.interface';
import { SessionModule } from '../session.module';
import { MemoryStore } from '../stores/memory/memory.store';
import { SessionManager } from './session.manager';

/** The module's real manager, wired by Nest. */
async function manager(
  options: SessionModuleOptions = {},
  store = new MemoryStore(),
): Promise<SessionManager> {
  const moduleRef = await Test.createTestingModule({
    imports: [SessionModule.forRoot({ ...options, store })],
  }).compile();
  return moduleRef.get(SessionManager);
}

describe('SessionManager', () => {
  it('creates a token session that get() finds by id, and destroy() ends', async () => {
    const sessions = await manager();
    const created = await sessions.create<{ role: string }>({ role: 'admin' });
    expect(created.isNew).toBe(false);
    const found = await sessions.get<{ role: string }>(created.id);
    expect(found?.get('role')).toBe('admin');
    expect(await sessions.destroy(created.id)).toBe(true);
    expect(await sessions.get(created.id)).toBeNull();
    expect(await sessions.destroy(created.id)).toBe(false);
  });

  it('returns null for malformed and unknown ids without asking the store for garbage', async () => {
    const sessions = await manager();
    expect(await sessions.get('')).toBeNull();
    expect(await sessions.get('../../etc/passwd')).toBeNull();
    expect(await sessions.get('a'.repeat(32))).toBeNull();
  });

  it('honours a per-session ttl and touch() extends it', async () => {
    const sessions = await manager({ idleTimeout: 60_000 });
    const s = await sessions.create({}, { ttl: 200 });
    expect(s.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(200);
    expect(await sessions.touch(s.id, 5_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    const again = await sessions.get(s.id);
    expect(again).not.toBeNull();
    expect(again!.expiresAt.getTime() - Date.now()).toBeGreaterThan(4_000);
    await expect(sessions.touch(s.id, -1)).rejects.toThrow(TypeError);
  });

  it('counts live sessions', async () => {
    const sessions = await manager();
    await Promise.all([sessions.create({ a: 1 }), sessions.create({ a: 2 }), sessions.create({ a: 3 })]);
    expect(await sessions.count()).toBe(3);
  });

  it('publishes created, regenerated, destroyed and expired events by handle, never by id', async () => {
    const store = new MemoryStore({ sweepInterval: 20 });
    const sessions = await manager({ idleTimeout: 60_000 }, store);
    const events = firstValueFrom(sessions.events$.pipe(take(4), toArray()));
    const s = await sessions.create({ a: 1 });
    await s.regenerate();
    await sessions.destroy(s.id);
    await sessions.create({ b: 1 }, { ttl: 30 });
    const seen = await events;
    expect(seen.map((e) => e.type)).toEqual(['created', 'regenerated', 'destroyed', 'created']);
    const expired = await firstValueFrom(sessions.events$);
    expect(expired.type).toBe('expired');
    for (const e of [...seen, expired]) expect(JSON.stringify(e)).not.toContain(s.id);
    store.onApplicationShutdown();
  });
});
