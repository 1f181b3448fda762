import { Controller, Get, Param, Req } from '@nestjs/common';
import type { Request } from 'express';

type Bag = Record<string, unknown>;

/** The bench routes on express-session's `req.session` (a plain object saved whole). */
@Controller()
export class ExpressSessionController {
  @Get('read')
  read(@Req() req: Request) {
    return { n: (req.session as unknown as Bag).n };
  }

  @Get('write')
  write(@Req() req: Request) {
    const session = req.session as unknown as Bag;
    session.count = (Number(session.count) || 0) + 1;
    return { count: session.count };
  }

  @Get('create')
  create(@Req() req: Request) {
    (req.session as unknown as Bag).n = 1;
    return { n: 1 };
  }

  @Get('untouched')
  untouched() {
    return { ok: true };
  }

  @Get('set/:k')
  set(@Req() req: Request, @Param('k') key: string) {
    (req.session as unknown as Bag)[key] = 1;
    return { ok: true };
  }

  @Get('incr')
  incr(@Req() req: Request) {
    const session = req.session as unknown as Bag;
    session.c = (Number(session.c) || 0) + 1;
    return { c: session.c };
  }

  @Get('dump')
  dump(@Req() req: Request) {
    const { cookie: _cookie, ...data } = req.session as unknown as Bag;
    return data;
  }
}
