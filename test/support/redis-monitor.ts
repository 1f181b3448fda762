import { connect } from 'node:net';

/** A client connected to the Redis server to watch (its socket tells which one). */
interface ConnectedClient {
  stream: { remoteAddress: string; remotePort: number };
}

/** `+<time> [<db> <source>] "<command>" ...`: the source is a client's address, or `lua` inside scripts. */
const LOGGED = /^\+[\d.]+ \[\d+ ([^\]]+)\] "([^"]*)"/;

/**
 * MONITOR on the server `client` is connected to, over a plain socket: calls `listener` with each
 * logged command's name (lower case) and source. Resolves once MONITOR is on. ioredis's own
 * `monitor()` can throw "Command queue state error" when another client's command is logged in
 * the same packet as MONITOR's OK, before it has switched to monitoring.
 */
export function monitorRedis(
  client: unknown,
  listener: (command: string, source: string) => void,
): Promise<{ disconnect(): void }> {
  const { remoteAddress: host, remotePort: port } = (client as ConnectedClient).stream;
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let pending = '';
    let on = false;
    socket.setEncoding('utf8');
    socket.on('error', (error) => (on ? undefined : reject(error)));
    socket.on('connect', () => socket.write('MONITOR\r\n'));
    socket.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\r\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (!on) {
          if (line !== '+OK') return reject(new Error(`MONITOR answered ${line}`));
          on = true;
          resolve({ disconnect: () => socket.destroy() });
          continue;
        }
        const logged = LOGGED.exec(line);
        if (logged) listener(logged[2].toLowerCase(), logged[1]);
      }
    });
  });
}
