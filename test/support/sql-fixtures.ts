import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { expect, vi } from 'vitest';
import { changes } from '../../lib/testing';
import type { SessionStore } from '../../lib/stores/session-store';

/**
 * Shared steps of the SQL store specs: keys a JSON path or a SQL literal could choke on, store
 * keys, and a counter of the statements a store sends (a wrapper of our own around the real
 * pool: every statement is one `query`/`execute` call, one round trip).
 */

/** Session keys that break naive quoting: SQL quotes, JSON path syntax, escapes. */
export const WEIRD_KEYS = [
  "a'b",
  '"}',
  '$.x',
  '\\',
  'a"b\\"c',
  "'; DROP TABLE sessions; --",
  '',
  '$',
  'a.b',
  '[0]',
  '*',
  'ключ ✓',
  'line\nbreak',
  'tab\there',
  '{}',
];

export const storeKey = () => randomBytes(32).toString('base64url');
export const expiry = (ms: number) => ({ expiresAt: Date.now() + ms, lastSeenAt: Date.now() });
export const meta = (ms: number, extra = {}) => ({
  createdAt: Date.now(),
  expiresAt: Date.now() + ms,
  lastSeenAt: Date.now(),
  ...extra,
});
export const sets = (values: Record<string, unknown>) =>
  changes({ set: new Map(Object.entries(values).map(([k, v]) => [k, JSON.stringify(v)])) });
export const decoded = (data: ReadonlyMap<string, string>) => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of data) Object.defineProperty(out, k, { value: JSON.parse(v), enumerable: true });
  return out;
};
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Wraps a pool's statement methods, counting the calls (each is one round trip). */
export function countingPool<P extends object>(pool: P, methods: (keyof P & string)[]) {
  const counter = { calls: 0, statements: [] as string[] };
  const wrapped = new Proxy(pool, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof name === 'string' && (methods as string[]).includes(name) && typeof value === 'function') {
        return (...args: unknown[]) => {
          counter.calls++;
          counter.statements.push(typeof args[0] === 'string' ? args[0] : JSON.stringify(args[0]));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { pool: wrapped, counter };
}

/** Starts `store` (its `onModuleInit`) and expects a warning matching `warning` on the way. */
export async function startsWithWarning(store: { onModuleInit(): Promise<void> }, warning: RegExp) {
  const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  try {
    await store.onModuleInit();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(warning));
  } finally {
    warn.mockRestore();
  }
}

/**
 * Logs one user in twice under a limit of 1, first through `first`, then through `second` (one
 * instance or two): the second login ends the first. What `second` reported as evicted meanwhile.
 */
export async function loginTwiceUnderLimit(first: SessionStore, second: SessionStore, userId: string) {
  const reported: string[] = [];
  second.onEvicted((key) => reported.push(key));
  const [older, newer] = [storeKey(), storeKey()];
  const bound = (createdAt: number) => ({ ...meta(60_000), userId, createdAt });
  expect(await first.apply(older, sets({ n: 1 }), expiry(60_000), bound(1), { limit: 1 })).toBe(true);
  expect(await second.apply(newer, sets({ n: 2 }), expiry(60_000), bound(2), { limit: 1 })).toBe(true);
  expect(await second.load(older)).toBeNull();
  return { older, reported };
}

/** A schema from before eviction reports: a user's limit still holds, and names nothing it ended. */
export async function expectLimitKeptUnreported(store: SessionStore) {
  const { reported } = await loginTwiceUnderLimit(store, store, 'u-before');
  expect(reported).toEqual([]);
}
