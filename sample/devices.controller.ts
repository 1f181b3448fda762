import { Body, Controller, Get, Header, Post, Redirect, UseGuards } from '@nestjs/common';
import { Session, SessionManager } from 'nest-sessions';
import { CsrfGuard, csrfToken } from './csrf.guard';
import type { DemoUser } from './demo-users';
import type { SampleSession } from './sample-session';
import { handleOf } from './sample-session';
import { SignedInGuard } from './signed-in.guard';
import { devicesPage } from './views/devices.page';

/** "Your devices": the signed-in user's sessions, and signing them out. */
@Controller('devices')
@UseGuards(SignedInGuard, CsrfGuard)
export class DevicesController {
  constructor(private readonly sessions: SessionManager) {}

  /** The user's sessions: device, IP, last seen, this one marked. */
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async list(@Session() session: Session<SampleSession>): Promise<string> {
    const userId = session.userId!;
    const [devices, profile] = await Promise.all([
      this.sessions.listByUser(userId),
      session.user<DemoUser>(),
    ]);
    return devicesPage({
      userName: profile?.name ?? userId,
      devices,
      current: handleOf(session.id),
      csrf: csrfToken(session),
    });
  }

  /** Signs out one device: this one (a logout) or another of the user's, by its handle. */
  @Post('sign-out')
  @Redirect('/devices', 303)
  async signOut(@Session() session: Session<SampleSession>, @Body('handle') handle: unknown) {
    if (handle === handleOf(session.id)) {
      await session.logout();
      return { url: '/' };
    }
    // Only a handle of this user's own sessions: a handle is not secret enough to trust blindly.
    const mine = await this.sessions.listByUser(session.userId!);
    if (mine.some((device) => device.handle === handle))
      await this.sessions.destroyByHandle(handle as string);
    return undefined;
  }

  /** Signs out every other device of the user ("log out everywhere else"). */
  @Post('sign-out-others')
  @Redirect('/devices', 303)
  async signOutOthers(@Session() session: Session<SampleSession>): Promise<void> {
    await this.sessions.destroyByUser(session.userId!, { except: session.id });
  }
}
