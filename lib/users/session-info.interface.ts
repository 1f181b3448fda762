/** One of a user's live sessions, as `SessionManager.listByUser` shows it ("your devices"). */
export interface SessionInfo {
  /**
   * Names the session for `destroyByHandle` and `destroyByUser({ except })`. It is a one-way hash
   * of the id: presented as a cookie or header it is just an unknown id.
   */
  handle: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent?: string;
  ip?: string;
}
