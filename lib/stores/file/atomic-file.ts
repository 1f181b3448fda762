import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/** Suffix of the temporary files of writes in progress (left only by a crash; swept later). */
export const TEMP_SUFFIX = '.tmp';

/**
 * Replaces `dir/name` with `contents` atomically: written to a temporary file in the same
 * directory (0600), its mtime set to `mtime` (epoch ms), flushed, then renamed over the target,
 * and the directory flushed so the rename itself survives a crash. A reader or a crash sees the
 * old file or the new one, never a mix; on any failure the temporary file is removed and the
 * target is untouched.
 */
export async function writeFileAtomic(
  dir: string,
  name: string,
  contents: Buffer,
  mtime: number,
  durable: boolean,
): Promise<void> {
  const temp = join(dir, `${name}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx', 0o600);
    await handle.writeFile(contents);
    await handle.utimes(mtime / 1000, mtime / 1000);
    if (durable) await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, join(dir, name));
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  if (durable) await syncDirectory(dir);
}

/** Removes `dir/name`; false when it was not there. Flushes the directory when `durable`. */
export async function removeFile(dir: string, name: string, durable: boolean): Promise<boolean> {
  try {
    await unlink(join(dir, name));
  } catch (err) {
    if (isCode(err, 'ENOENT')) return false;
    throw err;
  }
  if (durable) await syncDirectory(dir);
  return true;
}

/** The file's contents, or null when it does not exist. */
export async function readOptionalFile(dir: string, name: string): Promise<Buffer | null> {
  try {
    return await readFile(join(dir, name));
  } catch (err) {
    if (isCode(err, 'ENOENT')) return null;
    throw err;
  }
}

/** Flushes a directory's entries (the renames and unlinks in it) to disk. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function isCode(err: unknown, ...codes: string[]): boolean {
  return typeof err === 'object' && err !== null && codes.includes((err as NodeJS.ErrnoException).code ?? '');
}
