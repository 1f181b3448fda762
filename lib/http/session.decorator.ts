import type { ExecutionContext } from '@nestjs/common';
import { createParamDecorator } from '@nestjs/common';
import { platformSessionsOf } from './platform-sessions';
import { saveAfterHandler } from './session-handler';

const sessionParameter = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const http = context.switchToHttp();
  const req = http.getRequest<object>();
  const sessions = platformSessionsOf(req);
  if (!sessions) {
    throw new Error(
      '@Session() found no session module for this request: import SessionModule.forRoot() in the app module ' +
        '(or SessionModule in this module when it is not global)',
    );
  }
  // A promise here is awaited by Nest before the handler runs.
  return sessions.forHandler(req, http.getResponse());
});

/**
 * Injects the request's `Session<T>`, loaded before the handler runs and saved after it, before
 * the response is written (also when the handler throws). It wraps this handler alone, so routes
 * without it pay nothing. Import it from 'nest-sessions' (`@nestjs/common` has a `Session` of its
 * own).
 *
 * @example
 * ```ts
 * @Get('visit')
 * visit(@Session() session: Session<{ visits: number }>) {
 *   return { visits: session.increment('visits') };
 * }
 * ```
 */
export function Session(): ParameterDecorator {
  const parameter = sessionParameter();
  return (target, propertyKey, index) => {
    parameter(target, propertyKey, index);
    if (propertyKey !== undefined) saveAfterHandler(target, propertyKey, index);
  };
}
