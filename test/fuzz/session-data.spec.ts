import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../lib';
import { sessionKey } from '../../lib/id/session-key';
import { ADAPTERS, createSessionTestApp } from '../support/session-test-app';
import { signSessionIdForTest } from '../support/sign';
import type { FuzzResponse } from './fuzz-support';
import {
  FuzzHttp,
  FuzzTally,
  FUZZ_TEST_TIMEOUT_MS,
  characterArb,
  expectPrototypeUntouched,
  fuzzParameters,
  jsonOf,
  prototypeSnapshot,
  setCookiePair,
  textArb,
} from './fuzz-support';

/**
 * Sessions written by clients that choose their keys and values: prototype names, separators,
 * any code point, values that grow when JSON-escaped. A model (what each client set) runs beside
 * the app; after every command the app must agree with it: each session holds exactly its own
 * data, the store never holds a session past maxSessionBytes, and Object.prototype is untouched.
 */

const SECRET = 'fuzz-data-secret';
const MAX_SESSION_BYTES = 512;
const RUNS = 150;
const MAX_COMMANDS = 20;
const PROTOTYPE = prototypeSnapshot();
/** Keys a session refuses with a TypeError, as they reach prototypes (FORBIDDEN_SESSION_KEYS). */
const REFUSED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

interface ModelSession {
  id: string;
  cookie: string;
  data: Record<string, unknown>;
  alive: boolean;
}
interface Model {
  sessions: ModelSession[];
}
interface Real {
  http: FuzzHttp;
  store: MemoryStore;
  tally: FuzzTally;
  issued: Set<string>;
}

const keyArb = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'valueOf',
    'hasOwnProperty',
    '__defineGetter__',
    '__lookupSetter__',
    'isPrototypeOf',
    'toJSON',
    'then',
    'n',
    'owner',
    'id',
    'isNew',
    'data',
    'length',
    '0',
  ),
  fc.string({ unit: characterArb, minLength: 1, maxLength: 12 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
  fc.string({
    unit: fc.constantFrom('.', '/', '%', '?', '#', ' ', '[', ']', '\u0000', '"', '\\', '+'),
    minLength: 1,
    maxLength: 4,
  }),
);

const valueArb = fc.oneof(
  textArb(80),
  fc.constantFrom('{"__proto__":{"polluted":true}}', '__proto__', 'null', '1e999', '-0', 'true', ''),
  // characters JSON escapes to six bytes each: a short value that is large once stored
  fc.string({ unit: fc.constantFrom('\u0000', '\u001f', '"', '\\', 'x', '€'), maxLength: 120, size: 'max' }),
  fc.string({ unit: 'grapheme-ascii', minLength: 100, maxLength: 400, size: 'max' }),
);

/** The `/set/:key?value=` path, or undefined for text no URL can carry (a lone surrogate). */
function setPath(key: string, value: string): string | undefined {
  try {
    return `/set/${encodeURIComponent(key)}?value=${encodeURIComponent(value)}`;
  } catch {
    return undefined;
  }
}

/** Bytes of the session as one JSON object, `{"k":v,...}`: what maxSessionBytes bounds. */
function storedBytes(data: ReadonlyMap<string, string>): number {
  const entries = [...data].map(([k, v]) => `${JSON.stringify(k)}:${v}`);
  return Buffer.byteLength(`{${entries.join(',')}}`);
}

async function send(real: Real, method: string, path: string, cookie?: string): Promise<FuzzResponse> {
  real.tally.requests++;
  const res = await real.http.send(method, path, cookie === undefined ? {} : { cookie });
  real.tally.saw(res.status);
  return res;
}

/** The app's view of a session must be the model's, and the store's copy within the size limit. */
async function expectSessionMatches(real: Real, session: ModelSession): Promise<void> {
  const res = await send(real, 'GET', '/read', session.cookie);
  expect(res.status).toBe(200);
  const body = jsonOf(res.text);
  if (!session.alive) {
    expect(body.isNew).toBe(true);
    expect(body.id).not.toBe(session.id);
    expect(body.data).toEqual({});
    real.issued.add(body.id);
    return;
  }
  expect(body.isNew).toBe(false);
  expect(body.id).toBe(session.id);
  expect(body.data).toEqual(session.data);
  const stored = await real.store.load(sessionKey(session.id));
  expect(stored).not.toBeNull();
  const bytes = storedBytes(stored!.data);
  expect(bytes).toBeLessThanOrEqual(MAX_SESSION_BYTES);
  expectPrototypeUntouched(PROTOTYPE);
}

/**
 * A write's status: 201, or 413 past maxSessionBytes, or Fastify's 414 for a key over 100
 * characters. A key the session refuses (`__proto__`, `constructor`, `prototype`) makes `set`
 * throw a TypeError, the documented answer to misuse: this test app hands it client input, so it
 * surfaces as a 500, and nothing is written. Nothing else may fail.
 */
function expectWriteStatus(res: FuzzResponse, key: string): void {
  if (REFUSED_KEYS.has(key)) {
    expect(res.status).toBe(500);
    expect(res.text).not.toMatch(/__proto__|constructor|prototype|TypeError/);
    return;
  }
  expect([201, 413, 414]).toContain(res.status);
}

class CreateCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly key: string,
    readonly value: string,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    real.tally.commands++;
    const path = setPath(this.key, this.value);
    if (path === undefined) return;
    const res = await send(real, 'POST', path);
    expectWriteStatus(res, this.key);
    const cookie = setCookiePair(res.headers);
    if (res.status !== 201) {
      expect(cookie).toBeUndefined(); // nothing stored, nothing issued
      return;
    }
    const id = jsonOf(res.text).id as string;
    expect(real.issued.has(id)).toBe(false);
    real.issued.add(id);
    expect(cookie).toBe(`sid=${signSessionIdForTest(id, SECRET)}`);
    const session: ModelSession = { id, cookie: cookie!, data: { [this.key]: this.value }, alive: true };
    model.sessions.push(session);
    await expectSessionMatches(real, session);
  }
  toString = () => `create(${JSON.stringify(this.key)}, ${JSON.stringify(this.value)})`;
}

class SetCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: number,
    readonly key: string,
    readonly value: string,
  ) {}
  check = (model: Readonly<Model>) => model.sessions.length > 0;
  async run(model: Model, real: Real): Promise<void> {
    real.tally.commands++;
    const session = model.sessions[this.pick % model.sessions.length];
    const path = setPath(this.key, this.value);
    if (path === undefined) return;
    const res = await send(real, 'POST', path, session.cookie);
    expectWriteStatus(res, this.key);
    if (res.status === 201) {
      if (session.alive) {
        expect(jsonOf(res.text).id).toBe(session.id);
        Object.defineProperty(session.data, this.key, {
          value: this.value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        // a dead session's cookie starts a new session: the client gets a new one, ours stays dead
        expect(jsonOf(res.text).id).not.toBe(session.id);
        real.issued.add(jsonOf(res.text).id);
      }
    }
    await expectSessionMatches(real, session);
  }
  toString = () => `set(#${this.pick}, ${JSON.stringify(this.key)}, ${JSON.stringify(this.value)})`;
}

class IncrementCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (model: Readonly<Model>) => model.sessions.some((s) => s.alive);
  async run(model: Model, real: Real): Promise<void> {
    real.tally.commands++;
    const alive = model.sessions.filter((s) => s.alive);
    const session = alive[this.pick % alive.length];
    const res = await send(real, 'POST', '/incr', session.cookie);
    const current = Object.getOwnPropertyDescriptor(session.data, 'n')?.value;
    if (current !== undefined && typeof current !== 'number') {
      // increment on a key holding a string: a TypeError (misuse, documented), nothing written
      expect(res.status).toBe(500);
    } else {
      expect([201, 413]).toContain(res.status);
      if (res.status === 201) {
        const n = (current ?? 0) + 1;
        expect(jsonOf(res.text).n).toBe(n);
        Object.defineProperty(session.data, 'n', {
          value: n,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
    await expectSessionMatches(real, session);
  }
  toString = () => `increment(#${this.pick})`;
}

class ReadForgedCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: number,
    readonly damage: (cookie: string) => string,
    readonly label: string,
  ) {}
  check = (model: Readonly<Model>) => model.sessions.length > 0;
  async run(model: Model, real: Real): Promise<void> {
    real.tally.commands++;
    const session = model.sessions[this.pick % model.sessions.length];
    const forged = this.damage(session.cookie);
    if (!FuzzHttp.sendable(forged) || forged === session.cookie) return;
    const res = await send(real, 'GET', '/read', forged);
    expect(res.status).toBe(200);
    const body = jsonOf(res.text);
    expect(body.isNew).toBe(true);
    expect(body.data).toEqual({});
    expect(real.issued.has(body.id)).toBe(false);
    real.issued.add(body.id);
  }
  toString = () => `readForged(#${this.pick}, ${this.label})`;
}

class LogoutCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (model: Readonly<Model>) => model.sessions.some((s) => s.alive);
  async run(model: Model, real: Real): Promise<void> {
    real.tally.commands++;
    const alive = model.sessions.filter((s) => s.alive);
    const session = alive[this.pick % alive.length];
    const res = await send(real, 'POST', '/logout', session.cookie);
    expect(res.status).toBe(201);
    session.alive = false;
    expect(await real.store.load(sessionKey(session.id))).toBeNull();
    await expectSessionMatches(real, session);
  }
  toString = () => `logout(#${this.pick})`;
}

class RegenerateCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (model: Readonly<Model>) => model.sessions.some((s) => s.alive);
  async run(model: Model, real: Real): Promise<void> {
    real.tally.commands++;
    const alive = model.sessions.filter((s) => s.alive);
    const session = alive[this.pick % alive.length];
    const res = await send(real, 'POST', '/regenerate', session.cookie);
    expect(res.status).toBe(201);
    const id = jsonOf(res.text).id as string;
    expect(id).not.toBe(session.id);
    expect(real.issued.has(id)).toBe(false);
    real.issued.add(id);
    const cookie = setCookiePair(res.headers)!;
    expect(cookie).toBe(`sid=${signSessionIdForTest(id, SECRET)}`);
    const renewed: ModelSession = {
      id,
      cookie,
      data: session.data,
      alive: true,
    };
    session.alive = false;
    model.sessions.push(renewed);
    await expectSessionMatches(real, session);
    await expectSessionMatches(real, renewed);
  }
  toString = () => `regenerate(#${this.pick})`;
}

