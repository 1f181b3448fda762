import type { SessionIdSource } from '../options/session-module-options.interface';
import type { SessionSettings } from '../options/session-settings';
import { readCookie } from '../cookie/read-cookie';
import { sessionKey } from '../id/session-key';
import { unsignSessionId } from '../id/sign-session-id';
import type { HttpRequestLike, RequestHeaders } from './http-exchange';
import { headerValue, queryParameter } from './http-exchange';
import type { VerifiedIdCache } from '../id/verified-id-cache';

export interface IncomingSessionId {
  /** A well-formed (and, for cookies with a secret, correctly signed) id; not yet known to exist. */
  id?: string;
  /** The store key of `id`. */
  key?: string;
  /** Where the client sent its id (even an invalid one): the answer goes back the same way. */
  source?: SessionIdSource;
  /** What the client carries in place of an id under a sealing store (`CookieStore`), unopened. */
  sealed?: string;
}

/** Reads the id from the configured sources in order; the first well-formed one wins. */
export function readSessionId(
  req: HttpRequestLike,
  settings: SessionSettings,
  verified: VerifiedIdCache,
  headers: RequestHeaders = req.headers,
): IncomingSessionId {
  let firstSource: SessionIdSource | undefined;
  for (const source of settings.idFrom) {
    const raw = rawValue(req, settings, source, headers);
    if (raw === undefined || raw === '') continue;
    firstSource ??= source;
    const known = verified.get(source, raw);
    if (known) return { id: known.id, key: known.key, source };
    const id =
      source === 'cookie' && settings.secrets.length > 0 ? unsignSessionId(raw, settings.secrets) : raw;
    if (id !== undefined && settings.ids.accepts(id)) {
      const key = sessionKey(id);
      verified.remember(source, raw, id, key);
      return { id, key, source };
    }
  }
  return { source: firstSource };
}

/**
 * The value a source holds, as the client sent it. `headers`: the request's, when the caller
 * has them already (on Express each read of `req.headers` is a slow lookup).
 */
export function rawValue(
  req: HttpRequestLike,
  settings: SessionSettings,
  source: SessionIdSource,
  headers: RequestHeaders = req.headers,
): string | undefined {
  switch (source) {
    case 'cookie':
      return readCookie(headerValue(headers, 'cookie'), settings.cookie.name);
    case 'header':
      return headerValue(headers, settings.header);
    case 'query':
      return queryParameter(req, settings.cookie.name);
  }
}
