import type { Cluster, Redis } from 'ioredis';

/**
 * ioredis clients a spec opens: their 'error' events are expected (servers get killed) and
 * silenced, and `closeAll` ends every one of them in afterAll.
 */
export function trackedClients() {
  const clients: (Redis | Cluster)[] = [];
  return {
    track<C extends Redis | Cluster>(client: C): C {
      client.on('error', () => undefined);
      clients.push(client);
      return client;
    },
    async closeAll(): Promise<void> {
      await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
