// The bench's own redis-server on a free loopback port (never the machine's shared one).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import Redis from 'ioredis';
import { stop, track } from './processes.mjs';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts redis-server without persistence and returns `{ port, commandsProcessed(), stop() }`;
 * `commandsProcessed` reads INFO stats over one long-lived connection (each call is 1 command).
 */
export async function startRedis() {
  const port = await freePort();
  const child = track(
    spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    ),
  );
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await client.connect();
      await client.ping();
      break;
    } catch (err) {
      if (Date.now() > deadline || child.exitCode !== null) {
        await stop(child);
        throw new Error(`redis-server did not start on port ${port}: ${err.message}`);
      }
      client.disconnect();
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    port,
    async commandsProcessed() {
      const info = await client.info('stats');
      return Number(/total_commands_processed:(\d+)/.exec(info)[1]);
    },
    /**
     * Runs `fn` under MONITOR and counts the commands clients sent (`sent`) apart from those that
     * scripts ran inside Redis (`inScripts`), which INFO's total also counts.
     */
    async monitorDuring(fn) {
      const monitor = await client.monitor();
      const counts = { sent: 0, inScripts: 0 };
      monitor.on('monitor', (_time, _args, source) => {
        if (source === 'lua') counts.inScripts++;
        else counts.sent++;
      });
      try {
        await fn();
        await new Promise((r) => setTimeout(r, 100));
      } finally {
        monitor.disconnect();
      }
      return counts;
    },
    async stop() {
      client.disconnect();
      await stop(child);
    },
  };
}
