import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A small tmpfs of its own: a real full disk (its size) and a real read-only file system (remount). */
export interface Tmpfs {
  path: string;
  readOnly(): void;
  writable(): void;
  unmount(): void;
}

const mount = (...args: string[]) => execFileSync('mount', args, { stdio: 'pipe' });

/**
 * Mounts a tmpfs of `size` bytes (mode 0700), or returns null where this process may not mount
 * (not root, or no CAP_SYS_ADMIN in a container): tests needing one are skipped there. As root,
 * `chmod 0500` does not stop writes, so a read-only mount is the honest way to get EROFS.
 */
export function mountTmpfs(size: number): Tmpfs | null {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return null;
  const path = mkdtempSync(join(tmpdir(), 'file-store-tmpfs-'));
  try {
    mount('-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', path);
  } catch {
    rmdirSync(path);
    return null;
  }
  mkdirSync(path, { recursive: true });
  return {
    path,
    readOnly: () => mount('-o', 'remount,ro', path),
    writable: () => mount('-o', 'remount,rw', path),
    unmount: () => {
      execFileSync('umount', [path], { stdio: 'pipe' });
      rmdirSync(path);
    },
  };
}

/** Whether tmpfs mounts work here (probed once, by mounting and unmounting one). */
export const TMPFS_AVAILABLE = (() => {
  const probe = mountTmpfs(64 * 1024);
  probe?.unmount();
  return probe !== null;
})();
