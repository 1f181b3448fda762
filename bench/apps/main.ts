import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { SETUP_FACTORIES } from './setups';

/**
 * One bench app in its own process: `node main.js <setup> <redisPort>`, forked by the runner.
 * Reports `{ ready: port }` over IPC once listening on 127.0.0.1, and exits with its parent.
 */
async function main(): Promise<void> {
  const [name, redisPort] = process.argv.slice(2);
  const factory = SETUP_FACTORIES[name];
  if (!factory) throw new Error(`unknown setup ${name}`);
  const app = await factory({ redisPort: Number(redisPort) });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.on('disconnect', () => process.exit(0));
  process.send?.({ ready: port });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
