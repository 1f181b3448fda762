import { BadRequestException, Body, Controller, Post, Redirect, UseGuards } from '@nestjs/common';
import { Session, SessionManager } from 'nest-sessions';
import { CsrfGuard } from './csrf.guard';
import { findDemoUser } from './demo-users';
import type { SampleSession } from './sample-session';

/** Signing in as a demo user and signing out; every POST carries the session's CSRF token. */
@Controller()
@UseGuards(CsrfGuard)
export class AuthController {
  constructor(private readonly sessions: SessionManager) {}

  /**
   * Signs in as a demo user: `login()` gives the session a new id (no fixation) and files it under
   * the user with this request's user agent and IP, for "your devices".
   */
  @Post('login')
  @Redirect('/', 303)
  async login(@Session() session: Session<SampleSession>, @Body('user') userId: unknown): Promise<void> {
    const user = findDemoUser(userId);
    if (!user) throw new BadRequestException('Unknown demo user');
    await session.login(user.id);
    session.set('visits', 0);
    // Single-session mode for this user only. `maxSessionsPerUser: 1` does it for every user, in
    // the store's own atomic step; per user, end the user's other sessions after the login.
    if (user.singleSession) await this.sessions.destroyByUser(user.id, { except: session.id });
  }

  /** Signs this device out: the session is destroyed and dropped from the user's devices. */
  @Post('logout')
  @Redirect('/', 303)
  async logout(@Session() session: Session<SampleSession>): Promise<void> {
    await session.logout();
  }
}
