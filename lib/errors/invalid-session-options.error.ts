/** A `SessionModule` option is invalid; thrown at start-up, naming the option and the value. */
export class InvalidSessionOptionsError extends Error {
  constructor(message: string) {
    super(`Invalid SessionModule options: ${message}`);
    this.name = 'InvalidSessionOptionsError';
  }
}
