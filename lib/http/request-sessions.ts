import { Injectable } from '@nestjs/common';
import { REQUEST_SESSION_STATE } from '../session.constants';
import { HttpRequestLike, clientIp, requestHeader } from './http-exchange';
import { IncomingSessionId, readSessionId } from './read-session-id';
import { ResponseIdWriter } from './response-id-writer';
import { VerifiedIdCache } from '../id/verified-id-cache';
import { ActiveSession, SessionOrigin } from '../session/active-session';
import { SessionRuntime } from '../session-runtime';

interface RequestSessionState {
  session: Promise<ActiveSession>;
  /** Set once the load has finished, for the synchronous `@Session()` parameter. */
  loaded?: ActiveSession;
  writer: ResponseIdWriter;
}

type SessionRequest = HttpRequestLike & { [REQUEST_SESSION_STATE]?: RequestSessionState };
const MAX_USER_AGENT = 512;

/**
 * Ties sessions to requests: one load per request however many guards, services and parameters
 * ask, the response the id goes out on, and the save at the end. Internal.
 */
@Injectable()
export class RequestSessions {
  private readonly verified = new VerifiedIdCache();

  constructor(private readonly runtime: SessionRuntime) {}

  /**
   * The request's session, loaded on first call; later calls share the same object. Ids it
   * issues go out on `res` at once when given, else at `commit` (a guard has no response yet).
   */
  forRequest(req: SessionRequest, res?: unknown): Promise<ActiveSession> {
    const existing = req[REQUEST_SESSION_STATE];
    if (existing) {
      if (res !== undefined) existing.writer.bind(res);
      return existing.session;
    }
    const incoming = readSessionId(req, this.runtime.settings, this.verified);
    const writer = new ResponseIdWriter(this.runtime.settings, req, incoming.source);
    if (res !== undefined) writer.bind(res);
    const state: RequestSessionState = { writer, session: undefined as unknown as Promise<ActiveSession> };
    state.session = this.open(req, incoming, state);
    req[REQUEST_SESSION_STATE] = state;
    return state.session;
  }

  /** The session if this request has finished loading one. */
  loaded(req: SessionRequest): ActiveSession | undefined {
    return req[REQUEST_SESSION_STATE]?.loaded;
  }

  /**
   * Saves the request's session, if it has one, sending its id on `res`; undefined (no promise)
   * when it has none. Requests that never open a session are not written to at all.
   */
  commit(req: SessionRequest, res: unknown): Promise<void> | undefined {
    const state = req[REQUEST_SESSION_STATE];
    if (!state) return undefined;
    state.writer.bind(res);
    // A failed load already answered 503; there is nothing to save.
    return state.session.then((session) => session.commit(), () => undefined);
  }

  private async open(req: SessionRequest, incoming: IncomingSessionId, state: RequestSessionState): Promise<ActiveSession> {
    const { runtime } = this;
    const requestOrigin = () => origin(req);
    const { id, key } = incoming;
    if (id !== undefined && key !== undefined) {
      const stored = await runtime.call('load', () => runtime.store.load(key));
      if (stored && runtime.isAlive(stored.meta, Date.now())) {
        return (state.loaded = ActiveSession.loaded(runtime, id, key, stored, state.writer, requestOrigin));
      }
    }
    return (state.loaded = ActiveSession.fresh(runtime, requestOrigin, state.writer));
  }
}

function origin(req: HttpRequestLike): SessionOrigin {
  const origin: SessionOrigin = {};
  const userAgent = requestHeader(req, 'user-agent');
  if (userAgent) origin.userAgent = userAgent.slice(0, MAX_USER_AGENT);
  const ip = clientIp(req);
  if (ip) origin.ip = ip;
  return origin;
}
