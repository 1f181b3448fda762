import { Controller, Get, Header } from '@nestjs/common';
import { Session } from 'nest-sessions';
import { csrfToken } from './csrf.guard';
import type { DemoUser } from './demo-users';
import { DEMO_USERS } from './demo-users';
import type { SampleSession } from './sample-session';
import { homePage } from './views/home.page';
import { signInPage } from './views/sign-in.page';

/** The home page: the sign-in choice, or the signed-in user's counter and profile. */
@Controller()
export class HomeController {
  /** Signed in: the counter and the cached profile. Otherwise: pick a demo user. */
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async home(@Session() session: Session<SampleSession>): Promise<string> {
    const csrf = csrfToken(session);
    const profile = await session.user<DemoUser & { loadedAt: string }>();
    if (!profile) return signInPage(DEMO_USERS, csrf);
    const visits = session.increment('visits');
    return homePage({ profile, visits, csrf });
  }
}
