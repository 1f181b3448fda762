import { Controller, Get, Module, Param, Post, Req } from '@nestjs/common';
import { Session, SessionManager } from '../../lib';

/** Routes for user-bound sessions: log in, see my devices, log out elsewhere, my profile. */
@Controller('user')
class UserController {
  constructor(private readonly sessions: SessionManager) {}

  @Post('login/:userId')
  async login(@Session() session: Session, @Param('userId') userId: string) {
    await session.login(userId);
    return { id: session.id, userId: session.userId };
  }

  @Post('logout')
  async logout(@Session() session: Session) {
    await session.logout();
    return { ok: true };
  }

  @Get('me')
  async me(@Session() session: Session) {
    return { isNew: session.isNew, userId: session.userId ?? null, profile: (await session.user()) ?? null };
  }

  @Get('devices')
  async devices(@Session() session: Session) {
    return session.userId ? this.sessions.listByUser(session.userId) : [];
  }

  @Post('logout-others')
  async logoutOthers(@Session() session: Session) {
    const ended = await this.sessions.destroyByUser(session.userId!, { except: session.id });
    return { ended };
  }

  @Get('handle')
  handle(@Req() _req: object, @Session() session: Session) {
    return { id: session.id };
  }
}

@Module({ controllers: [UserController] })
export class UserTestModule {}
