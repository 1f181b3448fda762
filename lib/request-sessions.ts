import { Injectable } from '@nestjs/common';
import { REQUEST_SESSION_STATE } from './session.constants';
import { HttpRequestLike, clientIp, requestHeader } from './http/http-exchange';
import { IncomingSessionId, readSessionId } from './http/read-session-id';
import { ResponseIdWriter } from './http/response-id-writer';
import { ActiveSession, SessionOrigin } from './session';
import { SessionRuntime } from './session-runtime';
import { sessionKey } from './utils/session-key.util';

interface RequestSessionState {
  session: Promise<ActiveSession>;
  /** Set once the load has finished, for the synchronous `@Session()` parameter. */
  loaded?: ActiveSession;
  writer: ResponseIdWriter;
}

type SessionRequest = HttpRequestLike & {
  [REQUEST_SESSION_STATE]?: RequestSessionState;
  [RESPONSE]?: unknown;
};

const RESPONSE = Symbol('nest-sessions:response');
const MAX_USER_AGENT = 512;

/**
 * Ties sessions to requests: one load per request however many guards, services and parameters
 * ask, the response the id goes out on, and the save at the end. Internal.
 */
@Injectable()
export class RequestSessions {
  constructor(private readonly runtime: SessionRuntime) {}

  /** The request's session, loaded on first call; later calls share the same object. */
  forRequest(req: SessionRequest): Promise<ActiveSession> {
    const existing = req[REQUEST_SESSION_STATE];
    if (existing) return existing.session;
    const incoming = readSessionId(req, this.runtime.settings);
    const writer = new ResponseIdWriter(this.runtime.settings, req, incoming.source);
    if (req[RESPONSE] !== undefined) writer.bind(req[RESPONSE]);
    const state: RequestSessionState = { writer, session: this.open(req, incoming, writer) };
    state.session.then((session) => (state.loaded = session), () => undefined);
    req[REQUEST_SESSION_STATE] = state;
    return state.session;
  }

  /** The session if this request has finished loading one. */
  loaded(req: SessionRequest): ActiveSession | undefined {
    return req[REQUEST_SESSION_STATE]?.loaded;
  }

  /** Remembers the response, so ids go out as soon as they change. */
  attachResponse(req: SessionRequest, res: unknown): void {
    req[RESPONSE] = res;
    req[REQUEST_SESSION_STATE]?.writer.bind(res);
  }

  /** Saves the request's session, if it has one; undefined (no promise) when it has none. */
  commit(req: SessionRequest): Promise<void> | undefined {
    const state = req[REQUEST_SESSION_STATE];
    if (!state) return undefined;
    // A failed load already answered 503; there is nothing to save.
    return state.session.then((session) => session.commit(), () => undefined);
  }

  private async open(req: SessionRequest, incoming: IncomingSessionId, writer: ResponseIdWriter): Promise<ActiveSession> {
    const { runtime } = this;
    const requestOrigin = () => origin(req);
    if (incoming.id !== undefined) {
      const key = sessionKey(incoming.id);
      const stored = await runtime.call('load', () => runtime.store.load(key));
      if (stored && runtime.isAlive(stored.meta, Date.now())) {
        return ActiveSession.loaded(runtime, incoming.id, key, stored, writer, requestOrigin);
      }
    }
    return ActiveSession.fresh(runtime, requestOrigin, writer);
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
