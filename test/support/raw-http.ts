import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';

export interface RawResponse {
  status: number;
  head: string;
  body: string;
}

/**
 * Sends a request byte for byte over a socket (HTTP clients refuse non-ASCII headers, but
 * attackers do not), and reads the response until the server closes.
 */
export async function rawRequest(
  app: INestApplication,
  method: string,
  path: string,
  headers: Buffer[],
): Promise<RawResponse> {
  const server = app.getHttpServer();
  if (!server.listening) await app.listen(0, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5_000, () => socket.destroy(new Error('no response within 5 s')));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head, body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), head, body });
    });
    const lines: Buffer[] = [
      Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n`),
    ];
    for (const header of headers) lines.push(header, Buffer.from('\r\n'));
    lines.push(Buffer.from('\r\n'));
    socket.end(Buffer.concat(lines));
  });
}
