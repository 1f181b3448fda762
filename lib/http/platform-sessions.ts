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
  const platform = (req as { app?: object }).app ?? (req as { server?: object }).server;
  return platform === undefined ? undefined : byPlatform.get(platform);
}
