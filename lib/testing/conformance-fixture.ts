import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { SessionExpiry, SessionMeta, SessionStore, StoredSession } from '../stores/session-store';
import type { StoreUnderTest } from './conformance-runner';
import { sets } from './session-changes';

export function expiryIn(ms: number): SessionExpiry {
  return { expiresAt: Date.now() + ms, lastSeenAt: Date.now() };
}

export function metaFor(ms: number, extra: Partial<SessionMeta> = {}): SessionMeta {
  const now = Date.now();
  return { createdAt: now, expiresAt: now + ms, lastSeenAt: now, ...extra };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The session's values, parsed; keys such as `constructor` become plain own properties. */
export function decoded(data: ReadonlyMap<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of data) Object.defineProperty(out, k, { value: JSON.parse(v), enumerable: true });
  return out;
}

/**
 * The store of one suite, made on first use (so the runner needs no before-all hook) and closed
 * once, plus the steps most tests share.
 */
export class ConformanceFixture {
  private subject?: Promise<StoreUnderTest>;

  constructor(private readonly createStore: () => Promise<StoreUnderTest>) {}

  /** The store under test, created by the first test that asks for it. */
  async store(): Promise<SessionStore> {
    this.subject ??= this.createStore();
    return (await this.subject).store;
  }

  /** Closes the store if a test made it; a factory that failed has nothing to close. */
  async close(): Promise<void> {
    const subject = this.subject;
    this.subject = undefined;
    const made = await subject?.catch(() => undefined);
    await made?.close?.();
  }

  /** A fresh store key, unique to this run. */
  key(): string {
    return `conf-${randomUUID()}`;
  }

  /** Creates a session holding `values` that lives `ms`, and returns its key. */
  async create(values: Record<string, unknown> = {}, ms = 60_000, extra: Partial<SessionMeta> = {}) {
    const store = await this.store();
    const k = this.key();
    assert.equal(await store.apply(k, sets(values), expiryIn(ms), metaFor(ms, extra)), true);
    return k;
  }

  /** The session under `k`, failing the test when the store has none. */
  async loaded(k: string): Promise<StoredSession> {
    const session = await (await this.store()).load(k);
    assert.notEqual(session, null, `expected a session under ${k}`);
    return session!;
  }

  /** The session's values, parsed. */
  async data(k: string): Promise<Record<string, unknown>> {
    return this.decode(await this.loaded(k));
  }

  /** A loaded session's values, parsed. */
  decode(session: StoredSession): Record<string, unknown> {
    return decoded(session.data);
  }
}
