import { EventEmitter } from 'node:events';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isHandshakeRequest, isSocketClient, isSocketIoClient, isWsClient } from './socket-client';

/** Shaped as socket.io's Socket and ws's WebSocket are (their packages are only dev dependencies). */
const ioClient = Object.assign(new EventEmitter(), {
  request: { headers: {} },
  handshake: {},
  nsp: {},
  connected: true,
  disconnect: () => undefined,
});
const wsClient = Object.assign(new EventEmitter(), {
  readyState: 1,
  send: () => undefined,
  close: () => undefined,
  terminate: () => undefined,
});

function request(extra: object = {}): IncomingMessage {
  return Object.assign(new IncomingMessage(new Socket()), extra);
}

describe('socket clients and handshakes', () => {
  it('tells socket.io and ws clients apart, and from HTTP requests', () => {
    expect(isSocketIoClient(ioClient)).toBe(true);
    expect(isWsClient(ioClient)).toBe(false);
    expect(isWsClient(wsClient)).toBe(true);
    expect(isSocketIoClient(wsClient)).toBe(false);
    expect(isSocketClient(request())).toBe(false);
    expect(isSocketClient(null)).toBe(false);
  });

  it('takes upgrades and engine.io requests as handshakes, plain requests not', () => {
    expect(isHandshakeRequest(request({ upgrade: true }))).toBe(true);
    expect(isHandshakeRequest(request({ _query: { EIO: '4', transport: 'polling' } }))).toBe(true);
    expect(isHandshakeRequest(request())).toBe(false);
    expect(isHandshakeRequest(request({ _query: { page: '2' } }))).toBe(false);
  });
});
