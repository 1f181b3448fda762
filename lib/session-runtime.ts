import { Inject, Injectable, Logger } from '@nestjs/common';
import { Subject } from 'rxjs';
import { SessionStoreUnavailableError } from './errors/session-store-unavailable.error';
import type { SessionEvent } from './session/session-event.interface';
import { SESSION_SETTINGS } from './session.constants';
import type { SessionSettings } from './options/session-settings';
import { SessionExpiry, SessionMeta, SessionStore } from './stores/session-store';
import { UserSessions } from './users/user-sessions';

/**
 * What every session object shares: the settings, the store behind a timeout, the expiry rules
 * and the event stream. Internal; users reach it through `SessionManager`.
 */
@Injectable()
export class SessionRuntime {
  readonly events = new Subject<SessionEvent>();
  readonly users = new UserSessions(this);
  private readonly logger = new Logger('SessionStore');

  constructor(
    @Inject(SESSION_SETTINGS) readonly settings: SessionSettings,
    readonly store: SessionStore,
  ) {
    store.onExpired((handle, meta) => this.emit('expired', handle, { userId: meta?.userId }));
  }

  /**
   * Runs a store call within `storeTimeout`. A failure or a timeout becomes a 503
   * `SessionStoreUnavailableError` (logged once here, with its cause).
   */
  call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    const { storeTimeout } = this.settings;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const fail = (cause: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.logger.error(`${operation} failed: ${cause instanceof Error ? cause.message : cause}`);
        reject(new SessionStoreUnavailableError(operation, cause));
      };
      const timer = setTimeout(() => fail(new Error(`no answer within ${storeTimeout} ms`)), storeTimeout);
      let pending: Promise<T>;
      try {
        pending = run();
      } catch (error) {
        return fail(error);
      }
      pending.then((value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      }, fail);
    });
  }

  /** When a session dies regardless of activity. */
  deadline(meta: SessionMeta): number {
    return meta.createdAt + Math.max(this.settings.absoluteTimeout, meta.ttl ?? 0);
  }

  /** The expiry a request at `now` gives the session: idle timeout, capped by the deadline. */
  expiryAt(meta: SessionMeta, now: number): SessionExpiry {
    const idle = meta.ttl ?? this.settings.idleTimeout;
    return { expiresAt: Math.min(now + idle, this.deadline(meta)), lastSeenAt: now };
  }

  /** Whether loaded metadata is still alive (NaN or missing fields from a bad store count as dead). */
  isAlive(meta: SessionMeta, now: number): boolean {
    return meta.expiresAt > now && this.deadline(meta) > now;
  }

  emit(type: SessionEvent['type'], handle: string, extra: Partial<SessionEvent> = {}): void {
    this.events.next({ type, handle, ...extra, at: new Date() });
  }
}
