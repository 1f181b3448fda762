import type { SessionCookieAttributes } from '../cookie/cookie-attributes';
import { COOKIE_OPTION_KEYS, HTTP_TOKEN, resolveCookieAttributes } from '../cookie/cookie-attributes';
import { InvalidSessionOptionsError } from '../errors/invalid-session-options.error';
import type { SessionIdFormat } from '../id/session-id';
import { BUILT_IN_SESSION_IDS, customSessionIds } from '../id/session-id';
import type { SessionIdSource, SessionModuleOptions } from './session-module-options.interface';
import { assertStoreOption, rejectUnknownOptions } from './unknown-options';

/** Provider token of the validated, frozen settings. */
export const SESSION_SETTINGS = 'nest-sessions:settings';

/** The validated, frozen form of `SessionModuleOptions` that the rest of the module reads. */
export interface SessionSettings {
  readonly secrets: readonly string[];
  readonly cookie: SessionCookieAttributes;
  readonly idleTimeout: number;
  readonly absoluteTimeout: number;
  readonly idFrom: readonly SessionIdSource[];
  readonly header: string;
  readonly storeTimeout: number;
  readonly touchInterval: number;
  readonly maxSessionBytes: number;
  readonly saveUninitialized: boolean;
  readonly rolling: boolean;
  /** How ids are generated and which shapes read from clients are accepted. */
  readonly ids: SessionIdFormat;
  readonly maxSessionsPerUser?: number;
  readonly userLoader?: (userId: string) => Promise<unknown>;
  readonly userCacheTtl: number;
  readonly requestSession: boolean;
  readonly disconnectOnEnd: boolean;
}

const DEFAULTS = {
  idleTimeout: 30 * 60_000,
  absoluteTimeout: 24 * 3_600_000,
  idFrom: ['cookie', 'header'],
  header: 'x-session-id',
  storeTimeout: 1_000,
  maxSessionBytes: 65_536,
  saveUninitialized: false,
  rolling: false,
  userCacheTtl: 300_000,
} as const;

/** Every option `SessionModuleOptions` has: the compiler keeps this list complete. */
const OPTION_KEYS: Record<keyof SessionModuleOptions, true> = {
  secret: true,
  store: true,
  cookie: true,
  idleTimeout: true,
  absoluteTimeout: true,
  idFrom: true,
  header: true,
  storeTimeout: true,
  touchInterval: true,
  maxSessionBytes: true,
  saveUninitialized: true,
  rolling: true,
  genid: true,
  maxSessionsPerUser: true,
  userLoader: true,
  userCacheTtl: true,
  requestSession: true,
  disconnectOnEnd: true,
};
/**
 * `isGlobal` is the module builder's extra: `forRoot` strips it before the options reach us, and
 * a `forRootAsync` factory that also returns it is tolerated (it has no effect there).
 */
const KNOWN_OPTIONS: ReadonlySet<string> = new Set([...Object.keys(OPTION_KEYS), 'isGlobal']);

const SOURCES: readonly SessionIdSource[] = ['cookie', 'header', 'query'];

function fail(message: string): never {
  throw new InvalidSessionOptionsError(message);
}

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    fail(`${name} must be > 0 ms, got ${String(value)}`);
  }
  return value;
}

function secretsOf(secret: SessionModuleOptions['secret']): string[] {
  if (secret === undefined) return [];
  const secrets = Array.isArray(secret) ? secret : [secret];
  if (secrets.length === 0) fail('secret must not be an empty array; omit it to leave cookies unsigned');
  secrets.forEach((s, i) => {
    if (typeof s !== 'string' || s.length === 0) fail(`secret[${i}] must be a non-empty string`);
  });
  return secrets;
}

/** `genid` checked once at start-up, so a generator that cannot work fails there, not per request. */
function idFormatOf(genid: SessionModuleOptions['genid']): SessionIdFormat {
  if (genid === undefined) return BUILT_IN_SESSION_IDS;
  if (typeof genid !== 'function') fail('genid must be a function () => string');
  const ids = customSessionIds(genid);
  try {
    ids.generate();
  } catch (error) {
    fail((error as Error).message);
  }
  return ids;
}

