import { PayloadTooLargeException } from '@nestjs/common';

/** The whole body a client gets: key names are the app's internals, so none is sent. */
const CLIENT_MESSAGE = 'Session too large';

/**
 * A `set` would make the session larger than `maxSessionBytes` (or than a store can carry, as
 * `CookieStore`'s 4096-byte cookie): answered as 413. The response body
 * is a fixed message; `key`, `bytes`, `limit` and `detail` (what to change) are there for logs.
 */
export class SessionTooLargeError extends PayloadTooLargeException {
  /** For logs only: what happened and what to change. */
  readonly detail: string;

  constructor(
    /** The key whose `set` was refused; empty when the whole session was refused at a save. */
    readonly key: string,
    /** Bytes the session would have taken. */
    readonly bytes: number,
    /** The limit it passed: `maxSessionBytes`, or what a store allows (`CookieStore`'s cookie). */
    readonly limit: number,
    /** What `limit` is, for the log line. */
    limitName = 'maxSessionBytes',
  ) {
    super(CLIENT_MESSAGE);
    this.name = 'SessionTooLargeError';
    const what = key === '' ? 'Session would take' : 'Session would hold';
    const after = key === '' ? '' : ` after setting '${key}'`;
    this.detail =
      `${what} ${bytes} bytes${after}, over ${limitName} (${limit}); ` +
      'store large data elsewhere and keep a reference in the session';
  }
}
