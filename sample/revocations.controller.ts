import type { MessageEvent } from '@nestjs/common';
import { Controller, Sse } from '@nestjs/common';
import { Session, SessionManager } from 'nest-sessions';
import type { SessionEventType } from 'nest-sessions';
import type { Observable } from 'rxjs';
import { filter, map, of, take } from 'rxjs';
import { handleOf } from './sample-session';

/** The events that end a session for good. */
const ENDED: ReadonlySet<SessionEventType> = new Set(['destroyed', 'logout', 'expired']);
const NOTICE = 'This device was signed out from another device (or another tab).';

/**
 * The live "signed out" notice, as Server-Sent Events: each signed-in page listens on /events,
 * and the stream sends `revoked` when `SessionManager.events$` reports that this session ended.
 * `events$` reports what this process did; with several instances behind a load balancer, the
 * notice reaches pages connected to the instance that signed them out (a reload always tells).
 */
@Controller()
export class RevocationsController {
  constructor(private readonly sessions: SessionManager) {}

  @Sse('events')
  events(@Session() session: Session): Observable<MessageEvent> {
    // Already signed out (before the page connected): say so at once.
    if (session.userId === undefined) return of({ type: 'revoked', data: NOTICE });
    const handle = handleOf(session.id);
    return this.sessions.events$.pipe(
      filter((event) => event.handle === handle && ENDED.has(event.type)),
      take(1),
      map(() => ({ type: 'revoked', data: NOTICE })),
    );
  }
}
