import { io, type Socket as IoClient } from 'socket.io-client';
import { WebSocket } from 'ws';
import type { Transport } from './websocket-test-app';

/** One client API over socket.io-client and ws: `ask` sends an event and resolves with its answer. */
export interface TestSocket {
  /** Rejects on an error answer, or with no answer within `timeoutMs` (ws answers no errors). */
  ask<T = Record<string, unknown>>(event: string, data?: object, timeoutMs?: number): Promise<T>;
  /** Resolves when the server closes the connection. */
  readonly closed: Promise<void>;
  isOpen(): boolean;
  close(): void;
}

export interface ConnectOptions {
  cookie?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  /** The members gateway (refuses handshakes without a login). */
  members?: boolean;
}

export function connect(
  transport: Transport,
  url: string,
  options: ConnectOptions = {},
): Promise<TestSocket> {
  const headers = { ...options.headers, ...(options.cookie ? { cookie: options.cookie } : {}) };
  return transport === 'ws' ? connectWs(url, headers, options) : connectIo(url, headers, options);
}

function connectIo(
  url: string,
  headers: Record<string, string>,
  options: ConnectOptions,
): Promise<TestSocket> {
  const socket: IoClient = io(options.members ? `${url}/members` : url, {
    extraHeaders: headers,
    query: options.query,
    forceNew: true,
    reconnection: false,
  });
  const closed = new Promise<void>((resolve) => socket.on('disconnect', () => resolve()));
  return new Promise((resolve, reject) => {
    socket.on('connect_error', (error) => {
      socket.close();
      reject(error);
    });
    socket.on('connect', () =>
      resolve({
        async ask<T>(event: string, data: object = {}, timeoutMs = 10_000): Promise<T> {
          return new Promise<T>((done, fail) => {
            const onException = (error: unknown) => fail(Object.assign(new Error('exception'), { error }));
            socket.once('exception', onException);
            socket
              .timeout(timeoutMs)
              .emitWithAck(event, data)
              .then((reply: T) => {
                socket.off('exception', onException);
                done(reply);
              }, fail);
          });
        },
        closed,
        isOpen: () => socket.connected,
        close: () => socket.close(),
      }),
    );
  });
}

function connectWs(
  url: string,
  headers: Record<string, string>,
  options: ConnectOptions,
): Promise<TestSocket> {
  const query = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
  const ws = new WebSocket(`${url.replace('http', 'ws')}${options.members ? '/members' : '/'}${query}`, {
    headers,
  });
  let rid = 0;
  const waiting = new Map<number, { done: (data: never) => void; fail: (error: Error) => void }>();
  ws.on('message', (raw) => {
    const message = JSON.parse((raw as Buffer).toString()) as { event?: string; data?: { rid?: number } };
    const pending = message.data?.rid === undefined ? undefined : waiting.get(message.data.rid);
    if (!pending) return;
    waiting.delete(message.data!.rid!);
    pending.done(message.data as never);
  });
  const closed = new Promise<void>((resolve) =>
    ws.on('close', () => {
      for (const pending of waiting.values()) pending.fail(new Error('closed'));
      resolve();
    }),
  );
  return new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('open', () => {
      // A refused handshake closes as it opens: give the server a moment to say so.
      setTimeout(() => {
        if (ws.readyState !== WebSocket.OPEN) return reject(new Error('closed by the server'));
        resolve({
          ask<T>(event: string, data: object = {}, timeoutMs = 10_000): Promise<T> {
            const id = ++rid;
            return new Promise<T>((done, fail) => {
              const timer = setTimeout(() => {
                waiting.delete(id);
                fail(new Error(`no answer to ${event}`));
              }, timeoutMs);
              waiting.set(id, {
                done: (value: never) => {
                  clearTimeout(timer);
                  done(value);
                },
                fail: (error) => {
                  clearTimeout(timer);
                  fail(error);
                },
              });
              ws.send(JSON.stringify({ event, data: { ...data, rid: id } }));
            });
          },
          closed,
          isOpen: () => ws.readyState === WebSocket.OPEN,
          close: () => ws.close(),
        });
      }, 100);
    });
  });
}
