/**
 * Shared pieces of the property-based and adversarial layer (test/fuzz/*.spec.ts).
 *
 * Every property prints one line when its suite ends: cases (fast-check runs), HTTP requests, the
 * seed and the time taken. Set FUZZ_REPORT=<file> to also append them to a file as JSON lines.
 *
 * Replaying a failure: fast-check's error names the seed and the path of the shrunk counterexample.
 *   FUZZ_SEED=<seed> FUZZ_PATH=<path> npx vitest run test/fuzz/<file> -t '<test name>'
 * (add FUZZ_REPLAY_PATH=<replayPath> for a command sequence: its counterexample ends with one).
 * A whole run is replayed the same way from the seeds in its summary lines, one property at a time.
 * FUZZ_SCALE=<n> multiplies every property's number of runs (default 1; 10 for a long soak).
 */
import { appendFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { expect } from 'vitest';

const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
/**
 * A property's time limit. A passing run takes seconds; past this fast-check stops, and a failure
 * it found is reported with the smallest counterexample shrunk so far (seed and path included).
 */
export const FUZZ_TIME_LIMIT_MS = 45_000 * SCALE;
/** The test timeout for a property: its time limit plus room to report. */
export const FUZZ_TEST_TIMEOUT_MS = FUZZ_TIME_LIMIT_MS + 30_000;

/** fast-check parameters for one property: its runs (scaled), its seed, and a replay path if given. */
export function fuzzParameters(numRuns: number): fc.Parameters<unknown> & { seed: number } {
  const seed =
    process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
  const parameters: fc.Parameters<unknown> & { seed: number } = {
    numRuns: Math.max(1, Math.round(numRuns * SCALE)),
    seed,
    interruptAfterTimeLimit: FUZZ_TIME_LIMIT_MS,
  };
  if (process.env.FUZZ_PATH !== undefined) parameters.path = process.env.FUZZ_PATH;
  return parameters;
}

/** What one property did, for the summary line. */
export class FuzzTally {
  cases = 0;
  /** Commands run, for model-based properties (a case is a sequence of them). */
  commands = 0;
  requests = 0;
  rawRequests = 0;
  /** Statuses seen, e.g. { 200: 950, 400: 50 }. */
  readonly statuses: Record<number, number> = {};
  private readonly started = performance.now();

  constructor(
    readonly name: string,
    readonly seed: number,
  ) {}

  saw(status: number): void {
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
  }

  report(): void {
    const seconds = (performance.now() - this.started) / 1000;
    const line = {
      property: this.name,
      cases: this.cases,
      commands: this.commands,
      requests: this.requests,
      rawRequests: this.rawRequests,
      statuses: this.statuses,
      seed: this.seed,
      seconds: Number(seconds.toFixed(2)),
    };
    console.log(
      `[fuzz] ${this.name}: ${this.cases} cases (with any shrinking), ` +
        (this.commands > 0 ? `${this.commands} commands, ` : '') +
        `${this.requests} requests (${this.rawRequests} raw), ` +
        `statuses ${JSON.stringify(this.statuses)}, seed ${this.seed}, ${line.seconds} s`,
    );
    if (process.env.FUZZ_REPORT) appendFileSync(process.env.FUZZ_REPORT, `${JSON.stringify(line)}\n`);
  }
}

export interface FuzzResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * A keep-alive HTTP client for a listening test app (a new connection per request, as supertest
 * makes, would spend the time budget on TCP handshakes). Node refuses to send header values
 * outside `\t`, 0x20-0x7E and 0x80-0xFF: `sendable` tells which values need `raw` instead.
 */
export class FuzzHttp {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 8 });

  private constructor(readonly port: number) {}

  static async start(app: INestApplication): Promise<FuzzHttp> {
    await app.listen(0, '127.0.0.1');
    return new FuzzHttp((app.getHttpServer().address() as AddressInfo).port);
  }

  static sendable(value: string): boolean {
    return !/[^\t\x20-\x7e\x80-\xff]/.test(value);
  }

  send(method: string, path: string, headers: Record<string, string> = {}): Promise<FuzzResponse> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: this.port, method, path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode!,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path}: no response within 10 s`)));
      req.on('error', reject);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** JSON from a response body, or undefined when it is not JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies of many shapes, asserted field by field
export function jsonOf(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The set-cookie value of `name` in a response (`name=value`), if it set one. */
export function setCookiePair(headers: IncomingHttpHeaders, name = 'sid'): string | undefined {
  return headers['set-cookie']?.find((c) => c.startsWith(`${name}=`))?.split(';')[0];
}

/** Characters that break naive parsers: non-ASCII in Latin-1 and beyond, controls, separators. */
export const ODD_CHARACTERS: readonly string[] = [
  'é',
  'ÿ',
  '\u0080',
  '\u00a0',
  'Ā',
  '€',
  'с',
  '中',
  '😀',
  '\ufffd',
  '\ufeff',
  '\u200b',
  '\ud800',
  '\udfff',
  '\u0000',
  '\u0001',
  '\u001f',
  '\t',
  '\x7f',
  ' ',
  '.',
  '=',
  ';',
  ',',
  '"',
  '\\',
  '+',
  '/',
  '%',
  ':',
];

export const URL_SAFE = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'];

/** A Latin-1 character above ASCII: one character to Node's header parser, two bytes in UTF-8. */
export const latin1HighArb = fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c));

/** One character: url-safe most of the time, else Latin-1, odd, or any code point. */
export const characterArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...URL_SAFE) },
  { weight: 1, arbitrary: latin1HighArb },
  { weight: 2, arbitrary: fc.constantFrom(...ODD_CHARACTERS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);

/** A character a signature could be mistaken for holding: mostly url-safe, some Latin-1 and odd. */
export const signatureCharacterArb = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...URL_SAFE) },
  { weight: 1, arbitrary: latin1HighArb },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_CHARACTERS) },
);

/** Text of every kind: any code point, url-safe-ish with odd characters, printable ASCII. */
export const textArb = (maxLength: number) =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: characterArb, maxLength }),
    fc.string({ unit: 'grapheme-ascii', maxLength }),
  );

/** A well-formed id (32 url-safe characters) that the server very probably never issued. */
export const wellFormedIdArb = fc.string({
  unit: fc.constantFrom(...URL_SAFE),
  minLength: 32,
  maxLength: 32,
});

/** Own properties of Object.prototype, to check that no request added, removed or changed one. */
export function prototypeSnapshot(): Map<PropertyKey, PropertyDescriptor> {
  return new Map(
    Reflect.ownKeys(Object.prototype).map((k) => [k, Object.getOwnPropertyDescriptor(Object.prototype, k)!]),
  );
}

export function expectPrototypeUntouched(before: Map<PropertyKey, PropertyDescriptor>): void {
  const now = prototypeSnapshot();
  expect([...now.keys()]).toEqual([...before.keys()]);
  for (const [key, descriptor] of before) {
    const current = now.get(key)!;
    expect(current.value).toBe(descriptor.value);
    expect(current.get).toBe(descriptor.get);
    expect(current.set).toBe(descriptor.set);
  }
  expect(Object.getPrototypeOf(Object.prototype)).toBeNull();
}
