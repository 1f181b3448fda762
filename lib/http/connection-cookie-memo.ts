/**
 * The last Cookie header each connection sent, with what was read from it. A keep-alive client
 * sends the same header with every request, so its next request costs a comparison of two strings
 * instead of a scan of the header, a lookup keyed by a fresh substring (which has to be hashed)
 * and a second scan for the freshness token. Exact: only an identical header gets the value, which
 * the caller keeps only when it follows from the header alone. Entries go with their connection.
 */
export class ConnectionCookieMemo<T extends object> {
  private readonly last = new WeakMap<object, { header: string; value: T }>();

  /** The value read from this connection's last Cookie header, if `header` is the same text. */
  get(connection: object | undefined, header: string | undefined): T | undefined {
    if (connection === undefined || header === undefined) return undefined;
    const last = this.last.get(connection);
    return last !== undefined && last.header === header ? last.value : undefined;
  }

  /** Keeps `value` as what `header` reads as on this connection: requests share it, so freeze it. */
  remember(connection: object | undefined, header: string | undefined, value: T): void {
    if (connection === undefined || header === undefined) return;
    this.last.set(connection, { header, value });
  }
}
