// Runs the two memory measurements, each in a fresh process with --expose-gc.
import { fileURLToPath } from 'node:url';
import { runNodeJson } from './processes.mjs';

const script = (name) => fileURLToPath(new URL(`../../dist-bench/bench/memory/${name}.js`, import.meta.url));

/** `{ 'nest-sessions': {...}, 'express-session': {...} }`, or an `error` per side that failed. */
export async function runMemory(sessions, idleWaitMs, log) {
  const out = {};
  for (const [library, file] of [
    ['nest-sessions', 'nest-sessions-memory'],
    ['express-session', 'express-session-memory'],
  ]) {
    log(`memory: ${sessions.toLocaleString('en')} sessions in ${library}'s MemoryStore`);
    try {
      out[library] = await runNodeJson(
        ['--expose-gc', script(file), String(sessions), String(idleWaitMs)],
        240_000,
      );
    } catch (err) {
      out[library] = { error: err.message };
    }
  }
  return out;
}
