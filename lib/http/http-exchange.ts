/**
 * The few request and response operations sessions need, for both Nest adapters: Express hands
 * handlers Node's request/response (extended), Fastify its own request/reply wrappers.
 */

/** What both Express's and Fastify's request objects have. */
export interface HttpRequestLike {
  headers: Record<string, string | string[] | undefined>;
  url?: string;
  protocol?: string;
  ip?: string;
  socket?: { encrypted?: boolean; remoteAddress?: string };
}

type NodeResponseLike = {
  getHeader(name: string): number | string | string[] | undefined;
  setHeader(name: string, value: string | string[]): unknown;
  headersSent?: boolean;
};
type FastifyReplyLike = {
  raw: NodeResponseLike;
  getHeader(name: string): number | string | string[] | undefined;
  header(name: string, value: string | string[]): unknown;
  removeHeader(name: string): unknown;
  sent?: boolean;
};

function isFastifyReply(res: unknown): res is FastifyReplyLike {
  return (
    typeof res === 'object' &&
    res !== null &&
    'raw' in res &&
    typeof (res as FastifyReplyLike).header === 'function'
  );
}

export type RequestHeaders = HttpRequestLike['headers'];

export function requestHeader(req: HttpRequestLike, name: string): string | undefined {
  return headerValue(req.headers, name);
}

/** A header's (first) value, from headers already taken off the request. */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A query parameter, read from the raw URL so it works whatever query parser the app uses. */
export function queryParameter(req: HttpRequestLike, name: string): string | undefined {
  const url = req.url ?? '';
  const start = url.indexOf('?');
  if (start < 0) return undefined;
  return new URLSearchParams(url.slice(start + 1)).get(name) ?? undefined;
}

/** HTTPS as the platform reports it, which honours Express's `trust proxy` / Fastify's `trustProxy`. */
export function isHttps(req: HttpRequestLike): boolean {
  return req.protocol === 'https' || req.socket?.encrypted === true;
}

export function clientIp(req: HttpRequestLike): string | undefined {
  return req.ip ?? req.socket?.remoteAddress;
}

export function headersSent(res: unknown): boolean {
  if (isFastifyReply(res)) return res.sent === true || res.raw.headersSent === true;
  return (res as NodeResponseLike).headersSent === true;
}

export function setResponseHeader(res: unknown, name: string, value: string): void {
  if (isFastifyReply(res)) res.header(name, value);
  else (res as NodeResponseLike).setHeader(name, value);
}

/** Sets a cookie, replacing any Set-Cookie of the same name this response already carries. */
export function setResponseCookie(res: unknown, name: string, cookie: string): void {
  const target = res as NodeResponseLike | FastifyReplyLike;
  const current = target.getHeader('set-cookie');
  const others = (current === undefined ? [] : Array.isArray(current) ? current : [String(current)]).filter(
    (c) => !c.startsWith(`${name}=`),
  );
  if (isFastifyReply(target)) {
    target.removeHeader('set-cookie');
    for (const c of [...others, cookie]) target.header('set-cookie', c);
  } else {
    target.setHeader('set-cookie', [...others, cookie]);
  }
}

/** A Node response as Express hands it, or under a Fastify reply. */
export interface NodeResponse {
  req?: unknown;
  headersSent: boolean;
  statusCode: number;
  getHeader(name: string): number | string | string[] | undefined;
  setHeader(name: string, value: number | string | string[]): unknown;
  removeHeader(name: string): void;
  end(chunk?: unknown): unknown;
}

/** The Node response under an Express response or a Fastify reply. */
export function nodeResponse(res: unknown): NodeResponse {
  return (isFastifyReply(res) ? res.raw : res) as NodeResponse;
}

/**
 * The response of a request when only the request is at hand (a guard, a middleware, a service):
 * Express links it as `req.res`; for Fastify's request and Node's own, it is the response the
 * request's socket is writing, checked to belong to this very request (a pipelined request's
 * response is not yet on the socket: then there is none).
 */
export function responseOf(req: object): unknown {
  const express = (req as { res?: unknown }).res;
  if (typeof express === 'object' && express !== null) return express;
  const raw = (req as { raw?: object }).raw ?? req;
  const writing = (raw as { socket?: { _httpMessage?: NodeResponse | null } }).socket?._httpMessage;
  return writing && writing.req === raw ? writing : undefined;
}
