export { CookieStore, MAX_COOKIE_BYTES } from './cookie.store';
export type { CookieStoreOptions } from './cookie.store';
export type { CookieStoreKey } from './cookie-keys';
