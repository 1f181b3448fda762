import { ServiceUnavailableException } from '@nestjs/common';

/**
 * The session store failed or did not answer within `storeTimeout`: answered as 503. Routes that
 * do not use the session are unaffected, and the next request tries the store again.
 */
export class SessionStoreUnavailableError extends ServiceUnavailableException {
  constructor(operation: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Session store unavailable (${operation}: ${reason}); try again shortly`, { cause });
    this.name = 'SessionStoreUnavailableError';
  }
}
