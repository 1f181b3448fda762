import type { Logger } from '@nestjs/common';
import { isCode } from './atomic-file';
import { directoryExists, recreateDirectory } from './file-directory';

/** What an operator should know about a file system error, by code. */
const HINTS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EIO: 'an I/O error',
};

/**
 * Turns the file system's failures into clear store errors: each call that fails rejects (the
 * module's guarded store answers 503), the first failure of an outage is logged with what to fix
 * and the first success after it says the store is back. A directory deleted while the app runs
 * is recreated (0700, empty: the sessions in it are lost) after the call that noticed it failed.
 */
export class FileStoreFailures {
  /** What the current outage is (a code), or undefined while the store works. */
  private outage?: string;

  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
  ) {}

  async run<T>(operation: string, body: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await body();
    } catch (err) {
      throw await this.failed(operation, err);
    }
    if (this.outage !== undefined) {
      this.logger.log(`FileStore ${this.dir} works again (after: ${this.outage})`);
      this.outage = undefined;
    }
    return result;
  }

  private async failed(operation: string, err: unknown): Promise<Error> {
    const message = err instanceof Error ? err.message : String(err);
    const code = (err as NodeJS.ErrnoException | undefined)?.code ?? 'error';
    let reason = HINTS[code] ? `${message} (${HINTS[code]})` : message;
    if (isCode(err, 'ENOENT', 'ENOTDIR') && !(await directoryExists(this.dir))) {
      reason = `the directory ${this.dir} is gone or not a directory: ${message}`;
      try {
        await recreateDirectory(this.dir);
        reason += '; recreated it, empty (the sessions it held are lost)';
      } catch (mkdirErr) {
        reason += `; could not recreate it: ${(mkdirErr as Error).message}`;
      }
      this.logger.error(`FileStore ${operation} failed: ${reason}`);
      this.outage = reason;
    } else if (this.outage !== code) {
      this.outage = code;
      this.logger.error(
        `FileStore ${operation} failed in ${this.dir}: ${reason}; session calls fail (503) until it is fixed`,
      );
    }
    return new Error(`FileStore ${operation} failed: ${reason}`, { cause: err });
  }
}
