import { Controller, Get } from '@nestjs/common';

/** The ceiling: the same routes as the session setups, with no session layer at all. */
@Controller()
export class BareController {
  @Get('read')
  read() {
    return { n: 1 };
  }

  @Get('write')
  write() {
    return { count: 1 };
  }

  @Get('write-only')
  writeOnly() {
    return { ok: true };
  }

  @Get('create')
  create() {
    return { n: 1 };
  }

  @Get('untouched')
  untouched() {
    return { ok: true };
  }
}
