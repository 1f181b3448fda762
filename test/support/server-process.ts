import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * One database server process for tests (postgres, mariadbd): spawned, watched so it dies with
 * this process, stopped by PID, restartable. The launch details stay with each server's helper.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every process started here and not yet stopped, killed for sure when this process exits. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    running.clear();
  });
}

/**
 * A detached shell that kills the server within half a second once this process is gone (a
 * SIGKILLed test worker runs no exit hook), and exits on its own once the server is gone.
 */
function watch(pid: number): ChildProcess {
  const script = [
    "trap 'kill $s 2>/dev/null; wait; exit 0' TERM",
    `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${pid} 2>/dev/null; do sleep 0.5 & s=$!; wait $s; done`,
    `kill -9 ${pid} 2>/dev/null`,
  ].join('; ');
  const watchdog = spawn('sh', ['-c', script], { stdio: 'ignore', detached: true });
  watchdog.unref();
  return watchdog;
}

/** The last lines of a log file, for start-up errors. */
export function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** What a server helper tells `ServerProcess` about how to run and probe its server. */
export interface ServerLaunch {
  name: string;
  command: string;
  args: string[];
  options?: SpawnOptions;
  log: string;
  /** Resolves true once the server accepts connections (errors count as not yet). */
  ready: () => Promise<boolean>;
  /** Ms to wait for `ready`. */
  startTimeout?: number;
}

/** A running server process: start, stop (TERM then KILL), kill, pause, resume, restart. */
export class ServerProcess {
  private child?: ChildProcess;
  private exited?: Promise<void>;

  constructor(private readonly launch: ServerLaunch) {
    installExitHook();
  }

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  async start(): Promise<void> {
    const { command, args, options, name, log } = this.launch;
    const child = spawn(command, args, { stdio: 'ignore', ...options });
    if (child.pid === undefined) throw new Error(`${name} could not be started: is it installed?`);
    this.child = child;
    running.add(child);
    const watchdog = watch(child.pid);
    const watchdogGone = new Promise<void>((resolve) => watchdog.once('exit', () => resolve()));
    this.exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        running.delete(child);
        watchdog.kill('SIGTERM');
        void Promise.race([watchdogGone, sleep(1_000)]).then(() => resolve());
      }),
    );
    const deadline = Date.now() + (this.launch.startTimeout ?? 30_000);
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${name} exited at start:\n${tail(log)}`);
      }
      if (await this.launch.ready().catch(() => false)) return;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${name} did not accept connections:\n${tail(log)}`);
      }
      await sleep(50);
    }
  }

  /** Sends `signal`, then SIGKILL after 5 s, and waits until the process is gone. */
  async terminate(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGCONT');
    child.kill(signal);
    const gone = await Promise.race([this.exited!.then(() => true), sleep(5_000).then(() => false)]);
    if (!gone) {
      child.kill('SIGKILL');
      await this.exited;
    }
  }

  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }
}
