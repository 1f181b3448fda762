import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './redis-server';
import { ServerProcess } from './server-process';

/**
 * A real PostgreSQL for tests: `initdb` into a temporary directory, then `postgres` on a free
 * loopback port (its unix socket in the same directory), stopped by PID. Never the machine's own
 * server. Running as root, both run as the `postgres` user (postgres refuses root).
 */

const HOST = '127.0.0.1';

export interface PostgresServerHandle {
  host: string;
  port: number;
  /** A connection URL for the `postgres` superuser (trust auth) and database. */
  url: string;
  readonly pid: number;
  dir: string;
  /** Fast shutdown (SIGINT: open connections are closed), then removes the directory. */
  stop(): Promise<void>;
  /** SIGKILL: an abrupt outage. */
  kill(): Promise<void>;
  pause(): void;
  resume(): void;
  /** Starts it again on the same port and data directory (after kill or stop, or stops it first). */
  restart(): Promise<void>;
  /** Runs one statement on a fresh connection. */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

/** The newest installed server's binaries, e.g. /usr/lib/postgresql/15/bin. */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', 'postgres'))) return join(root, v, 'bin');
  throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql (install postgresql)');
}

/** Runs as the `postgres` user when we are root: setpriv execs, so the PID is the server's. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--clear-groups', command, ...args]];
}

export async function startPostgresServer(): Promise<PostgresServerHandle> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'nest-sessions-pg-'));
  if (process.getuid?.() === 0) {
    const { uid, gid } = userIds('postgres');
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const [initCmd, initArgs] = asServerUser(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
    '--no-instructions',
  ]);
  execFileSync(initCmd, initArgs, { stdio: 'pipe' });
  const port = await freePort();
  const log = join(dir, 'postgres.log');
  const url = `postgres://postgres@${HOST}:${port}/postgres`;
  const [command, args] = asServerUser('sh', [
    '-c',
    // exec: the shell becomes postgres (same PID); the shell is only there to redirect the log.
    `exec "$0" "$@" >>${log} 2>&1`,
    join(bin, 'postgres'),
    ...['-D', data, '-k', dir, '-p', String(port), '-h', HOST],
    // No fsync (a test's data need not survive the machine), but every commit reaches the OS: it
    // survives a SIGKILL of the server, as the outage tests need.
    ...['-c', 'fsync=off', '-c', 'full_page_writes=off'],
    ...['-c', 'max_connections=200', '-c', 'shared_buffers=32MB'],
  ]);
  const query = async <R>(sql: string, params: unknown[] = []): Promise<R[]> => {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as R[];
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const server = new ServerProcess({
    name: `postgres on port ${port}`,
    command,
    args,
    log,
    ready: async () => (await query('SELECT 1')).length === 1,
  });
  try {
    await server.start();
  } catch (err) {
    await server.terminate('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  let stopped = false;
  return {
    host: HOST,
    port,
    url,
    dir,
    get pid() {
      return server.pid;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.terminate('SIGINT');
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => server.terminate('SIGKILL'),
    pause: () => server.pause(),
    resume: () => server.resume(),
    async restart() {
      await server.terminate('SIGINT');
      await server.start();
    },
    query,
  };
}

/** uid and gid of a local user, from `id`. */
export function userIds(name: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  return { uid, gid };
}
