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
}

/** @internal The validated attributes every Set-Cookie of the session is built from. */
export type SessionCookieAttributes = Readonly<Required<Omit<SessionCookieOptions, 'domain'>>> & {
  readonly domain?: string;
};

/** @internal Every attribute `SessionCookieOptions` has: the compiler keeps this list complete. */
const COOKIE_KEYS: Record<keyof SessionCookieOptions, true> = {
  name: true,
  sameSite: true,
  secure: true,
  httpOnly: true,
  path: true,
  domain: true,
};
/** @internal The names `cookie` may hold; anything else is an unknown option. */
export const COOKIE_OPTION_KEYS: ReadonlySet<string> = new Set(Object.keys(COOKIE_KEYS));

const COOKIE_DEFAULTS = { name: 'sid', sameSite: 'lax', secure: 'auto', httpOnly: true, path: '/' } as const;
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
  return Object.freeze(cookie);
}
