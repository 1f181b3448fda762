/** Table and schema names: letters, digits and `_`, not starting with a digit (config, never user data). */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Checks a table or schema name from the store's options, so the SQL the store writes with it
 * (quoted as well) can only name a table. `maxLength` leaves room for the suffixes the store adds
 * (`_cache`, `_apply`...) within the server's identifier limit.
 */
export function assertIdentifier(name: unknown, option: string, maxLength: number): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name) || name.length > maxLength) {
    throw new TypeError(
      `${option} must be a SQL identifier of at most ${maxLength} letters, digits and _ (not starting with a digit), got ${JSON.stringify(name)}`,
    );
  }
  return name;
}
