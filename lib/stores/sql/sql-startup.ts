import type { Logger } from '@nestjs/common';
import { SessionTableError } from '../../errors/session-table.error';

/**
 * The start-up work of a SQL store (create the table, check its shape), run once before the
 * first call. A wrong table is final: every call rejects with the same `SessionTableError`, and
 * no query is sent again. A server that cannot be reached is not: the next call tries again.
 */
export class StartupCheck {
  private done = false;
  private pending?: Promise<void>;
  private failure?: SessionTableError;

  constructor(
    private readonly run: () => Promise<void>,
    private readonly logger: Logger,
  ) {}

  /** Resolves once the table is known good; cheap after that. */
  ensure(): Promise<void> {
    if (this.done) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure);
    this.pending ??= this.run().then(
      () => {
        this.done = true;
      },
      (err: unknown) => {
        this.pending = undefined;
        if (err instanceof SessionTableError) {
          this.failure = err;
          this.logger.error(err.message);
        }
        throw err;
      },
    );
    return this.pending;
  }

  /**
   * For `onModuleInit`: a wrong table fails the application's start; an unreachable server only
   * logs (the app starts, session calls answer 503 until the server is back).
   */
  async atStartup(): Promise<void> {
    try {
      await this.ensure();
    } catch (err) {
      if (err instanceof SessionTableError) throw err;
      this.logger.warn(`Could not check the session table at start-up: ${(err as Error).message}`);
    }
  }

  /**
   * A SQL error of a call: when it says the table or a function is wrong (`isSchemaError`), it
   * becomes a SessionTableError, logged once, so the cause is plain rather than an opaque outage.
   */
  schemaError(err: unknown, isSchemaError: (err: unknown) => boolean, hint: string): unknown {
    if (!isSchemaError(err)) return err;
    const message = `The session table does not fit the store: ${(err as Error).message}. ${hint}`;
    if (!this.reported) {
      this.reported = true;
      this.logger.error(message);
    }
    return new SessionTableError(message, { cause: err });
  }

  private reported = false;
}