/** Validates options into settings; throws `InvalidSessionOptionsError` naming the bad option. */
export function resolveSessionSettings(options: SessionModuleOptions = {}): SessionSettings {
  if (typeof options !== 'object' || options === null) fail('options must be an object');
  rejectUnknownOptions(options, KNOWN_OPTIONS);
  if (options.cookie !== undefined) {
    if (typeof options.cookie !== 'object' || options.cookie === null) fail('cookie must be an object');
    rejectUnknownOptions(options.cookie, COOKIE_OPTION_KEYS, 'cookie.');
  }
  assertStoreOption(options.store);
  const cookie = resolveCookieAttributes(options.cookie);

  const idleTimeout = positive('idleTimeout', options.idleTimeout ?? DEFAULTS.idleTimeout);
  const absoluteTimeout = positive('absoluteTimeout', options.absoluteTimeout ?? DEFAULTS.absoluteTimeout);
  if (absoluteTimeout < idleTimeout) {
    fail(`absoluteTimeout (${absoluteTimeout} ms) must be >= idleTimeout (${idleTimeout} ms)`);
  }

  const idFrom = options.idFrom ?? DEFAULTS.idFrom;
  if (!Array.isArray(idFrom) || idFrom.length === 0) fail('idFrom must name at least one source');
  for (const source of idFrom) {
    if (!SOURCES.includes(source))
      fail(`idFrom holds '${String(source)}'; use 'cookie', 'header' or 'query'`);
  }
  const header = (options.header ?? DEFAULTS.header).toLowerCase();
  if (!HTTP_TOKEN.test(header)) fail(`header must be a header name, got '${header}'`);

  const maxSessionBytes = options.maxSessionBytes ?? DEFAULTS.maxSessionBytes;
  if (!Number.isInteger(maxSessionBytes) || maxSessionBytes <= 0) {
    fail(`maxSessionBytes must be a positive integer, got ${String(maxSessionBytes)}`);
  }

  const rolling = options.rolling ?? DEFAULTS.rolling;
  if (typeof rolling !== 'boolean') fail(`rolling must be a boolean, got '${String(rolling)}'`);

  const ids = idFormatOf(options.genid);

  const disconnectOnEnd = options.disconnectOnEnd ?? false;
  if (typeof disconnectOnEnd !== 'boolean') {
    fail(`disconnectOnEnd must be a boolean, got '${String(disconnectOnEnd)}'`);
  }

  const { maxSessionsPerUser, userLoader } = options;
  if (
    maxSessionsPerUser !== undefined &&
    !(Number.isInteger(maxSessionsPerUser) && maxSessionsPerUser >= 1)
  ) {
    fail(`maxSessionsPerUser must be an integer >= 1, got ${String(maxSessionsPerUser)}`);
  }
  if (userLoader !== undefined && typeof userLoader !== 'function') {
    fail('userLoader must be a function (userId) => Promise<profile>');
  }

  return Object.freeze({
    secrets: Object.freeze(secretsOf(options.secret)),
    cookie,
    idleTimeout,
    absoluteTimeout,
    idFrom: Object.freeze([...new Set(idFrom)]),
    header,
    storeTimeout: positive('storeTimeout', options.storeTimeout ?? DEFAULTS.storeTimeout),
    touchInterval: positive(
      'touchInterval',
      options.touchInterval ?? Math.min(60_000, Math.floor(idleTimeout / 10) || 1),
    ),
    maxSessionBytes,
    saveUninitialized: options.saveUninitialized ?? DEFAULTS.saveUninitialized,
    rolling,
    ids,
    maxSessionsPerUser,
    userLoader,
    userCacheTtl: positive('userCacheTtl', options.userCacheTtl ?? DEFAULTS.userCacheTtl),
    requestSession: options.requestSession === true,
    disconnectOnEnd,
  });
}
