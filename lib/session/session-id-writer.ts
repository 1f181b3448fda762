/**
 * Where a session opened for a client sends its id (a cookie, a header) and its end (an expired
 * cookie). HTTP requests, and later other transports, each give their own.
 */
export interface SessionIdWriter {
  /**
   * Whether an id can reach the client at all (a cookie outside its path, or Secure over plain
   * HTTP, cannot): a new session that cannot be issued is never stored.
   */
  readonly issuable: boolean;
  /** Sends `id`; a cookie expires at `expiresAt` (epoch ms), or with the browser session if undefined. */
  issue(id: string, expiresAt: number | undefined): void;
  /** Tells the client to forget its id (after a destroy or logout). */
  revoke(): void;
  /**
   * Sends the token of the write just made (a `FreshnessStore`'s), for the client to present with
   * its next request; kept like the id (`expiresAt` as in `issue`). Optional: transports that
   * carry no token skip it.
   */
  stamp?(token: string, expiresAt: number | undefined): void;
}

/** Request facts recorded when a session is created or logs in. */
export interface SessionOrigin {
  userAgent?: string;
  ip?: string;
}
