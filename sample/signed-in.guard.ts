import type { ArgumentsHost, CanActivate, ExceptionFilter, ExecutionContext } from '@nestjs/common';
import { Catch, Injectable, UnauthorizedException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SessionManager } from 'nest-sessions';

/** Nobody is signed in on this session (never was, signed out, or signed out from another device). */
export class SignInRequired extends UnauthorizedException {}

/** Lets signed-in sessions through; sends the others to the sign-in page (see SignInRedirect). */
@Injectable()
export class SignedInGuard implements CanActivate {
  constructor(private readonly sessions: SessionManager) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const session = await this.sessions.forRequest(context.switchToHttp().getRequest());
    if (session.userId === undefined) throw new SignInRequired();
    return true;
  }
}

/** Answers `SignInRequired` with a redirect to the sign-in page, on Express and Fastify alike. */
@Catch(SignInRequired)
export class SignInRedirect implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(_error: SignInRequired, host: ArgumentsHost): void {
    this.adapterHost.httpAdapter.redirect(host.switchToHttp().getResponse(), 303, '/');
  }
}
