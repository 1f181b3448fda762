import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseInfo, respCommand } from './resp';

/**
 * Real redis-server processes for tests: each on a free loopback port, in its own temporary
 * directory, without persistence, stopped by PID. Never the machine's own Redis.
 */

const HOST = '127.0.0.1';
const START_TIMEOUT = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every process started here and not yet stopped, killed for sure when this process exits. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const child of running) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    running.clear();
  };
  process.once('exit', killAll);
}

/**
 * If this process dies without running its exit hook (SIGKILL, a worker torn down by signal), a
 * watchdog shell kills the server within half a second. It is detached so a process-group kill
 * does not take it too, and it exits on its own once the server is gone.
 */
function watch(pid: number): ChildProcess {
  // `sleep & wait` keeps the shell responsive to TERM, on which it reaps its sleep and exits, so
  // stopping a watchdog leaves no orphan (this machine's PID 1 may not reap zombies).
  const script = [
    "trap 'kill $s 2>/dev/null; wait; exit 0' TERM",
    `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${pid} 2>/dev/null; do sleep 0.5 & s=$!; wait $s; done`,
    `kill -9 ${pid} 2>/dev/null`,
  ].join('; ');
  const watchdog = spawn('sh', ['-c', script], { stdio: 'ignore', detached: true });
  watchdog.unref();
  return watchdog;
}

/** A free loopback port: bind port 0, read it, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServerOptions {
  /** Extra `redis-server` arguments, e.g. `['--maxmemory', '10mb']`. */
  args?: string[];
  /** Start as a Sentinel with this configuration text (a `port` line is added). */
  sentinelConfig?: string;
  /** The port to use instead of a free one. */
  port?: number;
}

export interface RedisServerHandle {
  host: string;
  port: number;
  /** PID of the current process (changes on `restart`). */
  readonly pid: number;
  /** The temporary directory (config, logs). */
  dir: string;
  /** Stops the server by PID (SIGTERM, then SIGKILL) and waits for it to exit. */
  stop(): Promise<void>;
  /** SIGKILL: an abrupt outage. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: a server that hangs without closing its connections. */
  pause(): void;
  resume(): void;
  /** Starts the server again on the same port (after `kill` or `stop`, or stopping it first). */
  restart(): Promise<void>;
  /** Sends one command to the server. */
  command(...args: (string | number)[]): Promise<unknown>;
}

/** Starts one `redis-server` (or Sentinel) process and resolves when it answers PING. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerHandle> {
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), 'nest-sessions-redis-'));
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await launch(dir, port, options);
    } catch (err) {
      // The port may have been taken between probing and binding: try another.
      lastError = err;
      if (options.port !== undefined) break;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError;
}

async function launch(dir: string, port: number, options: RedisServerOptions): Promise<RedisServerHandle> {
  const logfile = join(dir, 'redis.log');
  const argsFor = (): string[] => {
    const common = ['--bind', HOST, '--port', String(port), '--dir', dir, '--logfile', logfile];
    if (options.sentinelConfig !== undefined) {
      const conf = join(dir, 'sentinel.conf');
      // Sentinel rewrites its config file; only write it on the first start.
      try {
        readFileSync(conf);
      } catch {
        writeFileSync(conf, `${options.sentinelConfig}\n`);
      }
      return [conf, '--sentinel', ...common];
    }
    return [...common, '--save', '', '--appendonly', 'no', '--daemonize', 'no', ...(options.args ?? [])];
  };

  let child: ChildProcess;
  const spawnIt = async () => {
    child = spawn('redis-server', argsFor(), { stdio: 'ignore' });
    if (child.pid === undefined) throw new Error('redis-server could not be started: is it installed?');
    running.add(child);
    const watchdog = watch(child.pid);
    const watchdogGone = new Promise<void>((resolve) => watchdog.once('exit', () => resolve()));
    const exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        watchdog.kill('SIGTERM');
        void Promise.race([watchdogGone, sleep(1_000)]).then(() => resolve());
      }),
    );
    child.once('exit', () => running.delete(child));
    (child as ChildProcess & { exited?: Promise<void> }).exited = exited;
    await waitForPing(port, child, logfile);
  };
  const exitedOf = (c: ChildProcess) => (c as ChildProcess & { exited?: Promise<void> }).exited!;
  const terminate = async (signal: NodeJS.Signals) => {
    const current = child;
    if (current.exitCode !== null || current.signalCode !== null) return;
    current.kill(signal);
    const gone = await Promise.race([exitedOf(current).then(() => true), sleep(3_000).then(() => false)]);
    if (!gone) {
      current.kill('SIGKILL');
      await exitedOf(current);
    }
  };

  await spawnIt();
  let stopped = false;
  return {
    host: HOST,
    port,
    dir,
    get pid() {
      return child.pid!;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      child.kill('SIGCONT');
      await terminate('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      await terminate('SIGKILL');
    },
    pause() {
      child.kill('SIGSTOP');
    },
    resume() {
      child.kill('SIGCONT');
    },
    async restart() {
      child.kill('SIGCONT');
      await terminate('SIGTERM');
      await spawnIt();
    },
    command: (...args) => respCommand(port, args),
  };
}

async function waitForPing(port: number, child: ChildProcess, logfile: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`redis-server on port ${port} exited at start:\n${tail(logfile)}`);
    }
    try {
      if ((await respCommand(port, ['PING'], { timeout: 500 })) === 'PONG') return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server on port ${port} did not answer PING:\n${tail(logfile)}`);
    }
    await sleep(20);
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Polls `check` until it returns true, or throws after `timeout` ms. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeout = 15_000,
  interval = 50,
): Promise<void> {
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out waiting for ${what}${lastError ? `: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)}` : ''}`,
      );
    }
    await sleep(interval);
  }
}

async function info(port: number, section: string): Promise<Record<string, string>> {
  const text = await respCommand(port, ['INFO', section]);
  if (typeof text !== 'string') throw new Error(`INFO ${section} failed: ${String(text)}`);
  return parseInfo(text);
}

export interface SentinelGroup {
  masterName: string;
  sentinels: { host: string; port: number }[];
  master: RedisServerHandle;
  replica: RedisServerHandle;
  sentinelHandles: RedisServerHandle[];
  /** The port of the master the sentinels currently report. */
  currentMasterPort(): Promise<number>;
  stop(): Promise<void>;
}

