import { join } from 'node:path';
import { fsCall, uniqueSuffix, writeAll } from './fs-calls';

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
  const temp = join(dir, `${name}.${uniqueSuffix()}${TEMP_SUFFIX}`);
  let fd: number | undefined;
  try {
    fd = await fsCall.open(temp, 'wx', 0o600);
    await writeAll(fd, contents);
    await fsCall.futimes(fd, mtime / 1000, mtime / 1000);
    if (durable) await fsCall.fsync(fd);
    const closing = fd;
    fd = undefined;
    await fsCall.close(closing);
    await fsCall.rename(temp, join(dir, name));
  } catch (err) {
    if (fd !== undefined) await fsCall.close(fd).catch(() => undefined);
    await fsCall.unlink(temp).catch(() => undefined);
    throw err;
  }
  if (durable) await syncDirectory(dir);
}

/** Removes `dir/name`; false when it was not there. Flushes the directory when `durable`. */
export async function removeFile(dir: string, name: string, durable: boolean): Promise<boolean> {
  try {
    await fsCall.unlink(join(dir, name));
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
    return await fsCall.readFile(join(dir, name));
  } catch (err) {
    if (isCode(err, 'ENOENT')) return null;
    throw err;
  }
}

/** Flushes a directory's entries (the renames and unlinks in it) to disk. */
export async function syncDirectory(dir: string): Promise<void> {
  const fd = await fsCall.open(dir, 'r');
  try {
    await fsCall.fsync(fd);
  } finally {
    await fsCall.close(fd);
  }
}

export function isCode(err: unknown, ...codes: string[]): boolean {
  return typeof err === 'object' && err !== null && codes.includes((err as NodeJS.ErrnoException).code ?? '');
}
