/** Provider token of the validated, frozen settings. */
export const SESSION_SETTINGS = 'nest-sessions:settings';
/** Metadata set on a handler by `@Session()`: the interceptor loads the session before it runs. */
export const USES_SESSION = 'nest-sessions:uses-session';
/** Where a request keeps its session state (a symbol, so nothing else can clash with it). */
export const REQUEST_SESSION_STATE = Symbol('nest-sessions:request-state');

/** Random bytes in a session id: 192 bits, 32 url-safe characters. */
export const SESSION_ID_BYTES = 24;
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{32}$/;

/** Keys a session refuses: they would reach prototypes when data meets a plain object. */
export const FORBIDDEN_SESSION_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);
