import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionModuleOptions } from '../../lib';
import { rawRequest } from '../support/raw-http';
import type { AdapterName } from '../support/session-test-app';
import { ADAPTERS, createSessionTestApp } from '../support/session-test-app';
import { signSessionIdForTest } from '../support/sign';
import {
  FuzzHttp,
  FuzzTally,
  FUZZ_TEST_TIMEOUT_MS,
  characterArb,
  expectPrototypeUntouched,
  latin1HighArb,
  signatureCharacterArb,
  fuzzParameters,
  jsonOf,
  prototypeSnapshot,
  textArb,
  wellFormedIdArb,
} from './fuzz-support';

/**
 * Ids in, from clients that may lie: genuine, tampered, forged, unissued, garbage and raw bytes, in
 * cookies (signed or not), the x-session-id header and the query string. Whatever comes in, GET
 * /read answers 200 (or Node's 400 for bytes HTTP forbids), and either the session the request
 * legitimately named, with exactly its data, or a fresh session under an id nobody sent.
 */

const SECRETS = ['fuzz-current-secret', 'fuzz-previous-secret'];
interface FuzzConfig {
  label: string;
  options: SessionModuleOptions;
  secrets: string[];
  query: boolean;
}
const CONFIGS: FuzzConfig[] = [
  {
    label: 'signed cookie, header, query',
    options: { secret: SECRETS, idFrom: ['cookie', 'header', 'query'] },
    secrets: SECRETS,
    query: true,
  },
  { label: 'unsigned cookie, header', options: { idFrom: ['cookie', 'header'] }, secrets: [], query: false },
];
const POOL_SIZE = 5;
/** Requests sent at once in one case (the server sees concurrent clients; the budget goes further). */
const BATCH = 4;
const CASES = 300;
const RAW_CASES = 200;

/** What a request carried, as the server reads it (Latin-1 for raw bytes). */
interface Presented {
  cookie?: string;
  header?: string;
  query?: string;
}

const flipCase = (s: string, i: number) =>
  s.slice(0, i) + (s[i] === s[i].toUpperCase() ? s[i].toLowerCase() : s[i].toUpperCase()) + s.slice(i + 1);

/** Ways to damage a value: a character replaced, cut short, extended, prefixed, a letter's case. */
function tampered(value: string): fc.Arbitrary<string> {
  if (value.length === 0) return fc.string({ unit: characterArb, minLength: 1, maxLength: 8 });
  return fc.oneof(
    fc
      .tuple(fc.nat(value.length - 1), characterArb)
      .map(([i, c]) => value.slice(0, i) + c + value.slice(i + 1)),
    fc.integer({ min: 1, max: value.length }).map((k) => value.slice(0, value.length - k)),
    fc.string({ unit: characterArb, minLength: 1, maxLength: 8 }).map((s) => value + s),
    fc.string({ unit: characterArb, minLength: 1, maxLength: 8 }).map((s) => s + value),
    fc.nat(value.length - 1).map((i) => flipCase(value, i)),
    // one character replaced by a Latin-1 one: the same length in characters, not in UTF-8 bytes
    fc
      .tuple(fc.nat(value.length - 1), latin1HighArb)
      .map(([i, c]) => value.slice(0, i) + c + value.slice(i + 1)),
  );
}

const labels = ADAPTERS.flatMap((adapter) =>
  CONFIGS.map(
    (config) => [`${adapter}, ${config.label}`, adapter, config] as [string, AdapterName, FuzzConfig],
  ),
);

