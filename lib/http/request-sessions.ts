import { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { VerifiedIdCache } from '../id/verified-id-cache';
import { SESSION_SETTINGS, SessionSettings } from '../options/session-settings';
import type { ActiveSession } from '../session/active-session';
import { SealedSessions } from '../session/sealed-sessions';
import { SessionFactory } from '../session/session-factory';
import type { PresentedId } from '../session/session-factory';
import type { SessionOrigin } from '../session/session-id-writer';
import { ConnectionCookieMemo } from './connection-cookie-memo';
import { holdResponse } from './hold-response';
import {
  HttpRequestLike,
  clientIp,
  headerValue,
  nodeResponse,
  requestHeader,
  responseOf,
} from './http-exchange';
import { IncomingSessionId, readSessionId } from './read-session-id';
import { readSealedValue } from './read-sealed-value';
import { ResponseIdWriter } from './response-id-writer';
import { presentedWithFreshness } from './presented-id';

/** The key of a request's session state (a symbol, so nothing else can clash with it). */
const REQUEST_SESSION_STATE = Symbol('nest-sessions:request-state');
/** What `util.inspect` (a logged Fastify request) shows of the state: no session data. */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const inspectState = (): string => '[nest-sessions request state]';
const MAX_USER_AGENT = 512;

interface RequestSessionState {
  /** The load in flight; made from `loaded` only when someone asks for a promise. */
  session?: Promise<ActiveSession>;
  /** Set once the load has finished: `@Session()` and `req.session` take it without waiting. */
  loaded?: ActiveSession;
  writer: ResponseIdWriter;
  /** Something saves it before the head leaves: the interceptor, or the held response. */
  saved: boolean;
  [INSPECT]: () => string;
}

/**
 * What a request presents: its id as read (with its source, also when the id is invalid), and for a
 * valid id its `PresentedId`.
 */
interface Presentation {
  readonly incoming: IncomingSessionId;
  readonly presented?: PresentedId;
}

/** A Fastify request's slot for its state (see `declareRequestState`). */
type StateSlot = { [REQUEST_SESSION_STATE]?: RequestSessionState | null };

/**
 * The states of Node requests (Express's, a WebSocket handshake's), by request. Express gives each
 * request object a hidden class of its own, so a property added to it took microseconds per
 * request, and each later read a slow lookup. Nothing is added to the request or its headers, so
 * a middleware that replaces `req.headers` or logs them changes or shows nothing of the session.
 */
const nodeRequestStates = new WeakMap<object, RequestSessionState>();

/** The request's session state, if one was opened. A Fastify request keeps it in its own slot. */
function stateOf(req: HttpRequestLike): RequestSessionState | undefined {
  if (req instanceof IncomingMessage) return nodeRequestStates.get(req);
  return (req as StateSlot)[REQUEST_SESSION_STATE] ?? undefined;
}

function keepState(req: HttpRequestLike, state: RequestSessionState): void {
  if (req instanceof IncomingMessage) nodeRequestStates.set(req, state);
  else (req as StateSlot)[REQUEST_SESSION_STATE] = state;
}

/** What of a Fastify instance `declareRequestState` uses. */
interface RequestDecorating {
  decorateRequest(name: symbol, value: null): unknown;
  hasRequestDecorator(name: symbol): boolean;
}

/**
 * Declares the state's slot on a Fastify instance's requests, so every request object is built
 * with it: setting it then changes no request's shape, and Fastify's own code keeps seeing one
 * shape of request (what Fastify asks of anything it adds to requests). Without it, sessions
 * still work; each request that opens one then changes shape.
 */
export function declareRequestState(fastify: RequestDecorating): void {
  if (fastify.hasRequestDecorator(REQUEST_SESSION_STATE)) return;
  fastify.decorateRequest(REQUEST_SESSION_STATE, null);
}

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
  /** Per connection: what its last Cookie header presented (only an id found in the cookie). */
  private readonly lastCookie = new ConnectionCookieMemo<Presentation>();

  constructor(
    @Inject(SESSION_SETTINGS) private readonly settings: SessionSettings,
    private readonly factory: SessionFactory,
    private readonly sealed: SealedSessions,
  ) {}

  /**
   * The request's session for code outside the interceptor: the response (given, or found from
   * the request) is held until the session is saved. Without a response (a WebSocket handshake)
   * nothing saves it implicitly: the caller calls `save()`.
   */
  forRequest(request: object, res?: unknown): Promise<ActiveSession> {
    const req = request as HttpRequestLike;
    let state: RequestSessionState;
    try {
      state = stateOf(req) ?? this.open(req);
    } catch (error) {
      return Promise.reject(error); // a store that failed at once, as a load would
    }
    this.holdUntilSaved(state, req, res);
    return sessionPromise(state);
  }

  /**
   * The request's session at once, for synchronous readers (`req.session`), when it needs no
   * store call: opened already, or fresh because the client presented no id. Undefined while a
   * presented id still has to be loaded (`forRequest` does that). Saved as `forRequest`'s is.
   */
  sessionNow(request: object, res?: unknown): ActiveSession | undefined {
    const req = request as HttpRequestLike;
    let state = stateOf(req);
    if (!state) {
      const presentation = this.presentation(req);
      if (presentation.incoming.id !== undefined) return undefined;
      state = this.open(req, presentation);
    }
    this.holdUntilSaved(state, req, res);
    return state.loaded?.isUnread ? undefined : state.loaded;
  }

  /** Whether the request presents a well-formed (and signed) id, which takes a store call to open. */
  presentsId(request: object): boolean {
    const req = request as HttpRequestLike;
    const state = stateOf(req);
    if (state) return state.loaded === undefined || state.loaded.isUnread;
    return this.presentation(req).incoming.id !== undefined;
  }

  /**
   * The request's session for a `@Session()` handler, which saves it itself after it runs: at once
   * when it is already there (fresh, or loaded by a guard), else once loaded. Without `load` (a
   * handler that only writes), a session the store would have to load is handed over unread.
   */
  forHandler(request: object, res: unknown, load = true): ActiveSession | Promise<ActiveSession> {
    const req = request as HttpRequestLike;
    const state = stateOf(req) ?? this.open(req, undefined, load);
    state.saved = true;
    state.writer.bind(res);
    const { loaded } = state;
    return loaded && !(load && loaded.isUnread) ? loaded : sessionPromise(state);
  }

  /** The request's session for the interceptor, which saves it with `settle` before responding. */
  load(request: object, res: unknown): Promise<ActiveSession> {
    const req = request as HttpRequestLike;
    let state: RequestSessionState;
    try {
      state = stateOf(req) ?? this.open(req);
    } catch (error) {
      return Promise.reject(error);
    }
    state.saved = true;
    state.writer.bind(res);
    return sessionPromise(state);
  }

  /**
   * Saves the request's session, if it has one that needs it; undefined (no promise) otherwise.
   * A failed load already answered 503: there is nothing to save then.
   */
  settle(req: object): Promise<void> | undefined {
    const state = stateOf(req as HttpRequestLike);
    if (!state) return undefined;
    if (state.loaded) return state.loaded.commit();
    return sessionPromise(state).then(
      (session) => session.commit(),
      () => undefined,
    );
  }

  /** Holds the response (given, or found from the request) until the session is saved. */
  private holdUntilSaved(state: RequestSessionState, req: HttpRequestLike, res?: unknown): void {
    if (state.saved) return;
    const response = res ?? responseOf(req);
    if (response === undefined) return;
    state.saved = true;
    state.writer.bind(response);
    holdResponse(nodeResponse(response), () => this.settle(req));
  }

  /**
   * What the request presents. Its id is read from the configured sources in order; a keep-alive
   * connection that sends the Cookie header of its last request again gets that request's reading
   * (only when the cookie, the first source, held the id: then it follows from the header alone).
   */
  private presentation(req: HttpRequestLike): Presentation {
    const { headers } = req;
    if (this.sealed.enabled) return { incoming: readSealedValue(req, this.settings, headers) };
    const cookie = this.settings.idFrom[0] === 'cookie' ? headerValue(headers, 'cookie') : undefined;
    const connection = cookie === undefined ? undefined : req.socket;
    const known = this.lastCookie.get(connection, cookie);
    if (known) return known;
    const incoming = readSessionId(req, this.settings, this.verified, headers);
    const { id, key, source } = incoming;
    if (id === undefined || key === undefined) return { incoming };
    const presented = presentedWithFreshness(headers, this.settings, id, key, source);
    if (source !== 'cookie') return { incoming, presented };
    // Shared by the connection's next requests: frozen.
    const presentation = Object.freeze({
      incoming: Object.freeze(incoming),
      presented: Object.freeze(presented),
    });
    this.lastCookie.remember(connection, cookie, presentation);
    return presentation;
  }

  /** Opens the request's session and keeps its state (`keepState`); `presentation` when read already. */
  private open(req: HttpRequestLike, presentation?: Presentation, load = true): RequestSessionState {
    const { incoming, presented } = presentation ?? this.presentation(req);
    const writer = new ResponseIdWriter(this.settings, req, incoming.source, this.sealed.enabled);
    const originOf = () => origin(req);
    // The client carries the session itself (CookieStore), or no id, or a store holding the
    // session in this process: the session exists at once, for synchronous readers too, and the
    // handler runs without waiting a turn.
    let now = this.sealed.enabled
      ? this.sealed.open(incoming.sealed, incoming.source, writer, originOf)
      : this.factory.openNow(presented, writer, originOf);
    // Only `openNow` leaves it undefined, and only for a presented id.
    if (!now && !load) now = this.factory.unread(presented!, writer, originOf);
    const state: RequestSessionState = { writer, saved: false, loaded: now, [INSPECT]: inspectState };
    if (!now) {
      state.session = this.factory
        .open(presented, writer, originOf)
        .then((session) => (state.loaded = session));
    }
    keepState(req, state);
    return state;
  }
}

/** The request's session as a promise, loaded (or read in, if it was handed over unread). */
function sessionPromise(state: RequestSessionState): Promise<ActiveSession> {
  if (state.session) return state.session;
  const session = state.loaded!;
  return (state.session = session.isUnread ? session.read().then(() => session) : Promise.resolve(session));
}

function origin(req: HttpRequestLike): SessionOrigin {
  const origin: SessionOrigin = {};
  const userAgent = requestHeader(req, 'user-agent');
  if (userAgent) origin.userAgent = userAgent.slice(0, MAX_USER_AGENT);
  const ip = clientIp(req);
  if (ip) origin.ip = ip;
  return origin;
}
