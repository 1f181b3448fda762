import { Logger } from '@nestjs/common';
import { InvalidSessionOptionsError } from '../errors/invalid-session-options.error';

/** The session cookie's attributes, as `SessionModule.forRoot({ cookie })` takes them. */
export interface SessionCookieOptions {
  /** @default 'sid' */
  name?: string;
  /** @default 'lax' */
  sameSite?: 'lax' | 'strict' | 'none';
  /**
   * `'auto'`: Secure when the request came over HTTPS, as the platform reports it (Express's
   * `trust proxy`, Fastify's `trustProxy` decide whether X-Forwarded-Proto counts).
   * @default 'auto'
   */
  secure?: boolean | 'auto';
  /** @default true */
  httpOnly?: boolean;
  /** @default '/' */
  path?: string;
  /** @default undefined (host-only cookie) */
  domain?: string;
  /**
   * Ms the cookie lives from when it is sent, never past the session's absolute deadline. `null`:
   * a browser-session cookie, with no Expires or Max-Age (gone when the browser closes; the
   * session in the store still expires by `idleTimeout` and `absoluteTimeout`).
   * @default undefined: the session's absolute deadline (`absoluteTimeout` after creation); with
   * `rolling`, the session's idle expiry as of the response
   */
  maxAge?: number | null;
  /**
   * Adds `Partitioned` (CHIPS: the cookie is kept per top-level site, for embedded cross-site use).
   * Browsers require Secure with it: `secure: false` is refused; with `secure: 'auto'` it is only
   * sent over HTTPS.
   * @default false
   */
  partitioned?: boolean;
  /**
   * Adds `Priority=Low|Medium|High` (which cookies Chrome evicts first).
   * @default undefined (no Priority attribute; browsers treat it as medium)
   */
  priority?: 'low' | 'medium' | 'high';
}

/** @internal The validated attributes every Set-Cookie of the session is built from. */
export type SessionCookieAttributes = Readonly<
  Required<Omit<SessionCookieOptions, 'domain' | 'maxAge' | 'priority'>>
> & {
  readonly domain?: string;
  readonly maxAge?: number | null;
  readonly priority?: 'low' | 'medium' | 'high';
};

/** @internal Every attribute `SessionCookieOptions` has: the compiler keeps this list complete. */
const COOKIE_KEYS: Record<keyof SessionCookieOptions, true> = {
  name: true,
  sameSite: true,
  secure: true,
  httpOnly: true,
  path: true,
  domain: true,
  maxAge: true,
  partitioned: true,
  priority: true,
};
/** @internal The names `cookie` may hold; anything else is an unknown option. */
export const COOKIE_OPTION_KEYS: ReadonlySet<string> = new Set(Object.keys(COOKIE_KEYS));

const COOKIE_DEFAULTS = {
  name: 'sid',
  sameSite: 'lax',
  secure: 'auto',
  httpOnly: true,
  path: '/',
  partitioned: false,
} as const;
/** @internal RFC 7230 token: cookie and header names. */
export const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function fail(message: string): never {
  throw new InvalidSessionOptionsError(message);
}

/** @internal Validates cookie options into frozen attributes; throws `InvalidSessionOptionsError` naming the bad one. */
export function resolveCookieAttributes(options: SessionCookieOptions = {}): SessionCookieAttributes {
  const cookie = { ...COOKIE_DEFAULTS, ...options };
  if (typeof cookie.name !== 'string' || !HTTP_TOKEN.test(cookie.name)) {
    fail(`cookie.name must be a cookie token, got '${String(cookie.name)}'`);
  }
  if (!['lax', 'strict', 'none'].includes(cookie.sameSite)) {
    fail(`cookie.sameSite must be 'lax', 'strict' or 'none', got '${String(cookie.sameSite)}'`);
  }
  if (![true, false, 'auto'].includes(cookie.secure)) {
    fail(`cookie.secure must be true, false or 'auto', got '${String(cookie.secure)}'`);
  }
  if (cookie.sameSite === 'none' && cookie.secure === false) {
    fail("cookie.sameSite 'none' requires cookie.secure true or 'auto' (browsers drop it otherwise)");
  }
  if (cookie.sameSite === 'none' && cookie.secure === 'auto') {
    new Logger('SessionModule').warn(
      "cookie.sameSite 'none' with secure 'auto': requests over plain HTTP get SameSite=Lax, since browsers drop " +
        'SameSite=None without Secure; set secure: true (and serve HTTPS, or trust your proxy) for cross-site use',
    );
  }
  if (typeof cookie.httpOnly !== 'boolean')
    fail(`cookie.httpOnly must be a boolean, got '${String(cookie.httpOnly)}'`);
  if (typeof cookie.path !== 'string' || !cookie.path.startsWith('/') || /[;\s]/.test(cookie.path)) {
    fail(`cookie.path must start with '/' and hold no ';' or spaces, got '${String(cookie.path)}'`);
  }
  if (cookie.domain !== undefined && !/^[A-Za-z0-9.-]+$/.test(cookie.domain)) {
    fail(`cookie.domain must be a host name, got '${String(cookie.domain)}'`);
  }
  const { maxAge, partitioned, priority } = cookie;
  if (
    maxAge !== undefined &&
    maxAge !== null &&
    !(typeof maxAge === 'number' && Number.isFinite(maxAge) && maxAge > 0)
  ) {
    fail(`cookie.maxAge must be > 0 ms or null (a browser-session cookie), got ${String(maxAge)}`);
  }
  if (typeof partitioned !== 'boolean')
    fail(`cookie.partitioned must be a boolean, got '${String(partitioned)}'`);
  if (partitioned && cookie.secure === false) {
    fail(
      "cookie.partitioned requires cookie.secure true or 'auto' (browsers drop Partitioned cookies without Secure)",
    );
  }
  if (priority !== undefined && !['low', 'medium', 'high'].includes(priority)) {
    fail(`cookie.priority must be 'low', 'medium' or 'high', got '${String(priority)}'`);
  }
  return Object.freeze(cookie);
}
