import type { ExecutionContext } from '@nestjs/common';
import { UseInterceptors, createParamDecorator } from '@nestjs/common';
import { loadedSession } from './request-sessions';
import { SessionInterceptor } from './session.interceptor';

/** Marks a handler that already has the interceptor (two `@Session()` parameters attach it once). */
const INTERCEPTOR_ATTACHED = 'nest-sessions:interceptor-attached';

const sessionParameter = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const session = loadedSession(context.switchToHttp().getRequest());
  if (!session) {
    throw new Error(
      '@Session() found no session on this request: import SessionModule.forRoot() in the app module ' +
        '(or SessionModule in this module when it is not global)',
    );
  }
  return session;
});

/**
 * Injects the request's `Session<T>`, loaded before the handler runs and saved after it. It also
 * attaches `SessionInterceptor` to this handler alone, so routes without it pay nothing. Import it
 * from 'nest-sessions' (`@nestjs/common` has a `Session` of its own).
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
    if (propertyKey === undefined) return;
    const descriptor = Object.getOwnPropertyDescriptor(target, propertyKey);
    const handler: unknown = descriptor?.value;
    if (typeof handler !== 'function' || Reflect.getMetadata(INTERCEPTOR_ATTACHED, handler)) return;
    Reflect.defineMetadata(INTERCEPTOR_ATTACHED, true, handler);
    UseInterceptors(SessionInterceptor)(target, propertyKey, descriptor!);
  };
}
