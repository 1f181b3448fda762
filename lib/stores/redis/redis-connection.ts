import type { Cluster, Redis } from 'ioredis';
import type {
  ApplyReply,
  ApplyUnreadReply,
  DestroyReply,
  IndexUserReply,
  SessionScriptName,
  TouchReply,
} from './redis-scripts';
import { SESSION_SCRIPTS, sessionScripts } from './redis-scripts';

type Arg = string | number;

/** The commands the store sends, typed once here for both `Redis` and `Cluster` clients. */
export interface SessionCommands {
  status: string;
  isCluster?: boolean;
  options: { keyPrefix?: string };
  ping(): Promise<string>;
  hgetall(key: string): Promise<unknown>;
  hmget(key: string, ...fields: string[]): Promise<(string | null)[]>;
  zrange(key: string, start: number, stop: number): Promise<string[]>;
  zcard(key: string): Promise<number>;
  zrem(key: string, ...members: string[]): Promise<number>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, px: 'PX', ms: number): Promise<unknown>;
  del(...keys: string[]): Promise<number>;
  scan(cursor: string, ...args: Arg[]): Promise<[string, string[]]>;
  nodes?(role: 'master'): SessionCommands[];
  connect(): Promise<void>;
  once(event: 'ready', listener: () => void): unknown;
  pipeline(): {
    nestSessionsTouch(key: string, ...args: Arg[]): unknown;
    exec(): Promise<[Error | null, unknown][] | null>;
  };
  nestSessionsApply(key: string, ...args: Arg[]): Promise<[ApplyReply, number]>;
  nestSessionsApplyUnread(
    key: string,
    ...args: Arg[]
  ): Promise<[ApplyUnreadReply, ...(number | string | null)[]]>;
  nestSessionsTouch(key: string, ...args: Arg[]): Promise<TouchReply>;
  nestSessionsDestroy(key: string): Promise<[DestroyReply, (string | null)?]>;
  nestSessionsIndexUser(
    index: string,
    prune: string,
    ...args: Arg[]
  ): Promise<[IndexUserReply, number?, ...string[]]>;
  nestSessionsClearUser(index: string, keep: string): Promise<string[]>;
}

/**
 * Registers the store's Lua scripts (see `redis-scripts.ts`) on the client. `defineCommand` sends
 * EVALSHA and falls back to EVAL on NOSCRIPT, so a `SCRIPT FLUSH` or a failover to a fresh server
 * costs one extra command.
 */
export function defineSessionCommands(client: Redis | Cluster): SessionCommands {
  const lua = sessionScripts();
  for (const name of Object.keys(SESSION_SCRIPTS) as SessionScriptName[]) {
    client.defineCommand(name, { numberOfKeys: SESSION_SCRIPTS[name].numberOfKeys, lua: lua[name] });
  }
  return client as unknown as SessionCommands;
}

/** Statuses of a client making its first connection: told to connect (or lazy), not yet ready. */
const FIRST_CONNECTING = new Set(['wait', 'connecting', 'connect']);

/**
 * Sends the store's commands, and decides only whether a command is sent: it puts no timer on a
 * command once sent. Each store call is bounded by the module's `storeTimeout` alone (one
 * deadline, answered 503), so nothing here races it.
 * - Client ready: sent at once.
 * - Reconnecting or closed (or any status but ready once the client has been ready): rejected at
 *   once, so an outage fails requests fast instead of queueing them behind a connection that may
 *   not come back.
 * - First connection under way (`wait`, as with `lazyConnect`, then `connecting`/`connect`): the
 *   call waits for it up to `firstConnectTimeout` ms. A call that gave up is never sent later
 *   (its request may have been answered meanwhile).
 * Errors are plain Errors naming the operation, with the cause.
 */
export class CommandRunner {
  /** Whether the client has been ready since this runner was made (or was ready then). */
  private connected: boolean;
  /** Calls waiting for the first connection, woken by its 'ready'. */
  private readonly waiting = new Set<() => void>();

  constructor(
    private readonly client: SessionCommands,
    private readonly firstConnectTimeout: number,
  ) {
    this.connected = client.status === 'ready';
    if (!this.connected) {
      client.once('ready', () => {
        this.connected = true;
        const woken = [...this.waiting];
        this.waiting.clear();
        for (const wake of woken) wake();
      });
    }
  }

  run<T>(operation: string, send: (client: SessionCommands) => Promise<T>): Promise<T> {
    const { status } = this.client;
    if (status === 'ready') return this.send(operation, send);
    if (this.connected || !FIRST_CONNECTING.has(status)) {
      return Promise.reject(failure(operation, new Error(`the Redis connection is not ready (${status})`)));
    }
    return this.firstConnection(operation).then(() => this.send(operation, send));
  }

  private send<T>(operation: string, send: (client: SessionCommands) => Promise<T>): Promise<T> {
    let reply: Promise<T>;
    try {
      reply = send(this.client);
    } catch (err) {
      return Promise.reject(failure(operation, err));
    }
    return reply.catch((err: unknown) => Promise.reject(failure(operation, err)));
  }

  /** Resolves when the client is first ready; rejects after `firstConnectTimeout` ms. */
  private firstConnection(operation: string): Promise<void> {
    if (this.client.status === 'wait') this.client.connect().catch(() => undefined);
    return new Promise<void>((resolve, reject) => {
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.delete(wake);
        const waited = `not connected within ${this.firstConnectTimeout} ms (commandTimeout)`;
        reject(failure(operation, new Error(waited)));
      }, this.firstConnectTimeout);
      this.waiting.add(wake);
    });
  }
}

function failure(operation: string, cause: unknown): Error {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new Error(`RedisStore ${operation} failed: ${reason}`, { cause });
}

/** True for Redis's WRONGTYPE reply: the key holds a value of another type. */
export function isWrongType(err: unknown): boolean {
  const cause = err instanceof Error && err.cause !== undefined ? err.cause : err;
  return cause instanceof Error && cause.message.startsWith('WRONGTYPE');
}
