import { mkdirSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';

/** Mode bits that must be clear on the directory: any access for group or others. */
const OPEN_BITS = 0o077;

/**
 * Creates `dir` (mode 0700) when missing and refuses one that others could read or write:
 * sessions are bearer credentials. Synchronous: it runs once, when the store is constructed,
 * so a misconfigured directory stops the app at start-up.
 */
export function prepareDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  checkDirectory(dir, statSync(dir));
}

/** The same check at run time: the directory is recreated when it disappeared. */
export async function recreateDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  checkDirectory(dir, await stat(dir));
}

/** Whether `dir` is still there, as a directory (a health check's ping, a recovery's test). */
export async function directoryExists(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

function checkDirectory(dir: string, stats: Stats): void {
  if (!stats.isDirectory()) throw new Error(`FileStore dir ${dir} is not a directory`);
  // No owner or permission bits to check where the platform has none (Windows).
  if (typeof process.getuid !== 'function') return;
  const uid = process.getuid();
  if (stats.uid !== uid)
    throw new Error(
      `FileStore dir ${dir} is owned by uid ${stats.uid}, not by this process's uid ${uid}: ` +
        `give the store a directory of its own (or chown it)`,
    );
  if ((stats.mode & OPEN_BITS) !== 0)
    throw new Error(
      `FileStore dir ${dir} has mode 0${(stats.mode & 0o777).toString(8)}, open to group or others: ` +
        `sessions are credentials, so it must be 0700 (chmod 700 ${dir})`,
    );
}
