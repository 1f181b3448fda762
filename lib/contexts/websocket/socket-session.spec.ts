import { Test } from '@nestjs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { SessionModule } from '../../session.module';
import type { ActiveSession } from '../../session/active-session';
import { SessionFactory } from '../../session/session-factory';
import { SessionManager } from '../../manager/session.manager';
import { socketSession } from './socket-session';

let factory: SessionFactory;
let manager: SessionManager;
beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [SessionModule.forRoot({ saveUninitialized: true })],
  }).compile();
  factory = moduleRef.get(SessionFactory);
  manager = moduleRef.get(SessionManager);
});

/** A stored session, as a socket's handshake would present it, opened for a message. */
async function storedSession(): Promise<ActiveSession> {
  const session = factory.fresh();
  session.set('n', 1);
  await session.save();
  return factory.open({ id: session.id, key: session.handle });
}

describe('socketSession', () => {
  it('reads and writes a live session, saved as a delta at commit', async () => {
    const session = socketSession(await storedSession());
    expect(session.isNew).toBe(false);
    expect(session.increment('n')).toBe(2);
    await session.commit();
    expect((await factory.open({ id: session.id, key: session.handle })).get('n')).toBe(2);
  });

  it('refuses regenerate() and login(): no response would carry the new id', async () => {
    const session = socketSession(await storedSession());
    await expect(session.regenerate()).rejects.toThrow(/cannot send a new session id/);
    await expect(session.login('ada')).rejects.toThrow(/cannot send a new session id/);
    // The session is untouched: still there under its id.
    expect((await factory.open({ id: session.id, key: session.handle })).isNew).toBe(false);
  });

  it('gives a socket without a session an empty one that refuses writes and is never stored', async () => {
    const before = await manager.count();
    const session = socketSession(factory.fresh());
    expect(session.isNew).toBe(true);
    expect(session.all()).toEqual({});
    expect(() => session.set('n', 1)).toThrow(/has no session/);
    expect(() => session.increment('n')).toThrow(/has no session/);
    expect(() => session.delete('n')).toThrow(/has no session/);
    expect(() => session.clear()).toThrow(/has no session/);
    await expect(session.save()).rejects.toThrow(/has no session/);
    // Even with saveUninitialized, nothing is stored for it.
    expect(session.commit()).toBeUndefined();
    expect(await manager.count()).toBe(before);
  });

  it('lets a socket end its session', async () => {
    const session = socketSession(await storedSession());
    await session.destroy();
    expect((await factory.open({ id: session.id, key: session.handle })).isNew).toBe(true);
  });
});
