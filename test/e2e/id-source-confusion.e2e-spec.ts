import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, createSessionTestApp } from '../support/session-test-app';

/**
 * Header and query ids are unsigned; cookie ids are signed when a secret is set. An id a token
 * client sent by header must not become usable as an unsigned cookie (what a subdomain could plant
 * in a victim's browser): sources never share what they have verified.
 */
describe.each(ADAPTERS)('an id verified from one source is not trusted from another (%s)', (adapter) => {
  let app: INestApplication;
  let id: string;

  beforeAll(async () => {
    app = await createSessionTestApp(adapter, {
      secret: 'current-secret',
      idFrom: ['cookie', 'header', 'query'],
    });
    const created = await request(app.getHttpServer())
      .post('/set/owner?value=victim')
      .set('x-session-id', 'new');
    expect(created.status).toBe(201);
    id = created.headers['x-session-id'];
    expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
  afterAll(() => app.close());

  async function read(prepare: (req: request.Test) => request.Test) {
    const res = await prepare(request(app.getHttpServer()).get('/read'));
    expect(res.status).toBe(200);
    return res.body as { id: string; isNew: boolean; data: Record<string, string> };
  }

  it('serves the header client its session (the baseline)', async () => {
    expect((await read((r) => r.set('x-session-id', id))).data).toEqual({ owner: 'victim' });
  });

  it.each(['header', 'query'])(
    'gives a fresh session for the unsigned cookie sid=%s:<id> once the id was sent by header and query',
    async (prefix) => {
      await read((r) => r.set('x-session-id', id)); // the id is now verified as a header value
      await read((r) => r.query({ sid: id })); // ... and as a query value
      const body = await read((r) => r.set('Cookie', `sid=${prefix}:${id}`));
      expect(body.isNew).toBe(true);
      expect(body.data).toEqual({});
      expect(body.id).not.toBe(id);
    },
  );

  it('gives a fresh session for the bare unsigned id as a cookie', async () => {
    const body = await read((r) => r.set('Cookie', `sid=${id}`));
    expect(body.isNew).toBe(true);
    expect(body.data).toEqual({});
  });
});
