import { Controller, Get, Param } from '@nestjs/common';
import { Session } from '../../lib';
import type { SessionWriter } from '../../lib';

/** Every value the bench stores is a number, so any key may be incremented. */
type BenchData = Record<string, number>;

/** The bench routes on nest-sessions' `@Session()`, exactly as the README shows it. */
@Controller()
export class NestSessionsController {
  @Get('read')
  read(@Session() session: Session<BenchData>) {
    return { n: session.get('n') };
  }

  @Get('write')
  write(@Session() session: Session<BenchData>) {
    return { count: session.increment('count') };
  }

  /** A write that never reads: no load first (RedisStore: one script call in all). */
  @Get('write-only')
  writeOnly(@Session({ load: false }) session: SessionWriter<BenchData>) {
    session.increment('count');
    return { ok: true };
  }

  @Get('create')
  create(@Session() session: Session<BenchData>) {
    session.set('n', 1);
    return { n: 1 };
  }

  @Get('untouched')
  untouched() {
    return { ok: true };
  }

  /** `read` without the session: bare Nest's read route, in this same process. */
  @Get('read-bare')
  readBare() {
    return { n: 1 };
  }

  @Get('set/:k')
  set(@Session() session: Session<BenchData>, @Param('k') key: string) {
    session.set(key, 1);
    return { ok: true };
  }

  @Get('incr')
  incr(@Session() session: Session<BenchData>) {
    return { c: session.increment('c') };
  }

  @Get('dump')
  dump(@Session() session: Session<BenchData>) {
    return session.all();
  }
}
