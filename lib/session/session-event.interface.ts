export type SessionEventType = 'created' | 'regenerated' | 'destroyed' | 'expired' | 'login' | 'logout';

/**
 * Published on `SessionManager.events$`. Sessions are named by `handle` (the key the store files
 * them under), never by id, so events can be logged without leaking usable ids.
 */
export interface SessionEvent {
  type: SessionEventType;
  handle: string;
  /** For `regenerated` (and `login`, which regenerates): the handle the session had before. */
  previousHandle?: string;
  userId?: string;
  at: Date;
}
