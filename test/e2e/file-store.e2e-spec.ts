import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FileStore } from '../../lib';
import { ADAPTERS, cookiePair, createSessionTestApp, sessionCookie } from '../support/session-test-app';
import type { Tmpfs } from '../support/tmpfs';
import { mountTmpfs, TMPFS_AVAILABLE } from '../support/tmpfs';

describe.each(ADAPTERS)('FileStore through HTTP (%s)', (adapter) => {
  let base: string;
  const apps: INestApplication[] = [];
  const stores: FileStore[] = [];
  const mounts: Tmpfs[] = [];
  const errors: string[] = [];

  async function start(dir: string) {
    const store = new FileStore({ dir });
    stores.push(store);
    const app = await createSessionTestApp(adapter, { store });
    apps.push(app);
    return app.getHttpServer() as Parameters<typeof request>[0];
  }
  const read = (server: Parameters<typeof request>[0], cookie: string) =>
    request(server).get('/read').set('Cookie', cookie);

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'file-store-e2e-'));
    vi.spyOn(Logger.prototype, 'error').mockImplementation(
      (message: unknown) => void errors.push(String(message)),
    );
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    for (const store of stores.splice(0)) store.onApplicationShutdown();
    for (const tmpfs of mounts.splice(0)) tmpfs.unmount();
    errors.length = 0;
  });
  afterAll(() => {
    vi.restoreAllMocks();
    rmSync(base, { recursive: true, force: true });
  });

  it('counts 50 concurrent increments on one session and keeps it across a restart', async () => {
    const dir = join(base, `${adapter}-counter`);
    let server = await start(dir);
    const cookie = cookiePair(sessionCookie(await request(server).post('/incr').expect(201)));
    await Promise.all(
      Array.from({ length: 50 }, () => request(server).post('/incr').set('Cookie', cookie).expect(201)),
    );
    expect((await read(server, cookie).expect(200)).body.data.n).toBe(51);
    // Another app (a restart, another worker) on the same directory sees it.
    server = await start(dir);
    expect((await read(server, cookie).expect(200)).body).toMatchObject({ isNew: false, data: { n: 51 } });
  });

  it('answers 503 when the directory is deleted mid-run, logs it, and recovers by recreating it', async () => {
    const dir = join(base, `${adapter}-deleted`);
    const server = await start(dir);
    const cookie = cookiePair(sessionCookie(await request(server).post('/incr').expect(201)));
    rmSync(dir, { recursive: true, force: true });
    const failed = await read(server, cookie);
    expect(failed.status).toBe(503);
    expect(JSON.stringify(failed.body)).not.toContain(dir);
    expect(errors.join('\n')).toMatch(/FileStore load failed: the directory .* is gone.*recreated it/);
    // The sessions it held are lost: the old cookie gets a fresh session, and new ones work.
    expect((await read(server, cookie).expect(200)).body.isNew).toBe(true);
    const fresh = cookiePair(sessionCookie(await request(server).post('/incr').expect(201)));
    await request(server).post('/incr').set('Cookie', fresh).expect(201);
    expect((await read(server, fresh).expect(200)).body.data.n).toBe(2);
  });

  it('answers 503 while a file stands where the directory should be, and recovers once it is gone', async () => {
    const dir = join(base, `${adapter}-replaced`);
    const server = await start(dir);
    const cookie = cookiePair(sessionCookie(await request(server).post('/incr').expect(201)));
    rmSync(dir, { recursive: true, force: true });
    writeFileSync(dir, 'not a directory');
    expect((await read(server, cookie)).status).toBe(503);
    expect((await request(server).post('/incr')).status).toBe(503);
    expect(errors.join('\n')).toMatch(/could not recreate it/);
    rmSync(dir);
    await read(server, cookie); // noticed missing again: recreated
    expect((await request(server).post('/incr')).status).toBe(201);
  });

  it.skipIf(!TMPFS_AVAILABLE)(
    'answers 503 to writes on a read-only file system (a tmpfs remounted ro), reads still work, and recovers',
    async () => {
      const tmpfs = mountTmpfs(1024 * 1024)!;
      mounts.push(tmpfs);
      const server = await start(join(tmpfs.path, 'sessions'));
      const cookie = cookiePair(sessionCookie(await request(server).post('/incr').expect(201)));
      tmpfs.readOnly();
      expect((await request(server).post('/incr').set('Cookie', cookie)).status).toBe(503);
      expect((await request(server).post('/set/x')).status).toBe(503);
      expect(errors.join('\n')).toMatch(/EROFS.*read-only.*503/);
      expect((await read(server, cookie).expect(200)).body.data.n).toBe(1);
      tmpfs.writable();
      await request(server).post('/incr').set('Cookie', cookie).expect(201);
      expect((await read(server, cookie).expect(200)).body.data.n).toBe(2);
    },
  );

  it.skipIf(!TMPFS_AVAILABLE)(
    'answers 503 on a full disk (a 512 KiB tmpfs), never half-writes the session, and recovers when space is freed',
    async () => {
      const tmpfs = mountTmpfs(512 * 1024)!;
      mounts.push(tmpfs);
      const server = await start(join(tmpfs.path, 'sessions'));
      const cookie = cookiePair(sessionCookie(await request(server).post('/set/name?value=ada').expect(201)));
      const filler = join(tmpfs.path, 'filler');
      try {
        writeFileSync(filler, Buffer.alloc(1024 * 1024));
      } catch {
        // ENOSPC: the disk is full now, as intended
      }
      const big = 'x'.repeat(4 * 1024);
      expect((await request(server).post(`/set/name?value=${big}`).set('Cookie', cookie)).status).toBe(503);
      expect(errors.join('\n')).toMatch(/ENOSPC.*disk is full/);
      expect((await read(server, cookie).expect(200)).body.data).toEqual({ name: 'ada' });
      rmSync(filler);
      await request(server).post(`/set/name?value=${big}`).set('Cookie', cookie).expect(201);
      expect((await read(server, cookie).expect(200)).body.data.name).toBe(big);
    },
  );
});
