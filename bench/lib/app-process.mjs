// One bench app in its own process, forked from the compiled bench/apps/main.js.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stop, track } from './processes.mjs';

const APP_MAIN = fileURLToPath(new URL('../../dist-bench/bench/apps/main.js', import.meta.url));

/** Starts `setup` and resolves `{ name, pid, url, stop() }` once it listens. */
export function startApp(name, redisPort, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const child = track(
      fork(APP_MAIN, [name, String(redisPort)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    );
    const timer = setTimeout(() => {
      stop(child);
      reject(new Error(`${name} did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening`));
    });
    child.once('message', (msg) => {
      clearTimeout(timer);
      resolve({
        name,
        pid: child.pid,
        url: `http://127.0.0.1:${msg.ready}`,
        stop: () => stop(child),
      });
    });
  });
}
