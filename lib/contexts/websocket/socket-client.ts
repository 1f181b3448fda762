import type { HttpRequestLike } from '../../http/http-exchange';

/**
 * The two kinds of WebSocket client Nest gateways hand handlers, described by what sessions use
 * of them (typed structurally: `socket.io` and `ws` are optional peers, never imported here).
 */
interface Emitter {
  once(event: string, listener: () => void): unknown;
}

/** A socket.io `Socket`: its handshake request is public as `request`. */
export interface SocketIoClientLike extends Emitter {
  request: HttpRequestLike;
  handshake: object;
  nsp: object;
  connected: boolean;
  disconnect(close?: boolean): unknown;
}

/** A `ws` `WebSocket`: it keeps no handshake request (see `upgrade-requests.ts`). */
export interface WsClientLike extends Emitter {
  readyState: number;
  send(data: unknown): unknown;
  close(code?: number, reason?: string): unknown;
  terminate(): unknown;
  /** ws < 3 kept the upgrade request here; later versions give it only to 'connection' listeners. */
  upgradeReq?: HttpRequestLike;
  /** The TCP socket under it (ws's own field, stable since ws 1). */
  _socket?: object;
}

/** A gateway's client, of either kind. */
export type SocketClient = SocketIoClientLike | WsClientLike;

/** Whether `value` is a socket.io server-side `Socket`. */
export function isSocketIoClient(value: unknown): value is SocketIoClientLike {
  const client = value as Partial<SocketIoClientLike> | null;
  return (
    typeof client === 'object' &&
    client !== null &&
    typeof client.request === 'object' &&
    typeof client.handshake === 'object' &&
    typeof client.nsp === 'object' &&
    typeof client.disconnect === 'function'
  );
}

/** Whether `value` is a `ws` `WebSocket`. */
export function isWsClient(value: unknown): value is WsClientLike {
  const client = value as Partial<WsClientLike> | null;
  return (
    typeof client === 'object' &&
    client !== null &&
    typeof client.readyState === 'number' &&
    typeof client.send === 'function' &&
    typeof client.terminate === 'function'
  );
}

/** Whether `value` is a gateway client (socket.io or ws) rather than an HTTP request. */
export function isSocketClient(value: unknown): value is SocketClient {
  return isSocketIoClient(value) || isWsClient(value);
}

/**
 * Whether a request is a WebSocket handshake rather than an HTTP exchange with a response to
 * carry a cookie: an upgrade (ws, socket.io over websocket) or an engine.io request (socket.io's
 * polling handshake, which engine.io marks with its parsed query).
 */
export function isHandshakeRequest(value: object): value is HttpRequestLike {
  const req = value as { upgrade?: unknown; headers?: unknown; _query?: { EIO?: unknown } };
  if (typeof req.headers !== 'object' || req.headers === null) return false;
  return req.upgrade === true || (typeof req._query === 'object' && req._query?.EIO !== undefined);
}

/** ws's `WebSocket.OPEN`. */
const WS_OPEN = 1;

/** Whether the connection is established (and will say when it closes). */
export function isOpen(client: SocketClient): boolean {
  return isSocketIoClient(client) ? client.connected : client.readyState === WS_OPEN;
}

/** Calls `listener` once when the client's connection ends. */
export function onClose(client: SocketClient, listener: () => void): void {
  client.once(isSocketIoClient(client) ? 'disconnect' : 'close', listener);
}

/** WebSocket close code for "policy violation": the session this connection stood on ended. */
const SESSION_ENDED_CODE = 1008;

/** Disconnects the client, saying why (socket.io: a server-side disconnect; ws: a close frame). */
export function disconnect(client: SocketClient): void {
  if (isSocketIoClient(client)) client.disconnect(true);
  else client.close(SESSION_ENDED_CODE, 'session ended');
}
