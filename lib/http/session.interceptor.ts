import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Observable, Subscriber } from 'rxjs';
import { RequestSessions } from './request-sessions';

/**
 * Optional. `@Session()` handlers need no interceptor: the decorator loads the session and saves
 * it around its own handler. Put this on a handler (`@UseInterceptors(SessionInterceptor)`) that
 * opens the session only through `SessionManager.forRequest`, to have it saved after the handler
 * with a failed save going through the app's exception filters rather than the held response's
 * own 503. Loads before the handler, saves after it, also when the handler threw.
 */
@Injectable()
export class SessionInterceptor implements NestInterceptor {
  private readonly logger = new Logger('SessionInterceptor');

  /** @internal Nest builds it for the handlers `@Session()` marks. */
  constructor(private readonly sessions: RequestSessions) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const req = http.getRequest<object>();
    const res = http.getResponse<object>();
    return new Observable((subscriber) => {
      let handling: { unsubscribe(): void } | undefined;
      let closed = false;
      this.sessions.load(req, res).then(
        () => {
          if (closed) return;
          handling = next.handle().subscribe({
            next: (value) => subscriber.next(value),
            error: (error) => this.settleThen(req, subscriber, { error }),
            complete: () => this.settleThen(req, subscriber),
          });
        },
        (error) => subscriber.error(error),
      );
      return () => {
        closed = true;
        handling?.unsubscribe();
      };
    });
  }

  /**
   * Saves the session, then completes, or rethrows the handler's error: what the handler set
   * before it threw (a flash message) is kept. A failed save fails the request only when the
   * handler succeeded; otherwise it is logged and the handler's error wins.
   */
  private settleThen(req: object, subscriber: Subscriber<unknown>, failure?: { error: unknown }): void {
    const finish = () => (failure ? subscriber.error(failure.error) : subscriber.complete());
    const saving = this.sessions.settle(req);
    if (!saving) return finish();
    saving.then(finish, (saveError) => {
      if (!failure) return subscriber.error(saveError);
      this.logger.error(`Session not saved after a failed handler: ${String(saveError)}`);
      subscriber.error(failure.error);
    });
  }
}
