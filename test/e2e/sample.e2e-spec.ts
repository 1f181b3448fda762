import { Logger } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryStore, SessionStore } from '../../lib';
import { AppModule } from '../../sample/app.module';
import { cookiePair, sessionCookie } from '../support/session-test-app';

/** One browser: its cookie, its user agent, and the CSRF token of the last page it saw. */
class Device {
  private cookie = '';
  private csrf = '';
  constructor(
    private readonly app: INestApplication,
    private readonly userAgent: string,
  ) {}

  async get(path: string) {
    const res = await request(this.app.getHttpServer())
      .get(path)
      .set('User-Agent', this.userAgent)
      .set('Cookie', this.cookie);
    this.remember(res);
    this.csrf = /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1] ?? this.csrf;
    return res;
  }

  async post(path: string, form: Record<string, string> = {}, csrf = this.csrf) {
    const res = await request(this.app.getHttpServer())
      .post(path)
      .type('form')
      .send({ _csrf: csrf, ...form })
      .set('User-Agent', this.userAgent)
      .set('Cookie', this.cookie);
    this.remember(res);
    return res;
  }

  async signIn(user: string) {
    await this.get('/');
    const res = await this.post('/login', { user });
    expect(res.status).toBe(303);
    return res;
  }

  /** Who the home page greets, or null on the sign-in page. */
  async signedInAs(): Promise<string | null> {
    const res = await this.get('/');
    return /<span id="user-name">([^<]+)<\/span>/.exec(res.text)?.[1] ?? null;
  }

  private remember(res: { headers: Record<string, unknown> }) {
    const set = sessionCookie(res);
    if (set) this.cookie = /Max-Age=0/.test(set) ? '' : cookiePair(set);
  }
}

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1';

