import type { Server, Socket } from 'node:net';
import { connect as netConnect, createServer } from 'node:net';

/**
 * A TCP proxy in front of the real server whose replies to one connection can be held back: the
 * reply to a read is then still in flight when the invalidation of a later write arrives.
 */
export async function holdingProxy(target: number) {
  const sockets: { client: Socket; held: Buffer[]; holding: boolean }[] = [];
  const proxy: Server = createServer((client) => {
    const upstream = netConnect(target, '127.0.0.1');
    const entry = { client, held: [] as Buffer[], holding: false };
    sockets.push(entry);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => (entry.holding ? entry.held.push(chunk) : client.write(chunk)));
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    port: (proxy.address() as { port: number }).port,
    /** Holds replies to a connection: 0 the store's own (made first), 1 its subscriber. */
    hold: (index = 0) => (sockets[index].holding = true),
    release: (index = 0) => {
      const entry = sockets[index];
      entry.holding = false;
      for (const chunk of entry.held.splice(0)) entry.client.write(chunk);
    },
    close: () => {
      for (const { client } of sockets) client.destroy();
      proxy.close();
    },
  };
}
