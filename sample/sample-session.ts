import { createHash } from 'node:crypto';

/** What the sample keeps in a session. */
export interface SampleSession {
  /** Page views since sign-in: the counter on the home page. */
  visits: number;
  /** The synchronizer token every form posts back (see CsrfGuard). */
  csrf: string;
}

/**
 * The handle `listByUser` gives this session (to mark "this device" and to match `events$`): the
 * store key, a SHA-256 of the id in base64url (lib/id/session-key.ts).
 */
export function handleOf(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('base64url');
}
