import { PayloadTooLargeException } from '@nestjs/common';

/** The whole body a client gets: key names are the app's internals, so none is sent. */
const CLIENT_MESSAGE = 'Session too large';

/**
 * A `set` would make the session larger than `maxSessionBytes`: answered as 413. The response body
 * is a fixed message; `key`, `bytes`, `limit` and `detail` (what to change) are there for logs.
 */
export class SessionTooLargeError extends PayloadTooLargeException {
  /** For logs only: what happened and what to change. */
  readonly detail: string;

  constructor(
    /** The key whose `set` was refused. */
    readonly key: string,
    /** JSON bytes the session would have held. */
    readonly bytes: number,
    /** `maxSessionBytes`. */
    readonly limit: number,
  ) {
    super(CLIENT_MESSAGE);
    this.name = 'SessionTooLargeError';
    this.detail =
      `Session would hold ${bytes} bytes after setting '${key}', over maxSessionBytes (${limit}); ` +
      'store large data elsewhere and keep a reference in the session';
  }
}