/** One master, one replica and three sentinels (quorum 2) tuned to fail over within seconds. */
export async function startSentinelGroup(masterName = 'nest-sessions'): Promise<SentinelGroup> {
  const started: RedisServerHandle[] = [];
  const stopAll = () => Promise.all(started.map((h) => h.stop())).then(() => undefined);
  try {
    // Both may become master after a failover: neither waits before a diskless full sync.
    const args = ['--repl-diskless-sync-delay', '0'];
    const master = await startRedisServer({ args });
    started.push(master);
    const replica = await startRedisServer({ args: [...args, '--replicaof', HOST, String(master.port)] });
    started.push(replica);
    await waitUntil('the replica to sync', async () => {
      return (await info(replica.port, 'replication')).master_link_status === 'up';
    });
    const config = [
      `sentinel monitor ${masterName} ${HOST} ${master.port} 2`,
      `sentinel down-after-milliseconds ${masterName} 500`,
      `sentinel failover-timeout ${masterName} 2000`,
      `sentinel parallel-syncs ${masterName} 1`,
    ].join('\n');
    const sentinelHandles = await Promise.all(
      [0, 1, 2].map(() => startRedisServer({ sentinelConfig: config })),
    );
    started.push(...sentinelHandles);
    // Ready when every sentinel knows the replica and the two other sentinels.
    await waitUntil(
      'the sentinels to discover each other',
      async () => {
        for (const s of sentinelHandles) {
          const replicas = await respCommand(s.port, ['SENTINEL', 'REPLICAS', masterName]);
          const peers = await respCommand(s.port, ['SENTINEL', 'SENTINELS', masterName]);
          if (!Array.isArray(replicas) || replicas.length < 1) return false;
          if (!Array.isArray(peers) || peers.length < 2) return false;
        }
        return true;
      },
      20_000,
      100,
    );
    return {
      masterName,
      sentinels: sentinelHandles.map((s) => ({ host: HOST, port: s.port })),
      master,
      replica,
      sentinelHandles,
      async currentMasterPort() {
        const reply = await respCommand(sentinelHandles[0].port, [
          'SENTINEL',
          'GET-MASTER-ADDR-BY-NAME',
          masterName,
        ]);
        return Number((reply as string[])[1]);
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

export interface RedisClusterHandle {
  nodes: RedisServerHandle[];
  /** Addresses to seed an ioredis `Cluster` with. */
  startupNodes: { host: string; port: number }[];
  stop(): Promise<void>;
}

/** Three cluster-enabled masters (no replicas) joined by `redis-cli --cluster create`. */
export async function startCluster(): Promise<RedisClusterHandle> {
  const nodes: RedisServerHandle[] = [];
  const stop = () => Promise.all(nodes.map((n) => n.stop())).then(() => undefined);
  try {
    for (let i = 0; i < 3; i++) {
      nodes.push(
        await startRedisServer({
          args: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-node-timeout',
            '2000',
            // The bus port defaults to port + 10000, which may be taken or out of range.
            '--cluster-port',
            String(await freePort()),
          ],
        }),
      );
    }
    await new Promise<void>((resolve, reject) => {
      execFile(
        'redis-cli',
        [
          '--cluster',
          'create',
          ...nodes.map((n) => `${HOST}:${n.port}`),
          '--cluster-replicas',
          '0',
          '--cluster-yes',
        ],
        { timeout: 30_000 },
        (err, stdout, stderr) =>
          err ? reject(new Error(`cluster create failed: ${stderr || stdout}`, { cause: err })) : resolve(),
      );
    });
    await waitUntil(
      'cluster_state:ok on every node',
      async () => {
        for (const node of nodes) {
          const text = await respCommand(node.port, ['CLUSTER', 'INFO']);
          if (typeof text !== 'string' || parseInfo(text).cluster_state !== 'ok') return false;
        }
        return true;
      },
      20_000,
    );
    return { nodes, startupNodes: nodes.map((n) => ({ host: HOST, port: n.port })), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
