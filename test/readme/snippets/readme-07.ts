// Generated from README.md line 205 by test/readme/extract-snippets.mjs: edit the README.
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { SessionManager } from 'nest-sessions';

@Injectable()
export class LoggedInGuard implements CanActivate {
  constructor(private readonly sessions: SessionManager) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Loads the request's session once: the handler's @Session() gets the same object. Opened
    // here, it is saved before the response leaves even on routes without @Session().
    const session = await this.sessions.forRequest(context.switchToHttp().getRequest());
    return session.userId !== undefined;
  }
}