describe.each(labels)('fuzz: incoming ids (%s)', (label, adapter, config) => {
  let app: INestApplication;
  let http: FuzzHttp;
  /** Every id the server has answered with. */
  const issued = new Set<string>();
  /** Data of the sessions made before fuzzing: reads never change it. */
  const model = new Map<string, Record<string, string>>();
  const pool: string[] = [];
  const tallies: FuzzTally[] = [];
  const prototype = prototypeSnapshot();

  beforeAll(async () => {
    app = await createSessionTestApp(adapter, config.options);
    http = await FuzzHttp.start(app);
    for (let i = 0; i < POOL_SIZE; i++) {
      const res = await http.send('POST', `/set/owner?value=owner-${i}`);
      expect(res.status).toBe(201);
      const id = jsonOf(res.text).id as string;
      pool.push(id);
      issued.add(id);
      model.set(id, { owner: `owner-${i}` });
    }
  });
  afterAll(async () => {
    tallies.forEach((t) => t.report());
    http?.close();
    await app?.close();
  });

  const sign = (id: string, secret: string) => signSessionIdForTest(id, secret);

  /** A value to put in a cookie, header or query: genuine, damaged, forged or garbage. */
  function tokenArb(): fc.Arbitrary<string> {
    const issuedId = fc.constantFrom(...pool);
    const credential = (id: string) =>
      config.secrets.length > 0
        ? fc.constantFrom(...config.secrets).map((s) => sign(id, s))
        : fc.constant(id);
    // signed for cookies (when there is a secret), bare for headers and the query
    const genuine = fc.oneof(issuedId.chain(credential), issuedId);
    return fc.oneof(
      { weight: 3, arbitrary: genuine },
      { weight: 5, arbitrary: genuine.chain(tampered) },
      // never issued, yet well-formed and correctly signed
      { weight: 2, arbitrary: wellFormedIdArb.chain((id) => fc.oneof(credential(id), fc.constant(id))) },
      // one session's id with another's signature, or signed with a secret the server does not have
      {
        weight: 1,
        arbitrary: fc.tuple(issuedId, issuedId).map(([a, b]) => `${a}.${sign(b, SECRETS[0]).split('.')[1]}`),
      },
      { weight: 1, arbitrary: issuedId.map((id) => sign(id, 'attacker-secret')) },
      // what another source would have cached the id under
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.constantFrom('header:', 'query:', 'cookie:', 'sid=', 's:'), issuedId)
          .map(([p, id]) => p + id),
      },
      // the right shape with odd characters in the signature
      {
        weight: 2,
        arbitrary: fc
          .tuple(
            fc.oneof(issuedId, wellFormedIdArb),
            fc.string({ unit: signatureCharacterArb, minLength: 43, maxLength: 43 }),
          )
          .map(([id, sig]) => `${id}.${sig}`),
      },
      { weight: 2, arbitrary: textArb(120) },
    );
  }

  function cookieHeaderArb(token: fc.Arbitrary<string>): fc.Arbitrary<string> {
    return fc.oneof(
      token.map((t) => `sid=${t}`),
      token.map((t) => `theme=dark; sid=${t}`),
      token.map((t) => `sid=${t}; theme=dark`),
      token.map((t) => `sid="${t}"`),
      token.map((t) => ` sid = ${t} `),
      token.map((t) => `SID=${t}`),
      token.map((t) => `xsid=${t}`),
      fc.tuple(token, token).map(([a, b]) => `sid=${a}; sid=${b}`),
    );
  }

  /** Header values cannot hold CR or LF (they would end the header). */
  const oneLine = (s: string) => s.replace(/[\r\n]/g, ' ');

  function requestArb(): fc.Arbitrary<Presented> {
    const token = tokenArb();
    return fc.record(
      {
        cookie: fc.option(cookieHeaderArb(token).map(oneLine), { nil: undefined }),
        header: fc.option(token.map(oneLine), { nil: undefined }),
        query: config.query ? fc.option(token, { nil: undefined }) : fc.constant(undefined),
      },
      { requiredKeys: [] },
    );
  }

  /** Cookie values named `sid`, trimmed, and unquoted when quoted: what a lenient parser could see. */
  function sidValues(cookie: string): string[] {
    const values: string[] = [];
    for (const pair of cookie.split(';')) {
      const eq = pair.indexOf('=');
      if (eq < 0 || pair.slice(0, eq).trim() !== 'sid') continue;
      const value = pair.slice(eq + 1).trim();
      values.push(value);
      if (value.length > 1 && value.startsWith('"') && value.endsWith('"')) values.push(value.slice(1, -1));
    }
    return values;
  }

  /** The ids this request legitimately named: a valid credential in one of the sources. */
  function legitimateIds(seen: Presented): Set<string> {
    const ids = new Set<string>();
    for (const value of seen.cookie === undefined ? [] : sidValues(seen.cookie)) {
      if (config.secrets.length === 0) {
        ids.add(value);
        continue;
      }
      const dot = value.lastIndexOf('.');
      const id = value.slice(0, dot);
      if (dot > 0 && config.secrets.some((s) => sign(id, s) === value)) ids.add(id);
    }
    if (seen.header !== undefined) ids.add(seen.header.replace(/^[ \t]+|[ \t]+$/g, ''));
    if (seen.query !== undefined) ids.add(seen.query);
    return ids;
  }

  function checkAnswer(tally: FuzzTally, seen: Presented, status: number, text: string, raw: boolean): void {
    tally.saw(status);
    expect(status).toBeLessThan(500);
    // Node itself answers 400 to header bytes HTTP forbids (controls); nothing else may fail.
    if (raw && status === 400) return;
    expect(status).toBe(200);
    const body = jsonOf(text.slice(text.indexOf('{')));
    expect(body).toBeTypeOf('object');
    if (body.isNew) {
      expect(issued.has(body.id)).toBe(false);
      const presented = [seen.cookie, seen.header, seen.query].filter((v) => v !== undefined).join('\n');
      expect(presented.includes(body.id)).toBe(false); // never adopted
      expect(body.data).toEqual({});
    } else {
      expect([...legitimateIds(seen)]).toContain(body.id);
      expect(body.data).toEqual(model.get(body.id));
    }
    issued.add(body.id);
  }

  async function exchange(tally: FuzzTally, r: Presented): Promise<void> {
    let path = '/read';
    if (r.query !== undefined) {
      try {
        path += `?sid=${encodeURIComponent(r.query)}`;
      } catch {
        r = { ...r, query: undefined }; // a lone surrogate: no URL can carry it
      }
    }
    tally.requests++;
    const headers: Record<string, string> = {};
    if (r.cookie !== undefined) headers.cookie = r.cookie;
    if (r.header !== undefined) headers['x-session-id'] = r.header;
    if (Object.values(headers).every(FuzzHttp.sendable)) {
      const res = await http.send('GET', path, headers);
      checkAnswer(tally, r, res.status, res.text, false);
      return;
    }
    // What Node's client refuses to send goes over a socket: Latin-1 text byte for byte (the
    // server reads headers as Latin-1, so it sees the same text), anything beyond as UTF-8 bytes.
    tally.rawRequests++;
    const encode = (v: string) =>
      Buffer.from(v, [...v].every((c) => c.charCodeAt(0) <= 0xff) ? 'latin1' : 'utf8');
    const lines = Object.entries(headers).map(([name, value]) =>
      Buffer.concat([Buffer.from(`${name}: `), encode(value)]),
    );
    const res = await rawRequest(app, 'GET', path, lines);
    const seen = (v: string | undefined) => (v === undefined ? undefined : encode(v).toString('latin1'));
    checkAnswer(tally, { ...r, cookie: seen(r.cookie), header: seen(r.header) }, res.status, res.body, true);
  }

  it(
    'answers every cookie, header and query id with its own session or a fresh one',
    async () => {
      const parameters = fuzzParameters(CASES);
      const tally = new FuzzTally(`incoming ids (${label})`, parameters.seed);
      tallies.push(tally);
      await fc.assert(
        fc.asyncProperty(fc.array(requestArb(), { minLength: 1, maxLength: BATCH }), async (batch) => {
          tally.cases++;
          await Promise.all(batch.map((r) => exchange(tally, r)));
          expectPrototypeUntouched(prototype);
        }),
        parameters,
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    'answers raw header bytes (any byte but CR and LF) with 200 and a fresh session, or 400',
    async () => {
      const parameters = fuzzParameters(RAW_CASES);
      const tally = new FuzzTally(`raw header bytes (${label})`, parameters.seed);
      tallies.push(tally);
      // any byte, or only bytes Node lets through (no controls but tab), which reach the session code
      const bytes = fc
        .oneof(fc.uint8Array({ maxLength: 160 }), fc.uint8Array({ min: 0x20, maxLength: 160 }))
        .map((b) => Buffer.from(b.map((x) => (x === 13 || x === 10 ? 32 : x === 0x7f ? 9 : x))));
      // random bytes alone, or after a genuine cookie or id, so the damage lands where it is checked
      const prefix = fc.oneof(
        fc.constant(''),
        fc.constantFrom(...pool).map((id) => (config.secrets.length > 0 ? sign(id, config.secrets[0]) : id)),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.option(fc.tuple(prefix, bytes), { nil: undefined }),
          fc.option(fc.tuple(prefix, bytes), { nil: undefined }),
          async (cookie, header) => {
            tally.cases++;
            tally.requests++;
            tally.rawRequests++;
            const lines: Buffer[] = [];
            const seen: Presented = {};
            if (cookie) {
              lines.push(Buffer.concat([Buffer.from(`Cookie: sid=${cookie[0]}`), cookie[1]]));
              seen.cookie = `sid=${cookie[0]}${cookie[1].toString('latin1')}`;
            }
            if (header) {
              lines.push(Buffer.concat([Buffer.from(`x-session-id: ${header[0]}`), header[1]]));
              seen.header = `${header[0]}${header[1].toString('latin1')}`;
            }
            const res = await rawRequest(app, 'GET', '/read', lines);
            checkAnswer(tally, seen, res.status, res.body, true);
            expectPrototypeUntouched(prototype);
          },
        ),
        parameters,
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
