import { Inject, Injectable } from '@nestjs/common';
import { VerifiedIdCache } from '../id/verified-id-cache';
import { SESSION_SETTINGS, SessionSettings } from '../options/session-settings';
import type { ActiveSession } from '../session/active-session';
import { SessionFactory } from '../session/session-factory';
import type { SessionOrigin } from '../session/session-id-writer';
import { holdResponse } from './hold-response';
import { HttpRequestLike, clientIp, nodeResponse, requestHeader, responseOf } from './http-exchange';
import { readSessionId } from './read-session-id';
import { ResponseIdWriter } from './response-id-writer';

/** Where a request keeps its session state (a symbol, so nothing else can clash with it). */
const REQUEST_SESSION_STATE = Symbol('nest-sessions:request-state');
const MAX_USER_AGENT = 512;

interface RequestSessionState {
  session: Promise<ActiveSession>;
  /** Set once the load has finished, for the synchronous `@Session()` parameter. */
  loaded?: ActiveSession;
  writer: ResponseIdWriter;
  /** Something saves it before the head leaves: the interceptor, or the held response. */
  saved: boolean;
}

type SessionRequest = HttpRequestLike & { [REQUEST_SESSION_STATE]?: RequestSessionState };

/**
 * A request's session, from one lifecycle whoever opens it: loaded once per request however many
 * guards, middleware, services and parameters ask, and saved once before the response's head
 * leaves, with its id on that response. The interceptor saves at the end of the handler; any
 * other opener gets the response held until the session is saved. Requests that never open a
 * session are never touched.
 */
@Injectable()
export class RequestSessions {
  private readonly verified = new VerifiedIdCache();

  constructor(
    @Inject(SESSION_SETTINGS) private readonly settings: SessionSettings,
    private readonly factory: SessionFactory,
  ) {}

  /**
   * The request's session for code outside the interceptor: the response (given, or found from
   * the request) is held until the session is saved. Without a response (a WebSocket handshake)
   * nothing saves it implicitly: the caller calls `save()`.
   */
  forRequest(request: object, res?: unknown): Promise<ActiveSession> {
    const req = request as SessionRequest;
    const state = req[REQUEST_SESSION_STATE] ?? this.open(req);
    if (!state.saved) {
      const response = res ?? responseOf(req);
      if (response !== undefined) {
        state.saved = true;
        state.writer.bind(response);
        holdResponse(nodeResponse(response), () => this.settle(req));
      }
    }
    return state.session;
  }

  /** The request's session for the interceptor, which saves it with `settle` before responding. */
  load(request: object, res: unknown): Promise<ActiveSession> {
    const req = request as SessionRequest;
    const state = req[REQUEST_SESSION_STATE] ?? this.open(req);
    state.saved = true;
    state.writer.bind(res);
    return state.session;
  }

  /**
   * Saves the request's session, if it has one that needs it; undefined (no promise) otherwise.
   * A failed load already answered 503: there is nothing to save then.
   */
  settle(req: object): Promise<void> | undefined {
    const state = (req as SessionRequest)[REQUEST_SESSION_STATE];
    if (!state) return undefined;
    if (state.loaded) return state.loaded.commit();
    return state.session.then(
      (session) => session.commit(),
      () => undefined,
    );
  }

  private open(req: SessionRequest): RequestSessionState {
    const incoming = readSessionId(req, this.settings, this.verified);
    const writer = new ResponseIdWriter(this.settings, req, incoming.source);
    const presented =
      incoming.id !== undefined && incoming.key !== undefined
        ? { id: incoming.id, key: incoming.key }
        : undefined;
    const state: RequestSessionState = {
      writer,
      saved: false,
      session: undefined as unknown as Promise<ActiveSession>,
    };
    state.session = this.factory
      .open(presented, writer, () => origin(req))
      .then((session) => (state.loaded = session));
    req[REQUEST_SESSION_STATE] = state;
    return state;
  }
}

/** The session if this request has finished loading one (the `@Session()` parameter). */
export function loadedSession(req: object): ActiveSession | undefined {
  return (req as SessionRequest)[REQUEST_SESSION_STATE]?.loaded;
}

function origin(req: HttpRequestLike): SessionOrigin {
  const origin: SessionOrigin = {};
  const userAgent = requestHeader(req, 'user-agent');
  if (userAgent) origin.userAgent = userAgent.slice(0, MAX_USER_AGENT);
  const ip = clientIp(req);
  if (ip) origin.ip = ip;
  return origin;
}
