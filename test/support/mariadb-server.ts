import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { freePort } from './redis-server';
import { ServerProcess } from './server-process';

/**
 * A real MariaDB for tests: `mariadb-install-db` into a temporary directory, then `mariadbd` on
 * a free loopback port (its socket in the same directory), stopped by PID. Never the machine's
 * own server. The `root` user has no password, from the socket and from 127.0.0.1.
 */

const HOST = '127.0.0.1';
const DATABASE = 'sessions_test';

export interface MariaDbServerHandle {
  host: string;
  port: number;
  /** A connection URL for root on the test database. */
  url: string;
  database: string;
  readonly pid: number;
  dir: string;
  /** Normal shutdown (SIGTERM), then removes the directory. */
  stop(): Promise<void>;
  /** SIGKILL: an abrupt outage. */
  kill(): Promise<void>;
  pause(): void;
  resume(): void;
  /** Starts it again on the same port and data directory (after kill or stop, or stops it first). */
  restart(): Promise<void>;
  /** Runs one statement on a fresh connection to the test database. */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

export async function startMariaDbServer(): Promise<MariaDbServerHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'nest-sessions-mariadb-'));
  const data = join(dir, 'data');
  const socket = join(dir, 'mariadb.sock');
  const log = join(dir, 'mariadb.log');
  const user = process.getuid?.() === 0 ? 'root' : (process.env.USER ?? 'root');
  execFileSync(
    'mariadb-install-db',
    [
      '--no-defaults',
      `--datadir=${data}`,
      `--user=${user}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      '--skip-name-resolve',
    ],
    { stdio: 'pipe' },
  );
  const port = await freePort();
  const server = new ServerProcess({
    name: `mariadbd on port ${port}`,
    command: 'mariadbd',
    args: [
      '--no-defaults',
      `--datadir=${data}`,
      `--socket=${socket}`,
      `--port=${port}`,
      `--bind-address=${HOST}`,
      `--user=${user}`,
      `--log-error=${log}`,
      `--pid-file=${join(dir, 'mariadb.pid')}`,
      '--skip-name-resolve',
      '--skip-log-bin',
      '--innodb-buffer-pool-size=32M',
      '--innodb-log-file-size=16M',
      '--innodb-flush-log-at-trx-commit=2',
      '--max-connections=300',
    ],
    log,
    ready: async () => {
      const c = await createConnection({ socketPath: socket, user: 'root', connectTimeout: 1_000 });
      c.on('error', () => undefined);
      try {
        await c.query('SELECT 1');
        return true;
      } finally {
        c.destroy();
      }
    },
  });
  try {
    await server.start();
    const c = await createConnection({ socketPath: socket, user: 'root', multipleStatements: true });
    await c.query(
      `CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
       GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
       CREATE DATABASE IF NOT EXISTS ${DATABASE};`,
    );
    await c.end();
  } catch (err) {
    await server.terminate('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const url = `mysql://root@${HOST}:${port}/${DATABASE}`;
  const query = async <R>(sql: string, params: unknown[] = []): Promise<R[]> => {
    const c = await createConnection({ uri: url, connectTimeout: 2_000 });
    c.on('error', () => undefined);
    try {
      const [rows] = await c.query(sql, params);
      return rows as R[];
    } finally {
      c.destroy();
    }
  };
  let stopped = false;
  return {
    host: HOST,
    port,
    url,
    database: DATABASE,
    dir,
    get pid() {
      return server.pid;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.terminate('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => server.terminate('SIGKILL'),
    pause: () => server.pause(),
    resume: () => server.resume(),
    async restart() {
      await server.terminate('SIGTERM');
      await server.start();
    },
    query,
  };
}
