import type { SessionSettings } from '../options/session-settings';
import type { HttpRequestLike, RequestHeaders } from './http-exchange';
import type { IncomingSessionId } from './read-session-id';
import { rawValue } from './read-session-id';

/**
 * Under a sealing store, what the client carries in place of an id: the first configured source
 * that holds a value, unopened (the store opens it; anything it cannot open starts a fresh
 * session). Nothing is checked or signed here: the id layer does not learn what it carries.
 */
export function readSealedValue(
  req: HttpRequestLike,
  settings: SessionSettings,
  headers: RequestHeaders = req.headers,
): IncomingSessionId {
  for (const source of settings.idFrom) {
    const sealed = rawValue(req, settings, source, headers);
    if (sealed !== undefined && sealed !== '') return { source, sealed };
  }
  return {};
}
