import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { REQUEST_SESSION_STATE, USES_SESSION } from '../session.constants';
import type { ActiveSession } from '../session/active-session';

const sessionParameter = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const req = context.switchToHttp().getRequest();
  const loaded: ActiveSession | undefined = req[REQUEST_SESSION_STATE]?.loaded;
  if (!loaded) {
    throw new Error(
      '@Session() found no session on this request: import SessionModule.forRoot() in the app module',
    );
  }
  return loaded;
});

/**
 * Injects the request's `Session<T>`. The session is loaded before the handler runs and saved
 * after it. Import it from 'nest-sessions' (`@nestjs/common` has a `Session` of its own).
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
    if (propertyKey !== undefined) {
      const handler = (target as Record<string | symbol, unknown>)[propertyKey];
      if (typeof handler === 'function') Reflect.defineMetadata(USES_SESSION, true, handler);
    }
    parameter(target, propertyKey, index);
  };
}
