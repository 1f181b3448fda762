import * as fs from 'node:fs';
import { promisify } from 'node:util';

/**
 * The file system calls of the store, on plain descriptors: `fs/promises`' FileHandle objects
 * (and its chunked `readFile`) cost several times more JavaScript and garbage per call, which
 * shows at thousands of sessions written per second.
 */
export const fsCall = {
  open: promisify(fs.open),
  close: promisify(fs.close),
  futimes: promisify(fs.futimes),
  fsync: promisify(fs.fsync),
  rename: promisify(fs.rename),
  unlink: promisify(fs.unlink),
  link: promisify(fs.link),
  readFile: promisify(fs.readFile) as (path: string) => Promise<Buffer>,
  readText: (path: string) => promisify(fs.readFile)(path, 'utf8'),
  lstat: promisify(fs.lstat),
  stat: promisify(fs.stat),
};

/** Writes all of `buffer` to `fd`. */
export async function writeAll(fd: number, buffer: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buffer.length) {
    offset += await new Promise<number>((resolve, reject) =>
      fs.write(fd, buffer, offset, buffer.length - offset, null, (err, written) =>
        err ? reject(err) : resolve(written),
      ),
    );
  }
}

let counter = 0;
/** A name part unique on this host for this process's life: pid and a counter (no entropy needed). */
export function uniqueSuffix(): string {
  return `${process.pid}-${(counter++).toString(36)}`;
}
