import { SESSION_ID_PATTERN } from '../session.constants';
import type { SessionIdSource } from '../interfaces/session-module-options.interface';
import type { SessionSettings } from '../session-settings';
import { readCookie } from '../utils/read-cookie.util';
import { unsignSessionId } from '../utils/sign-session-id.util';
import { HttpRequestLike, queryParameter, requestHeader } from './http-exchange';

export interface IncomingSessionId {
  /** A well-formed (and, for cookies with a secret, correctly signed) id; not yet known to exist. */
  id?: string;
  /** Where the client sent its id (even an invalid one): the answer goes back the same way. */
  source?: SessionIdSource;
}

/** Reads the id from the configured sources in order; the first well-formed one wins. */
export function readSessionId(req: HttpRequestLike, settings: SessionSettings): IncomingSessionId {
  let firstSource: SessionIdSource | undefined;
  for (const source of settings.idFrom) {
    const raw = rawValue(req, settings, source);
    if (raw === undefined || raw === '') continue;
    firstSource ??= source;
    const id = source === 'cookie' && settings.secrets.length > 0 ? unsignSessionId(raw, settings.secrets) : raw;
    if (id !== undefined && SESSION_ID_PATTERN.test(id)) return { id, source };
  }
  return { source: firstSource };
}

function rawValue(req: HttpRequestLike, settings: SessionSettings, source: SessionIdSource): string | undefined {
  switch (source) {
    case 'cookie':
      return readCookie(requestHeader(req, 'cookie'), settings.cookie.name);
    case 'header':
      return requestHeader(req, settings.header);
    case 'query':
      return queryParameter(req, settings.cookie.name);
  }
}
