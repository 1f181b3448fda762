import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, cookiePair, createSessionTestApp, sessionCookie } from '../support/session-test-app';

describe.each(ADAPTERS)('concurrent requests on one session (%s)', (adapter) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await createSessionTestApp(adapter);
  });
  afterAll(() => app.close());

  async function newSession(): Promise<string> {
    const res = await request(app.getHttpServer()).post('/set/seed').expect(201);
    return cookiePair(sessionCookie(res));
  }

  it('keeps all 100 keys set by 100 concurrent requests', async () => {
    const cookie = await newSession();
    const server = app.getHttpServer();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => request(server).post(`/set/k_${i}`).set('Cookie', cookie)),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    const { body } = await request(server).get('/read').set('Cookie', cookie).expect(200);
    for (let i = 0; i < 100; i++) expect(body.data[`k_${i}`]).toBe(`k_${i}`);
    expect(body.data.seed).toBe('seed');
  });

  it('counts all 100 concurrent increments', async () => {
    const cookie = await newSession();
    const server = app.getHttpServer();
    await Promise.all(Array.from({ length: 100 }, () => request(server).post('/incr').set('Cookie', cookie)));
    const { body } = await request(server).get('/read').set('Cookie', cookie).expect(200);
    expect(body.data.n).toBe(100);
  });
});
