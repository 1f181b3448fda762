// Generated from README.md line 329 by test/readme/extract-snippets.mjs: edit the README.
import {
  Body,
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  Injectable,
  Param,
  Post,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { Session, SessionManager } from 'nest-sessions';
import type { SessionInfo } from 'nest-sessions';

/** Your password or SSO check: provide an implementation in your module. */
export abstract class Accounts {
  abstract verify(email: string, password: string): Promise<{ id: string } | null>;
}

/** Lets a request through when its session belongs to a signed-in user. */
@Injectable()
export class SignedInGuard implements CanActivate {
  constructor(private readonly sessions: SessionManager) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const session = await this.sessions.forRequest(context.switchToHttp().getRequest());
    if (session.userId === undefined) throw new UnauthorizedException();
    return true;
  }
}

@Controller('account')
export class AccountController {
  constructor(
    private readonly sessions: SessionManager,
    private readonly accounts: Accounts,
  ) {}

  @Post('login')
  async login(@Session() session: Session, @Body() body: { email: string; password: string }) {
    const user = await this.accounts.verify(body.email, body.password);
    if (!user) throw new UnauthorizedException();
    await session.login(user.id); // new id (fixation), bound to the user, indexed with user agent and IP
    return { signedIn: true };
  }

  @Get('devices')
  @UseGuards(SignedInGuard)
  devices(@Session() session: Session): Promise<SessionInfo[]> {
    // [{ handle, createdAt, lastSeenAt, expiresAt, userAgent, ip }]
    return this.sessions.listByUser(session.userId!);
  }

  @Post('devices/:handle/sign-out')
  @UseGuards(SignedInGuard)
  async signOutDevice(@Session() session: Session, @Param('handle') handle: string) {
    // Only one of this user's own sessions.
    const mine = await this.sessions.listByUser(session.userId!);
    return mine.some((d) => d.handle === handle) && this.sessions.destroyByHandle(handle);
  }

  @Post('logout-everywhere-else')
  @UseGuards(SignedInGuard)
  logoutOthers(@Session() session: Session): Promise<number> {
    return this.sessions.destroyByUser(session.userId!, { except: session.id });
  }

  @Post('logout')
  async logout(@Session() session: Session) {
    await session.logout();
    return { signedIn: false };
  }
}
