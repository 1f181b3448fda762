import { randomBytes, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Session, SessionManager } from 'nest-sessions';
import type { SampleSession } from './sample-session';
import { SignInRequired } from './signed-in.guard';

/** The form field every POST carries. */
export const CSRF_FIELD = '_csrf';

/** The session's synchronizer token, made on first use (a page with a form). */
export function csrfToken(session: Session<SampleSession>): string {
  let token = session.get('csrf');
  if (!token) {
    token = randomBytes(24).toString('base64url');
    session.set('csrf', token);
  }
  return token;
}

/**
 * CSRF protection with a session-bound synchronizer token: a POST must carry the token its
 * session holds (`login()` keeps the data, so the token survives signing in). A session without a
 * token (expired, or signed out elsewhere) is sent to the sign-in page; a wrong token is a 403.
 */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(private readonly sessions: SessionManager) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<{ method: string; body?: Record<string, unknown> }>();
    if (req.method === 'GET' || req.method === 'HEAD') return true;
    const session = await this.sessions.forRequest<SampleSession>(req);
    const expected = session.get('csrf');
    if (!expected) throw new SignInRequired();
    const given = req.body?.[CSRF_FIELD];
    if (typeof given !== 'string' || !sameText(given, expected)) {
      throw new ForbiddenException('Invalid CSRF token: reload the page and try again');
    }
    return true;
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
