import type { Socket } from 'node:net';
import { createConnection } from 'node:net';

/** A decoded RESP2 reply. Error replies are returned as Error values, not thrown. */
export type RespReply = string | number | null | Error | RespReply[];

/**
 * Sends one command to a Redis (or Sentinel) server over a fresh socket and returns its reply.
 * The harness uses this instead of ioredis so waiting for a server never leaves a client behind
 * that reconnects or emits errors.
 */
export function respCommand(
  port: number,
  args: (string | number)[],
  { host = '127.0.0.1', timeout = 1_000 } = {},
): Promise<RespReply> {
  return new Promise((resolve, reject) => {
    const socket: Socket = createConnection({ host, port });
    let buffer = Buffer.alloc(0);
    const done = (err: Error | null, reply?: RespReply) => {
      socket.destroy();
      if (err) reject(err);
      else resolve(reply as RespReply);
    };
    socket.setTimeout(timeout, () =>
      done(new Error(`${host}:${port} did not answer ${args[0]} in ${timeout} ms`)),
    );
    socket.on('error', (err) => done(err));
    socket.on('connect', () => socket.write(encode(args)));
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      const parsed = parse(buffer, 0);
      if (parsed) done(null, parsed.value);
    });
  });
}

function encode(args: (string | number)[]): string {
  let out = `*${args.length}\r\n`;
  for (const arg of args) {
    const text = String(arg);
    out += `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
  }
  return out;
}

/** Parses one reply starting at `at`; undefined while it is incomplete. */
function parse(buf: Buffer, at: number): { value: RespReply; next: number } | undefined {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const line = buf.toString('utf8', at + 1, eol);
  switch (String.fromCharCode(buf[at])) {
    case '+':
      return { value: line, next: eol + 2 };
    case '-':
      return { value: new Error(line), next: eol + 2 };
    case ':':
      return { value: Number(line), next: eol + 2 };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, next: eol + 2 };
      if (buf.length < eol + 2 + len + 2) return undefined;
      return { value: buf.toString('utf8', eol + 2, eol + 2 + len), next: eol + 2 + len + 2 };
    }
    case '*': {
      const len = Number(line);
      if (len < 0) return { value: null, next: eol + 2 };
      const items: RespReply[] = [];
      let next = eol + 2;
      for (let i = 0; i < len; i++) {
        const item = parse(buf, next);
        if (!item) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`Unexpected RESP reply: ${line}`);
  }
}

/** `INFO`-style text ("field:value" lines) as an object. */
export function parseInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}
