import { afterAll, describe, expect, it } from 'vitest';
import type { RedisServerHandle } from './redis-server';
import { startRedisServer } from './redis-server';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('redis-server test harness', () => {
  const handles: RedisServerHandle[] = [];
  afterAll(() => Promise.all(handles.map((h) => h.stop())));

  it("starts a private server on a free loopback port, not the machine's 6379", async () => {
    const server = await startRedisServer();
    handles.push(server);
    expect(server.port).not.toBe(6379);
    expect(await server.command('PING')).toBe('PONG');
    expect(await server.command('CONFIG', 'GET', 'save')).toEqual(['save', '']);
    expect(await server.command('CONFIG', 'GET', 'appendonly')).toEqual(['appendonly', 'no']);
  });

  it('kills, restarts on the same port and stops by PID', async () => {
    const server = await startRedisServer();
    handles.push(server);
    const { port, pid } = server;
    await server.command('SET', 'k', 'v');
    await server.kill();
    expect(alive(pid)).toBe(false);
    await expect(server.command('PING')).rejects.toThrow();
    await server.restart();
    expect(server.port).toBe(port);
    expect(server.pid).not.toBe(pid);
    expect(await server.command('GET', 'k')).toBeNull(); // no persistence
    const second = server.pid;
    await server.stop();
    expect(alive(second)).toBe(false);
  });
});
