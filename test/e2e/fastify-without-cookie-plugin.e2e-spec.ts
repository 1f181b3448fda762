import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session, SessionModule } from '../../lib';
import { cookiePair, sessionCookie } from '../support/session-test-app';

@Controller()
class CounterController {
  @Get('visit')
  visit(@Session() session: Session<{ n: number }>) {
    return { n: session.increment('n') };
  }
}

@Module({ imports: [SessionModule.forRoot({ secret: 's3cret' })], controllers: [CounterController] })
class CounterModule {}

/** The README's claim: on Fastify, no @fastify/cookie (nor @fastify/session) is registered. */
describe('Fastify without a cookie plugin', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(CounterModule, new FastifyAdapter(), {
      logger: false,
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  it('sets, reads back and signs the session cookie on a bare FastifyAdapter', async () => {
    const fastify = app.getHttpAdapter().getInstance();
    expect(fastify.hasRequestDecorator('cookies')).toBe(false);
    expect(fastify.hasReplyDecorator('setCookie')).toBe(false);

    const first = await request(app.getHttpServer()).get('/visit').expect(200, { n: 1 });
    const cookie = sessionCookie(first);
    expect(cookie).toMatch(/^sid=[\w-]+\.[\w-]+; Path=\/; .*HttpOnly; SameSite=Lax/);
    await request(app.getHttpServer()).get('/visit').set('Cookie', cookiePair(cookie)).expect(200, { n: 2 });
  });
});