describe('sample app', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await NestFactory.create(AppModule, { logger: false });
    await app.init();
  });
  afterAll(() => app.close());

  it('signs in as a demo user, counts page views, and shows the profile userLoader cached', async () => {
    const laptop = new Device(app, FIREFOX);
    const page = await laptop.get('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/html/);
    expect(page.text).toContain('Sign in as <strong>Ada Lovelace</strong>');
    const anonymous = sessionCookie(page);

    const login = await laptop.signIn('ada');
    expect(login.headers.location).toBe('/');
    expect(cookiePair(sessionCookie(login))).not.toBe(cookiePair(anonymous)); // a new id on login

    const first = await laptop.get('/');
    expect(first.text).toContain('<span id="user-name">Ada Lovelace</span>');
    expect(first.text).toContain('<strong id="visits">1</strong>');
    const loadedAt = /<time id="profile-loaded">([^<]+)</.exec(first.text)![1];
    const second = await laptop.get('/');
    expect(second.text).toContain('<strong id="visits">2</strong>');
    expect(second.text).toContain(`<time id="profile-loaded">${loadedAt}<`); // from the cache
  });

  it('refuses a form without its session token (403), or with another session token', async () => {
    const laptop = new Device(app, FIREFOX);
    const phone = new Device(app, IPHONE);
    await laptop.get('/');
    await phone.get('/');
    expect((await laptop.post('/login', { user: 'ada' }, '')).status).toBe(403);
    expect((await laptop.post('/login', { user: 'ada' }, 'x'.repeat(32))).status).toBe(403);
    // The phone's own page carries the phone's token; the laptop cannot use it.
    const phoneToken = /name="_csrf" value="([^"]+)"/.exec((await phone.get('/')).text)![1];
    expect((await laptop.post('/login', { user: 'ada' }, phoneToken)).status).toBe(403);
    expect(await laptop.signedInAs()).toBeNull();
    expect((await laptop.post('/login', { user: 'nobody' })).status).toBe(400);
  });

  it('lists the devices of a user, marks this one, and signs out the others', async () => {
    const laptop = new Device(app, FIREFOX);
    const phone = new Device(app, IPHONE);
    await laptop.signIn('alan');
    await phone.signIn('alan');

    const devices = await laptop.get('/devices');
    expect(devices.status).toBe(200);
    const rows = devices.text.match(/<tr class="device[^"]*">[\s\S]*?<\/tr>/g)!;
    expect(rows).toHaveLength(2);
    expect(rows.filter((row) => row.includes('(this device)'))).toEqual([
      expect.stringContaining('Firefox on Linux'),
    ]);
    expect(devices.text).toContain('Safari on iOS');

    expect((await laptop.post('/devices/sign-out-others')).headers.location).toBe('/devices');
    expect(await phone.signedInAs()).toBeNull();
    expect(await laptop.signedInAs()).toBe('Alan Turing');
    expect((await laptop.get('/devices')).text.match(/<tr class="device/g)).toHaveLength(1);
  });

  it("signs out one device by its handle, but never another user's", async () => {
    const laptop = new Device(app, FIREFOX);
    const phone = new Device(app, IPHONE);
    const stranger = new Device(app, FIREFOX);
    await laptop.signIn('ada');
    await phone.signIn('ada');
    await stranger.signIn('alan');
    const page = (await laptop.get('/devices')).text;
    const phoneRow = page.match(/<tr class="device">[\s\S]*?<\/tr>/g)!.find((row) => row.includes('iOS'))!;
    const phoneHandle = /name="handle" value="([^"]+)"/.exec(phoneRow)![1];

    await stranger.get('/devices');
    await stranger.post('/devices/sign-out', { handle: phoneHandle });
    expect(await phone.signedInAs()).toBe('Ada Lovelace');

    await laptop.post('/devices/sign-out', { handle: phoneHandle });
    expect(await phone.signedInAs()).toBeNull();
    expect(await laptop.signedInAs()).toBe('Ada Lovelace');
  });

  it('keeps Grace to one session: signing in elsewhere signs the first device out', async () => {
    const laptop = new Device(app, FIREFOX);
    const phone = new Device(app, IPHONE);
    await laptop.signIn('grace');
    await phone.signIn('grace');
    expect(await phone.signedInAs()).toBe('Grace Hopper');
    expect(await laptop.signedInAs()).toBeNull();
  });

  it('sends signed-out devices to the sign-in page, and logs out', async () => {
    const laptop = new Device(app, FIREFOX);
    const devices = await laptop.get('/devices');
    expect(devices.status).toBe(303);
    expect(devices.headers.location).toBe('/');
    await laptop.signIn('ada');
    const out = await laptop.post('/logout');
    expect(out.status).toBe(303);
    expect(await laptop.signedInAs()).toBeNull();
  });

  it('reports the session store healthy at /health', async () => {
    const res = await request(app.getHttpServer()).get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', details: { sessions: { status: 'up' } } });
  });
});

/** The sample's own store, stopped: what its pages show while the session store is down. */
class StoppedStore extends MemoryStore {
  stopped = false;
  override async load(key: string) {
    if (this.stopped) throw new Error('connect ECONNREFUSED 10.1.2.3:6379');
    return super.load(key);
  }
  override async ping() {
    if (this.stopped) throw new Error('connect ECONNREFUSED 10.1.2.3:6379');
  }
}

describe('sample app with its session store down', () => {
  let app: INestApplication;
  const store = new StoppedStore();
  beforeAll(async () => {
    vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(SessionStore)
      .useValue(store)
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    store.onApplicationShutdown();
    vi.restoreAllMocks();
  });

  it('answers pages with a 503 page naming nothing internal, and /health with 503 until it is back', async () => {
    const laptop = new Device(app, FIREFOX);
    await laptop.signIn('ada');
    store.stopped = true;
    const page = await laptop.get('/');
    expect(page.status).toBe(503);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('Sessions are unavailable');
    expect(page.text).not.toContain('10.1.2.3');
    await request(app.getHttpServer()).get('/health').expect(503);

    store.stopped = false;
    await request(app.getHttpServer()).get('/health').expect(200);
    expect(await laptop.signedInAs()).toBe('Ada Lovelace');
  });
});
