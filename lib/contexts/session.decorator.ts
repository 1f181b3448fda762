import type { ExecutionContext } from '@nestjs/common';
import { createParamDecorator } from '@nestjs/common';
import { graphqlResolverSession } from './graphql-context';
import { httpHandlerSession } from './http-context';
import type { ActiveSession } from '../session/active-session';
import { SessionWriterView } from '../session/session-writer-view';
import { saveAfterHandler } from './session-handler';
import { webSocketHandlerSession } from './websocket-context';

/** Options of `@Session()`. */
export interface SessionParameterOptions {
  /**
   * `false` for a handler that only writes its session (`set`, `delete`, `increment`, `clear`)
   * and never reads it: the session is not loaded before the handler, and its changes are saved
   * as one delta checked by the store (expiry, `maxSessionBytes`). On RedisStore the request then
   * costs one round trip instead of two. Type the parameter `SessionWriter<T>`: it has no reads, in
   * every context and on every store. Where the session is at hand anyway (MemoryStore, a
   * near-cache hit, a guard loaded it, no id) and in GraphQL resolvers and gateways, it writes
   * through the loaded session.
   * @default true
   */
  load?: boolean;
}

/** The writer view of the session (or of the promised one) when `writer`, else the session itself. */
function writerIf(writer: boolean, session: unknown): unknown {
  if (!writer) return session;
  const view = (s: unknown) => new SessionWriterView(s as ActiveSession);
  return session instanceof Promise ? session.then(view) : view(session);
}

/** Finds the session for the context a handler runs in; one branch per kind of context. */
const sessionParameter = createParamDecorator(
  (options: SessionParameterOptions | undefined, context: ExecutionContext) => {
    const type = context.getType<string>();
    const load = options?.load !== false;
    switch (type) {
      case 'http':
        return writerIf(!load, httpHandlerSession(context, load));
      case 'graphql':
        return writerIf(!load, graphqlResolverSession(context));
      case 'ws':
        return writerIf(!load, webSocketHandlerSession(context));
      default:
        throw new Error(
          `@Session() has no session in a '${type}' context (a microservice or other non-HTTP handler): ` +
            'sessions need an HTTP request or a WebSocket handshake',
        );
    }
  },
);

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
 *
 * @Post('seen')
 * seen(@Session({ load: false }) session: SessionWriter<{ seen: number }>) {
 *   session.increment('seen'); // never read: one store call on RedisStore
 * }
 * ```
 */
export function Session(options?: SessionParameterOptions): ParameterDecorator {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError('@Session() takes an options object, e.g. @Session({ load: false })');
  }
  const parameter = sessionParameter(options);
  return (target, propertyKey, index) => {
    parameter(target, propertyKey, index);
    if (propertyKey !== undefined) saveAfterHandler(target, propertyKey, index);
  };
}
