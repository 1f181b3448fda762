import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from '../../sample/app.module';
import { cookiePair, sessionCookie } from '../support/session-test-app';

describe('sample app', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await NestFactory.create(AppModule, { logger: false });
    await app.init();
  });
  afterAll(() => app.close());

  it('counts visits, remembers a name, and forgets everything on logout', async () => {
    const server = app.getHttpServer();
    const first = await request(server).get('/').expect(200).expect('Content-Type', /html/);
    expect(first.text).toContain('<strong id="visits">1</strong>');
    const cookie = cookiePair(sessionCookie(first));

    const second = await request(server).get('/').set('Cookie', cookie).expect(200);
    expect(second.text).toContain('<strong id="visits">2</strong>');

    await request(server)
      .post('/name')
      .type('form')
      .send({ name: '<Ada>' })
      .set('Cookie', cookie)
      .expect(303);
    const named = await request(server).get('/').set('Cookie', cookie).expect(200);
    expect(named.text).toContain('Welcome back, &#60;Ada&#62;!');
    expect(named.text).toContain('<strong id="visits">3</strong>');

    const out = await request(server).post('/logout').set('Cookie', cookie).expect(303);
    expect(sessionCookie(out)).toMatch(/Max-Age=0/);
    const after = await request(server).get('/').set('Cookie', cookie).expect(200);
    expect(after.text).toContain('Hello, stranger!');
    expect(after.text).toContain('<strong id="visits">1</strong>');
  });
});
