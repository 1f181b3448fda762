import type { SessionIdSource } from '../options/session-module-options.interface';
import type { SessionSettings } from '../options/session-settings';
import type { PresentedId } from '../session/session-factory';
import { readFreshness } from './freshness-cookie';
import type { RequestHeaders } from './http-exchange';
import { headerValue } from './http-exchange';

/**
 * The id a request presents, with the freshness token of its last write when it came by cookie
 * (the companion cookie; see `freshness-cookie.ts`). Kept apart from id reading, which knows
 * nothing of tokens.
 */
export function presentedWithFreshness(
  headers: RequestHeaders,
  settings: SessionSettings,
  id: string,
  key: string,
  source: SessionIdSource | undefined,
): PresentedId {
  const freshness = source === 'cookie' ? readFreshness(headerValue(headers, 'cookie'), settings) : undefined;
  return freshness === undefined ? { id, key } : { id, key, freshness };
}
