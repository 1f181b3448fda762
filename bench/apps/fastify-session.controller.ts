import { Controller, Get, Param, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** The part of @fastify/session's `request.session` the routes use. */
interface FastifySessionLike {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

function sessionOf(req: FastifyRequest): FastifySessionLike {
  return (req as unknown as { session: FastifySessionLike }).session;
}

/** The bench routes on @fastify/session's `request.session` (saved whole). */
@Controller()
export class FastifySessionController {
  @Get('read')
  read(@Req() req: FastifyRequest) {
    return { n: sessionOf(req).get('n') };
  }

  @Get('write')
  write(@Req() req: FastifyRequest) {
    const session = sessionOf(req);
    const count = (Number(session.get('count')) || 0) + 1;
    session.set('count', count);
    return { count };
  }

  @Get('create')
  create(@Req() req: FastifyRequest) {
    sessionOf(req).set('n', 1);
    return { n: 1 };
  }

  @Get('untouched')
  untouched() {
    return { ok: true };
  }

  @Get('set/:k')
  set(@Req() req: FastifyRequest, @Param('k') key: string) {
    sessionOf(req).set(key, 1);
    return { ok: true };
  }

  @Get('incr')
  incr(@Req() req: FastifyRequest) {
    const session = sessionOf(req);
    const c = (Number(session.get('c')) || 0) + 1;
    session.set('c', c);
    return { c };
  }

  @Get('dump')
  dump(@Req() req: FastifyRequest) {
    const data: Record<string, unknown> = {};
    const session = sessionOf(req) as unknown as Record<string, unknown>;
    for (const key in session) {
      if (key !== 'cookie' && typeof session[key] !== 'function') data[key] = session[key];
    }
    return data;
  }
}
