import { ServiceUnavailableException } from '@nestjs/common';

/** The whole body a client gets: store errors name hosts, scripts and keys, so none of them is sent. */
const CLIENT_MESSAGE = 'Session store unavailable; try again shortly';

/**
 * The session store failed or did not answer within `storeTimeout`: answered as 503. Routes that
 * do not use the session are unaffected, and the next request tries the store again.
 *
 * The response body is a fixed message; what went wrong is kept for logs in `detail`, `operation`
 * and `cause`, which Nest never sends.
 */
export class SessionStoreUnavailableError extends ServiceUnavailableException {
  /** The store call that failed, e.g. `load` or `apply`. */
  readonly operation: string;
  /** `operation: reason`, for logs only (it may hold store internals). */
  readonly detail: string;

  constructor(operation: string, cause: unknown) {
    super(CLIENT_MESSAGE, { cause, description: 'Service Unavailable' });
    this.name = 'SessionStoreUnavailableError';
    this.operation = operation;
    this.detail = `${operation}: ${cause instanceof Error ? cause.message : String(cause)}`;
  }
}
