import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../lib';
import type { SessionChanges, SessionExpiry, SessionMeta } from '../../lib';
import { ADAPTERS, createSessionTestApp } from '../support/session-test-app';

const INTERNAL = 'secret internal detail: OOM command not allowed, script 0ffe4b20';

/** A MemoryStore whose calls fail with an error text no client should ever see. */
class LeakyFailingStore extends MemoryStore {
  failing = false;

  private gate<T>(run: () => Promise<T>): Promise<T> {
    return this.failing ? Promise.reject(new Error(INTERNAL)) : run();
  }

  override load(key: string) {
    return this.gate(() => super.load(key));
  }
  override apply(key: string, changes: SessionChanges, expiry: SessionExpiry, create?: SessionMeta) {
    return this.gate(() => super.apply(key, changes, expiry, create));
  }
}

/** Everything the client got besides the status: headers and body text. */
function wireText(res: request.Response): string {
  return `${JSON.stringify(res.headers)}\n${res.text}`;
}

describe.each(ADAPTERS)('error responses hold no internals (%s)', (adapter) => {
  let app: INestApplication;
  const store = new LeakyFailingStore();

  beforeAll(async () => {
    app = await createSessionTestApp(adapter, { store, maxSessionBytes: 1_024 });
  });
  afterAll(() => app.close());

  it("answers a failing store's load with a fixed 503 body", async () => {
    store.failing = false;
    const created = await request(app.getHttpServer()).post('/set/a').expect(201);
    const cookie = String(created.headers['set-cookie']).split(';')[0];
    store.failing = true;
    try {
      const res = await request(app.getHttpServer()).get('/read').set('Cookie', cookie);
      expect(res.status).toBe(503);
      expect(res.body.message).toBe('Session store unavailable; try again shortly');
      expect(wireText(res)).not.toContain('secret internal detail');
      expect(wireText(res)).not.toContain('0ffe4b20');
      expect(wireText(res)).not.toContain('load');
    } finally {
      store.failing = false;
    }
  });

  it("answers a failing store's save with a fixed 503 body", async () => {
    store.failing = true;
    try {
      const res = await request(app.getHttpServer()).post('/set/a');
      expect(res.status).toBe(503);
      expect(res.body.message).toBe('Session store unavailable; try again shortly');
      expect(wireText(res)).not.toContain('secret internal detail');
      expect(wireText(res)).not.toContain('apply');
    } finally {
      store.failing = false;
    }
  });

  it('answers a session past maxSessionBytes with a fixed 413 body, naming no key', async () => {
    const key = 'internalProfileCacheKey';
    const path = `/set/${key}?value=${'x'.repeat(2_000)}`;
    const res = await request(app.getHttpServer()).post(path);
    expect(res.status).toBe(413);
    expect(res.body.message).toBe('Session too large');
    expect(wireText(res)).not.toContain(key);
    expect(wireText(res)).not.toContain('maxSessionBytes');
  });
});
