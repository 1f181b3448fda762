import type { RequestSessions } from './request-sessions';

/**
 * Which app's `RequestSessions` serves a request, found from the request itself: Express links
 * its app as `req.app`, Fastify its instance as `request.server`. `@Session()` is a parameter
 * decorator, outside DI, and one process may run several apps with different settings.
 */
const byPlatform = new WeakMap<object, RequestSessions>();

export function registerPlatformSessions(platform: object, sessions: RequestSessions): void {
  byPlatform.set(platform, sessions);
}

export function platformSessionsOf(req: object): RequestSessions | undefined {
  let platform: object | null | undefined =
    (req as { app?: object }).app ?? (req as { server?: object }).server;
  // A route a Fastify plugin registers (Mercurius's /graphql) sees its plugin's instance, which
  // Fastify derives from the app's by prototype.
  for (
    let depth = 0;
    platform && depth < 32;
    depth++, platform = Object.getPrototypeOf(platform) as object | null
  ) {
    const sessions = byPlatform.get(platform);
    if (sessions) return sessions;
  }
  return undefined;
}
