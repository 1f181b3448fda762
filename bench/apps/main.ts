import 'reflect-metadata';
import type { AddressInfo, Server } from 'node:net';
import { appStats } from './bench-config';
import { SETUP_FACTORIES } from './setups';

/**
 * One bench app in its own process: `node main.js <setup> <redisPort>`, forked by the runner.
 * Reports `{ ready: port }` over IPC once listening on 127.0.0.1, and exits with its parent.
 * Started by hand (no IPC), it prints its URL instead: handy for `node --cpu-prof`.
 */
async function main(): Promise<void> {
  const [name, redisPort] = process.argv.slice(2);
  const factory = SETUP_FACTORIES[name];
  if (!factory) throw new Error(`unknown setup ${name}`);
  const app = await factory({ redisPort: Number(redisPort) });
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  // Exit through process.exit so `node --cpu-prof` writes its profile.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => process.exit(0));
  if (process.send) {
    process.on('disconnect', () => process.exit(0));
    process.on('message', (msg: { ask?: string; id?: number }) => {
      if (msg.ask === 'stats') process.send?.({ answer: msg.id, stats: appStats() });
    });
    process.send({ ready: port });
  } else {
    console.log(`listening on http://127.0.0.1:${port}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
