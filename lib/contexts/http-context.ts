import type { ExecutionContext } from '@nestjs/common';
import { platformSessionsOf } from '../http/platform-sessions';

/**
 * The session of an HTTP handler's request: loaded once per request (unless `load` is false and
 * loading would take a store call), saved after the handler.
 */
export function httpHandlerSession(context: ExecutionContext, load = true): unknown {
  // The request and response are the context's first two arguments; `switchToHttp()` would
  // allocate three closures per request to hand them out.
  const req = context.getArgByIndex<object>(0);
  const sessions = platformSessionsOf(req);
  if (!sessions) {
    throw new Error(
      '@Session() found no session module for this request: import SessionModule.forRoot() in the app module ' +
        '(or SessionModule in this module when it is not global)',
    );
  }
  // A promise here is awaited by Nest before the handler runs.
  return sessions.forHandler(req, context.getArgByIndex<unknown>(1), load);
}
