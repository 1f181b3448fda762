// One bench app in its own process, forked from the compiled bench/apps/main.js.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stop, track } from './processes.mjs';

const APP_MAIN = fileURLToPath(new URL('../../dist-bench/bench/apps/main.js', import.meta.url));

let asked = 0;

/** The app's own figures (`appStats` in bench/apps/bench-config.ts); null if it does not answer in 2 s. */
function askStats(child) {
  const id = ++asked;
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(null), 2_000);
    const onMessage = (msg) => msg.answer === id && done(msg.stats);
    function done(stats) {
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(stats);
    }
    child.on('message', onMessage);
    child.send({ ask: 'stats', id });
  });
}

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
        stats: () => askStats(child),
      });
    });
  });
}
