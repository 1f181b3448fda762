import type { Cluster, Redis } from 'ioredis';
import {
  ApplyReply,
  DestroyReply,
  SESSION_SCRIPTS,
  SessionScriptName,
  TouchReply,
  sessionScripts,
} from './redis-scripts';

type Arg = string | number;

/** The commands the store sends, typed once here for both `Redis` and `Cluster` clients. */
export interface SessionCommands {
  status: string;
  isCluster?: boolean;
  options: { keyPrefix?: string };
  hgetall(key: string): Promise<unknown>;
  hmget(key: string, ...fields: string[]): Promise<(string | null)[]>;
  zrange(key: string, start: number, stop: number): Promise<string[]>;
  zrem(key: string, ...members: string[]): Promise<number>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, px: 'PX', ms: number): Promise<unknown>;
  del(...keys: string[]): Promise<number>;
  scan(cursor: string, ...args: Arg[]): Promise<[string, string[]]>;
  nodes?(role: 'master'): SessionCommands[];
  connect(): Promise<void>;
  once(event: 'ready', listener: () => void): unknown;
  nestSessionsApply(key: string, ...args: Arg[]): Promise<ApplyReply>;
  nestSessionsTouch(key: string, ...args: Arg[]): Promise<TouchReply>;
  nestSessionsDestroy(key: string): Promise<[DestroyReply, (string | null)?]>;
  nestSessionsIndexUser(index: string, prune: string, ...args: Arg[]): Promise<number>;
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

const SKIPPED = Symbol('skipped');

/** Statuses in which ioredis is (re)establishing a connection it was told to make. */
const CONNECTING = new Set(['wait', 'connecting', 'connect']);

/**
 * Runs commands with a deadline: each rejects after `timeout` ms, and at once while the client is
 * reconnecting or closed, so a Redis outage fails requests fast instead of queueing them without
 * bound. A client still making its first connection (or a `lazyConnect` one) is waited for,
 * within the same deadline. Errors are plain Errors naming the operation, with the cause.
 */
export class CommandRunner {
  private readyWaiter?: Promise<void>;

  constructor(
    private readonly client: SessionCommands,
    private readonly timeout: number,
  ) {}

  run<T>(operation: string, send: (client: SessionCommands) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let expired = false;
      const timer = setTimeout(() => {
        expired = true;
        reject(failure(operation, new Error(`no reply within ${this.timeout} ms (commandTimeout)`)));
      }, this.timeout);
      this.ready()
        .then<T | typeof SKIPPED>(
          // A call that gave up while waiting for the connection must not be sent late.
          () => (expired ? SKIPPED : send(this.client)),
        )
        .then(
          (value) => {
            clearTimeout(timer);
            if (value !== SKIPPED) resolve(value);
          },
          (err: unknown) => {
            clearTimeout(timer);
            reject(failure(operation, err));
          },
        );
    });
  }

  private ready(): Promise<void> {
    const { status } = this.client;
    if (status === 'ready') return Promise.resolve();
    if (!CONNECTING.has(status)) {
      return Promise.reject(new Error(`the Redis connection is ${status}`));
    }
    if (status === 'wait') this.client.connect().catch(() => undefined);
    // One listener however many commands wait; callers give up on their own deadlines.
    this.readyWaiter ??= new Promise<void>((resolve) => {
      this.client.once('ready', () => {
        this.readyWaiter = undefined;
        resolve();
      });
    });
    return this.readyWaiter;
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
