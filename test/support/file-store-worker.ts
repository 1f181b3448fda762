// A FileStore in a process of its own, for the multi-process tests (run with
// `node -r ./test/support/swc-register.cjs`). Modes:
//   increment <dir> <key> <count>   <count> concurrent increments of `n`, then prints `done`
//   writes <dir> <count>            <count> sequential writes over 10 sessions `w0`..`w9`, each
//                                   acknowledged on stdout (`ack <key> <i>`) once apply resolved
import { writeSync } from 'node:fs';
import { FileStore } from '../../lib';
import { changes } from '../../lib/testing';

const [mode, dir, ...rest] = process.argv.slice(2);
const expiry = () => ({ expiresAt: Date.now() + 600_000, lastSeenAt: Date.now() });
const meta = () => ({ createdAt: Date.now(), ...expiry() });

async function main(): Promise<void> {
  const store = new FileStore({ dir, lockTimeout: 30_000 });
  if (mode === 'increment') {
    const [key, count] = [rest[0], Number(rest[1])];
    await Promise.all(
      Array.from({ length: count }, () =>
        store.apply(key, changes({ increment: new Map([['n', 1]]) }), expiry()),
      ),
    );
    writeSync(1, 'done\n');
  } else if (mode === 'writes') {
    const count = Number(rest[0]);
    // A payload large enough for a write to take several system calls.
    const padding = JSON.stringify('x'.repeat(64 * 1024));
    for (let i = 0; i < count; i++) {
      const key = `w${i % 10}`;
      const set = new Map([
        ['i', String(i)],
        ['padding', padding],
      ]);
      await store.apply(key, changes({ set, increment: new Map([['writes', 1]]) }), expiry(), meta());
      // Synchronous, so an acknowledgement on stdout never precedes its write and is never lost.
      writeSync(1, `ack ${key} ${i}\n`);
    }
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  store.onApplicationShutdown();
}

main().catch((err: Error) => {
  writeSync(2, `${err.stack}\n`);
  process.exit(1);
});
