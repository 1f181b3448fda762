import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { USES_SESSION } from './session.constants';
import { RequestSessions } from './request-sessions';

/**
 * Installed globally by `SessionModule`. Loads the session before handlers that take it with
 * `@Session()`, and saves whatever session the request used (also one a guard or a service
 * opened through `SessionManager.forRequest`) after the handler, before the response is sent,
 * even when the handler threw. A request that never touches its session costs no store call.
 */
@Injectable()
export class SessionInterceptor implements NestInterceptor {
  private readonly logger = new Logger('SessionInterceptor');
  private readonly usage = new WeakMap<object, boolean>();

  constructor(private readonly sessions: RequestSessions) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const req = http.getRequest();
    this.sessions.attachResponse(req, http.getResponse());
    if (!this.usesSession(context.getHandler())) return this.savedAfter(req, next);
    return new Observable((subscriber) => {
      let inner: { unsubscribe(): void } | undefined;
      this.sessions.forRequest(req).then(
        () => (inner = this.savedAfter(req, next).subscribe(subscriber)),
        (error) => subscriber.error(error),
      );
      return () => inner?.unsubscribe();
    });
  }

  /** The handler's result, completing only once the session is saved. */
  private savedAfter(req: Parameters<RequestSessions["commit"]>[0], next: CallHandler): Observable<unknown> {
    return new Observable((subscriber) =>
      next.handle().subscribe({
        next: (value) => subscriber.next(value),
        error: (error) => {
          const saving = this.sessions.commit(req);
          if (!saving) return subscriber.error(error);
          // Keep what the handler set before it threw (a flash message), then rethrow its error.
          saving.then(
            () => subscriber.error(error),
            (saveError) => {
              this.logger.error(`Session not saved after a failed handler: ${saveError}`);
              subscriber.error(error);
            },
          );
        },
        complete: () => {
          const saving = this.sessions.commit(req);
          if (!saving) return subscriber.complete();
          saving.then(
            () => subscriber.complete(),
            (saveError) => subscriber.error(saveError),
          );
        },
      }),
    );
  }

  private usesSession(handler: object): boolean {
    let uses = this.usage.get(handler);
    if (uses === undefined) {
      uses = Reflect.getMetadata(USES_SESSION, handler) === true;
      this.usage.set(handler, uses);
    }
    return uses;
  }
}
