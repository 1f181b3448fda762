import type { ExecutionContext } from '@nestjs/common';
import { createParamDecorator } from '@nestjs/common';
import { graphqlResolverSession } from './graphql-context';
import { httpHandlerSession } from './http-context';
import { saveAfterHandler } from './session-handler';
import { webSocketHandlerSession } from './websocket-context';

/** Finds the session for the context a handler runs in; one branch per kind of context. */
const sessionParameter = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const type = context.getType<string>();
  switch (type) {
    case 'http':
      return httpHandlerSession(context);
    case 'graphql':
      return graphqlResolverSession(context);
    case 'ws':
      return webSocketHandlerSession(context);
    default:
      throw new Error(
        `@Session() has no session in a '${type}' context (a microservice or other non-HTTP handler): ` +
          'sessions need an HTTP request or a WebSocket handshake',
      );
  }
});

/**
 * Injects the request's `Session<T>`, loaded before the handler runs and saved after it, before
 * the response is written (also when the handler throws). It wraps this handler alone, so routes
 * without it pay nothing. In a GraphQL resolver it is the HTTP request's session (one per
 * operation, saved before the response); in a WebSocket message handler, the handshake's session,
 * loaded fresh for each message and saved before the answer. Import it from 'nest-sessions' (`@nestjs/common` has a `Session` of its
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
