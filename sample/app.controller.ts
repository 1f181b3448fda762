import { Body, Controller, Get, Header, Post, Redirect } from '@nestjs/common';
import { Session } from '../lib';
import { renderPage } from './page';

export interface VisitorSession {
  visits: number;
  name?: string;
}

@Controller()
export class AppController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  home(@Session() session: Session<VisitorSession>): string {
    const visits = session.increment('visits');
    return renderPage({ visits, name: session.get('name'), since: session.createdAt });
  }

  @Post('name')
  @Redirect('/', 303)
  setName(@Session() session: Session<VisitorSession>, @Body() body: { name?: string }): void {
    const name = String(body?.name ?? '')
      .trim()
      .slice(0, 60);
    if (name) session.set('name', name);
    else session.delete('name');
  }

  @Post('logout')
  @Redirect('/', 303)
  async logout(@Session() session: Session<VisitorSession>): Promise<void> {
    await session.destroy();
  }
}
