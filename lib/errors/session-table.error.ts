/**
 * A SQL store's table (or its functions) is missing or has the wrong shape: thrown at start-up,
 * and by any call that hits the same problem later (the table was dropped or altered). The
 * message names what is wrong and how to fix it (`createTable: true`, or the store's exported SQL).
 */
export class SessionTableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SessionTableError';
  }
}
