import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Observable, Subscriber } from 'rxjs';
import { USES_SESSION } from '../session.constants';
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
    const res = http.getResponse();
    const usesSession = this.usesSession(context.getHandler());
    return new Observable((subscriber) => {
      let handling: { unsubscribe(): void } | undefined;
      let closed = false;
      const handle = () => {
        if (closed) return;
        handling = next.handle().subscribe({
          next: (value) => subscriber.next(value),
          error: (error) => this.saveThen(req, res, subscriber, { error }),
          complete: () => this.saveThen(req, res, subscriber),
        });
      };
      if (usesSession) this.sessions.forRequest(req, res).then(handle, (error) => subscriber.error(error));
      else handle();
      return () => {
        closed = true;
        handling?.unsubscribe();
      };
    });
  }

  /**
   * Saves the request's session, then completes, or rethrows the handler's error: what the
   * handler set before it threw (a flash message) is kept. A failed save fails the request only
   * when the handler succeeded; otherwise it is logged and the handler's error wins.
   */
  private saveThen(
    req: Parameters<RequestSessions['commit']>[0],
    res: unknown,
    subscriber: Subscriber<unknown>,
    failure?: { error: unknown },
  ): void {
    const saving = this.sessions.commit(req, res);
    const finish = () => (failure ? subscriber.error(failure.error) : subscriber.complete());
    if (!saving) return finish();
    saving.then(finish, (saveError) => {
      if (!failure) return subscriber.error(saveError);
      this.logger.error(`Session not saved after a failed handler: ${saveError}`);
      subscriber.error(failure.error);
    });
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
