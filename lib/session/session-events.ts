import { Injectable } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { SessionStore } from '../stores/session-store';
import type { SessionEvent, SessionEventType } from './session-event.interface';

/** The module's event stream (`SessionManager.events$`), including the store's expiries. */
@Injectable()
export class SessionEvents {
  private readonly subject = new Subject<SessionEvent>();
  readonly events$: Observable<SessionEvent> = this.subject.asObservable();

  constructor(store: SessionStore) {
    store.onExpired((handle, meta) => this.emit('expired', handle, meta?.userId));
    store.onEvicted((handle, userId) => this.emit('destroyed', handle, userId));
  }

  emit(type: SessionEventType, handle: string, userId?: string, previousHandle?: string): void {
    if (!this.subject.observed) return; // nobody listens: no event object per request
    const event: SessionEvent = { type, handle, at: new Date() };
    if (userId !== undefined) event.userId = userId;
    if (previousHandle !== undefined) event.previousHandle = previousHandle;
    this.subject.next(event);
  }
}
