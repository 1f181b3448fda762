// The bench's own PostgreSQL and MariaDB, each in a temporary directory on a free loopback port
// (never the machine's shared servers), stopped by PID. Each counts the statements its clients
// send, so the report can show round trips per request.
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { stop, track } from './processes.mjs';

const HOST = '127.0.0.1';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(what, child, check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited at start`);
    try {
      if (await check()) return;
    } catch {
      // not accepting yet
    }
    if (Date.now() > deadline) throw new Error(`${what} did not start`);
    await sleep(100);
  }
}

const isRoot = () => process.getuid?.() === 0;
const asUser = (user, cmd, args) =>
  isRoot()
    ? ['setpriv', [`--reuid=${user}`, `--regid=${user}`, '--clear-groups', cmd, ...args]]
    : [cmd, args];

/**
 * PostgreSQL (initdb + postgres, as the `postgres` user when we are root) with pg_stat_statements,
 * and a `bench` database. `statements()` sums the top-level statements run in that database.
 */
export async function startPostgres() {
  const root = '/usr/lib/postgresql';
  const version = readdirSync(root)
    .sort((a, b) => Number(b) - Number(a))
    .find((v) => existsSync(join(root, v, 'bin', 'postgres')));
  if (!version) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql');
  const bin = join(root, version, 'bin');
  const dir = mkdtempSync(join(tmpdir(), 'nest-sessions-bench-pg-'));
  if (isRoot()) {
    const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, id('-u'), id('-g'));
  }
  const data = join(dir, 'data');
  const [initCmd, initArgs] = asUser('postgres', join(bin, 'initdb'), [
    ...['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'],
  ]);
  execFileSync(initCmd, initArgs, { stdio: 'ignore' });
  const port = await freePort();
  const [cmd, args] = asUser('postgres', join(bin, 'postgres'), [
    ...['-D', data, '-k', dir, '-p', String(port), '-h', HOST],
    ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    ...['-c', 'max_connections=300', '-c', 'shared_preload_libraries=pg_stat_statements'],
  ]);
  const child = track(spawn(cmd, args, { stdio: 'ignore' }));
  const admin = `postgres://postgres@${HOST}:${port}/postgres`;
  const query = async (sql, params = []) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  await waitFor('postgres', child, async () => (await query('SELECT 1')).length === 1);
  await query('CREATE DATABASE bench');
  await query('CREATE EXTENSION pg_stat_statements');
  return {
    url: `postgres://postgres@${HOST}:${port}/bench`,
    async statements() {
      const [row] = await query(
        `SELECT COALESCE(sum(calls), 0)::bigint AS n FROM pg_stat_statements
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'bench')`,
      );
      return Number(row.n);
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        process.kill(child.pid, 'SIGINT'); // fast shutdown: the apps' connections are closed
        await Promise.race([exited, sleep(5_000)]);
        await stop(child);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * MariaDB (mariadb-install-db + mariadbd) with a `bench` database. `statements()` reads the
 * server's Questions counter (statements sent by clients, not those run inside procedures),
 * less the one that reads it.
 */
export async function startMariaDb() {
  const dir = mkdtempSync(join(tmpdir(), 'nest-sessions-bench-mariadb-'));
  const data = join(dir, 'data');
  const socket = join(dir, 'mariadb.sock');
  const user = isRoot() ? 'root' : (process.env.USER ?? 'root');
  execFileSync(
    'mariadb-install-db',
    [
      '--no-defaults',
      `--datadir=${data}`,
      `--user=${user}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
    ],
    { stdio: 'ignore' },
  );
  const port = await freePort();
  const child = track(
    spawn(
      'mariadbd',
      [
        '--no-defaults',
        `--datadir=${data}`,
        `--socket=${socket}`,
        `--port=${port}`,
        `--bind-address=${HOST}`,
        `--user=${user}`,
        `--log-error=${join(dir, 'mariadb.log')}`,
        `--pid-file=${join(dir, 'mariadb.pid')}`,
        '--skip-name-resolve',
        '--skip-log-bin',
        '--innodb-buffer-pool-size=128M',
        '--innodb-flush-log-at-trx-commit=2',
        '--max-connections=300',
      ],
      { stdio: 'ignore' },
    ),
  );
  const admin = () => mysql.createConnection({ socketPath: socket, user: 'root', multipleStatements: true });
  await waitFor('mariadbd', child, async () => {
    const c = await admin();
    await c.end();
    return true;
  });
  const setup = await admin();
  await setup.query(
    `CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
     GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
     CREATE DATABASE IF NOT EXISTS bench;`,
  );
  await setup.end();
  const counter = await admin();
  return {
    url: `mysql://root@${HOST}:${port}/bench`,
    async statements() {
      const [rows] = await counter.query("SHOW GLOBAL STATUS LIKE 'Questions'");
      return Number(rows[0].Value);
    },
    async stop() {
      await counter.end().catch(() => {});
      await stop(child, 10_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
