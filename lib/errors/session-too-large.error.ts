import { PayloadTooLargeException } from '@nestjs/common';

/** A `set` would make the session larger than `maxSessionBytes`: answered as 413. */
export class SessionTooLargeError extends PayloadTooLargeException {
  constructor(key: string, bytes: number, limit: number) {
    super(
      `Session would hold ${bytes} bytes after setting '${key}', over maxSessionBytes (${limit}); ` +
        'store large data elsewhere and keep a reference in the session',
    );
    this.name = 'SessionTooLargeError';
  }
}
