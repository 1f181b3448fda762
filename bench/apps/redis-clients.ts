import { createClient } from 'redis';

/** A connected node-redis client (what connect-redis requires) to the bench's own redis-server. */
export async function connectNodeRedis(port: number) {
  const client = createClient({ socket: { host: '127.0.0.1', port } });
  client.on('error', (err: Error) => console.error('node-redis:', err.message));
  await client.connect();
  return client;
}
