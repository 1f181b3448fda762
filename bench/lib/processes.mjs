// Child processes of the bench (redis-server, apps, memory runs): started here, always stopped by PID.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const live = new Set();

/** Tracks a child so that it is killed even if the runner fails or is interrupted. */
export function track(child) {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stop(child, graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

/** Synchronous last resort on exit: SIGKILL whatever is still running. */
export function killAllSync() {
  for (const child of live) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

process.once('exit', killAllSync);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killAllSync();
    process.exit(130);
  });
}

/** Resident set size of a live process, in KiB (VmRSS from /proc). */
export function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) : NaN;
}

/** CPU time (user + system) a live process has used so far, in ms (from /proc/<pid>/stat). */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** USER_HZ: 100 on every Linux this bench targets. */
const CLOCK_TICKS_PER_SECOND = 100;
/** The CPU time /proc counts in: one clock tick, in ms. */
export const CPU_TICK_MS = 1000 / CLOCK_TICKS_PER_SECOND;

/** Runs a node script to completion and returns the JSON its last stdout line holds. */
export function runNodeJson(args, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = track(spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] }));
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop();
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited ${code ?? signal}`));
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${args.join(' ')} printed no JSON: ${last}`));
      }
    });
  });
}