const pick = fc.nat(50);
const damageArb = fc.oneof(
  fc
    .tuple(fc.nat(80), characterArb)
    .map(
      ([i, c]) =>
        [
          (cookie: string) =>
            cookie.slice(0, 4 + (i % (cookie.length - 4))) + c + cookie.slice(5 + (i % (cookie.length - 4))),
          `replace@${i} ${JSON.stringify(c)}`,
        ] as const,
    ),
  fc.constant([(cookie: string) => cookie.slice(0, cookie.lastIndexOf('.')), 'unsigned'] as const),
  fc.constant([
    (cookie: string) => `sid=header:${cookie.slice(4, cookie.lastIndexOf('.'))}`,
    'header: prefix',
  ] as const),
  fc.integer({ min: 1, max: 44 }).map((k) => [(cookie: string) => cookie.slice(0, -k), `cut ${k}`] as const),
);

const commandsArb = fc.commands(
  [
    fc.tuple(keyArb, valueArb).map(([k, v]) => new CreateCommand(k, v)),
    fc.tuple(pick, keyArb, valueArb).map(([p, k, v]) => new SetCommand(p, k, v)),
    fc.tuple(pick, keyArb, valueArb).map(([p, k, v]) => new SetCommand(p, k, v)),
    pick.map((p) => new IncrementCommand(p)),
    fc.tuple(pick, damageArb).map(([p, [damage, label]]) => new ReadForgedCommand(p, damage, label)),
    pick.map((p) => new LogoutCommand(p)),
    pick.map((p) => new RegenerateCommand(p)),
  ],
  { maxCommands: MAX_COMMANDS, size: 'max', replayPath: process.env.FUZZ_REPLAY_PATH },
);

describe.each(ADAPTERS)('fuzz: session keys and values (%s)', (adapter) => {
  let app: INestApplication;
  let http: FuzzHttp;
  const store = new MemoryStore();
  const issued = new Set<string>();
  let tally: FuzzTally | undefined;

  beforeAll(async () => {
    app = await createSessionTestApp(adapter, {
      secret: SECRET,
      store,
      idFrom: ['cookie'],
      maxSessionBytes: MAX_SESSION_BYTES,
    });
    http = await FuzzHttp.start(app);
  });
  afterAll(async () => {
    tally?.report();
    http?.close();
    await app?.close();
  });

  it(
    'keeps every session exactly its own data, within maxSessionBytes, prototypes untouched',
    async () => {
      const parameters = fuzzParameters(RUNS);
      tally = new FuzzTally(`session keys and values (${adapter})`, parameters.seed);
      const t = tally;
      await fc.assert(
        fc.asyncProperty(commandsArb, async (commands) => {
          t.cases++;
          await fc.asyncModelRun(
            () => ({ model: { sessions: [] }, real: { http, store, tally: t, issued } }),
            commands,
          );
          expectPrototypeUntouched(PROTOTYPE);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        }),
        parameters,
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
