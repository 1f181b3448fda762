import { HttpException, Logger } from '@nestjs/common';
import type { NodeResponse } from './http-exchange';

const HELD = ['writeHead', 'flushHeaders', 'write', 'end'] as const;
type HeldMethod = (typeof HELD)[number];
type Methods = Record<HeldMethod, (...args: unknown[]) => unknown>;

const logger = new Logger('SessionResponse');

/**
 * Holds a Node response's head and body, from the first byte anyone writes, until `beforeHead`
 * has settled: the session is saved and its id is on the response before the headers leave,
 * whoever ends the response (a handler, a middleware, an exception filter). Then the held calls
 * run in order. If `beforeHead` fails, the held response is replaced by the error's answer (a
 * 503 when the store is down): the client must not believe a change was kept.
 */
export function holdResponse(res: NodeResponse, beforeHead: () => Promise<void> | undefined): void {
  const target = res as unknown as Methods;
  const own = new Set(HELD.filter((name) => Object.prototype.hasOwnProperty.call(res, name)));
  const original = Object.fromEntries(HELD.map((name) => [name, target[name]])) as Methods;
  const held: [HeldMethod, unknown[]][] = [];
  let settling = false;

  const restore = () => {
    for (const name of HELD) {
      if (own.has(name)) target[name] = original[name];
      else delete (target as Partial<Methods>)[name];
    }
  };
  const release = () => {
    restore();
    for (const [name, args] of held) {
      if (name === 'writeHead') mergeSetCookie(res, args);
      target[name](...args);
    }
  };
  const fail = (error: unknown) => {
    restore();
    if (res.headersSent) return release();
    const status = error instanceof HttpException ? error.getStatus() : 500;
    if (!(error instanceof HttpException)) logger.error(`Session not saved: ${String(error)}`);
    for (const name of ['content-length', 'content-type', 'content-encoding', 'set-cookie', 'etag'])
      res.removeHeader(name);
    res.statusCode = status;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    const body =
      error instanceof HttpException
        ? error.getResponse()
        : { statusCode: 500, message: 'Internal server error' };
    res.end(JSON.stringify(typeof body === 'string' ? { statusCode: status, message: body } : body));
  };

  for (const name of HELD) {
    target[name] = (...args: unknown[]) => {
      held.push([name, args]);
      if (!settling) {
        settling = true;
        Promise.resolve().then(beforeHead).then(release, fail);
      }
      return name === 'write' ? true : res;
    };
  }
}

/**
 * `writeHead(status, headers)` headers win over those set before (Fastify passes all its reply
 * headers there): the session's Set-Cookie, set on the response meanwhile, is added to them.
 */
function mergeSetCookie(res: NodeResponse, args: unknown[]): void {
  const headers = args.find(
    (arg): arg is Record<string, unknown> => typeof arg === 'object' && arg !== null && !Array.isArray(arg),
  );
  if (!headers) return;
  const name = Object.keys(headers).find((key) => key.toLowerCase() === 'set-cookie');
  const ours = res.getHeader('set-cookie');
  if (name === undefined || ours === undefined) return;
  const list = (value: unknown): string[] =>
    value === undefined
      ? []
      : Array.isArray(value)
        ? value.map((v) => `${v as string}`)
        : [`${value as string}`];
  headers[name] = [...new Set([...list(headers[name]), ...list(ours)])];
}
