import type { ExecutionContext } from '@nestjs/common';
import { responseOf } from '../http/http-exchange';
import { platformSessionsOf } from '../http/platform-sessions';
import { leaveSaveToResponse } from './session-handler';

/** A resolver's arguments are `[root, args, context, info]`; read by index, so `@nestjs/graphql` is never loaded. */
const CONTEXT_ARG = 2;

/** The keys Nest's GraphQL drivers put in the context: `req` always, `res` (Express) or `reply` (Mercurius). */
interface HttpGraphqlContext {
  req?: unknown;
  res?: unknown;
  reply?: unknown;
}

const NO_REQUEST =
  "@Session() in a GraphQL resolver needs the HTTP request as `req` in the GraphQL context. Nest's Apollo " +
  'and Mercurius drivers put it there unless a `context` option replaces it: keep it, e.g. ' +
  'GraphQLModule.forRoot({ ..., context: ({ req, res }) => ({ req, res }) }) for Apollo, ' +
  '`context: (request, reply) => ({ req: request, reply })` for Mercurius. Sessions need an HTTP request ' +
  'or a WebSocket handshake: an operation run without one (in-process execution, a subscription over ' +
  'WebSocket) has no session';

const NO_RESPONSE =
  "@Session() in a GraphQL resolver found the HTTP request but not its response, which the session's " +
  'cookie goes out on: put it in the GraphQL context as `res` (Express) or `reply` (Fastify)';

/**
 * The session of a GraphQL operation's HTTP request: every resolver of the request (queries,
 * mutations, field resolvers, all operations of a batch) gets the same object from one store
 * load. Resolvers run in parallel, so none of them saves it: the HTTP response is held until the
 * session is saved once, with its new id or expired cookie on that response.
 */
export function graphqlResolverSession(context: ExecutionContext): Promise<unknown> {
  const graphqlContext = context.getArgByIndex<HttpGraphqlContext | undefined>(CONTEXT_ARG);
  const req = typeof graphqlContext === 'object' && graphqlContext !== null ? graphqlContext.req : undefined;
  if (!isHttpRequest(req)) throw new Error(NO_REQUEST);
  const sessions = platformSessionsOf(req);
  if (!sessions) {
    throw new Error(
      '@Session() found no session module for this GraphQL request: import SessionModule.forRoot() in the ' +
        'app module (or SessionModule in this module when it is not global)',
    );
  }
  const res = graphqlContext?.res ?? graphqlContext?.reply ?? responseOf(req);
  if (typeof res !== 'object' || res === null) throw new Error(NO_RESPONSE);
  return sessions.forRequest(req, res).then((session) => {
    leaveSaveToResponse(session);
    return session;
  });
}

/** Both Express's and Fastify's requests carry the headers the session id is read from. */
function isHttpRequest(req: unknown): req is object {
  return (
    typeof req === 'object' &&
    req !== null &&
    typeof (req as { headers?: unknown }).headers === 'object' &&
    (req as { headers?: unknown }).headers !== null
  );
}
