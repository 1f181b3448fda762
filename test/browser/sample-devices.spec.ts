import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from '../../sample/app.module';

/** Where the screenshot of the devices page is left (gitignored). */
export const ARTIFACTS = join(__dirname, '../../test-artifacts');
const PHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1';

/**
 * The sample in a real browser (Debian's chromium through playwright-core): two browser contexts
 * are two devices of one user, each with its own cookie jar.
 */
describe('sample app in chromium: two devices of one user', () => {
  let app: INestApplication;
  let base: string;
  let browser: Browser;
  let laptop: BrowserContext;
  let phone: BrowserContext;
  /** One page per device, reused by every test: a new page is seconds on a loaded machine. */
  let onLaptop: Page;
  let onPhone: Page;

  beforeAll(async () => {
    app = await NestFactory.create(AppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    [laptop, phone] = await Promise.all([browser.newContext(), browser.newContext({ userAgent: PHONE_UA })]);
    [onLaptop, onPhone] = await Promise.all([laptop.newPage(), phone.newPage()]);
  });

  afterAll(async () => {
    // Pages first: their /events streams hold connections the app would wait for.
    await laptop?.close();
    await phone?.close();
    await browser?.close();
    await app?.close();
  });

  async function signIn(page: Page, name: string): Promise<void> {
    await page.goto(base);
    await page.getByRole('button', { name: `Sign in as ${name}` }).click();
    await page.waitForURL(`${base}/`);
    expect(await page.locator('#user-name').textContent()).toBe(name);
  }

  const visits = async (page: Page) => Number(await page.locator('#visits').textContent());

  it('signs in on both, lists two devices, signs the other out, which is told at once and on reload', async () => {
    await Promise.all([signIn(onLaptop, 'Ada Lovelace'), signIn(onPhone, 'Ada Lovelace')]);

    await onLaptop.goto(`${base}/devices`);
    const rows = onLaptop.locator('tr.device');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await onLaptop.locator('tr.current').textContent()).toContain('Headless Chrome on Linux');
    expect(await onLaptop.locator('tr.device:not(.current)').textContent()).toContain('Safari on iOS');
    mkdirSync(ARTIFACTS, { recursive: true });
    await onLaptop.screenshot({ path: join(ARTIFACTS, 'devices.png'), fullPage: true });

    // The phone sits on its home page, listening for its revocation.
    const notice = onPhone.locator('#revoked-notice');
    expect(await notice.isHidden()).toBe(true);
    await onLaptop.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await onLaptop.waitForURL(`${base}/devices`);
    await expect.poll(() => rows.count()).toBe(1);

    await notice.waitFor({ state: 'visible', timeout: 5_000 });
    expect(await notice.textContent()).toContain('signed out from another device');
    expect(await onPhone.locator('main form').count()).toBe(0);
    await onPhone.reload();
    expect(await onPhone.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
  });

  it('keeps the counter across reloads, on the device still signed in', async () => {
    await onLaptop.goto(base);
    expect(await onLaptop.locator('#user-name').textContent()).toBe('Ada Lovelace');
    const first = await visits(onLaptop);
    await onLaptop.reload();
    await onLaptop.reload();
    expect(await visits(onLaptop)).toBe(first + 2);
  });

  it('keeps the id in an HttpOnly, SameSite=Lax cookie that scripts cannot read', async () => {
    const [sid] = (await laptop.cookies(base)).filter((cookie) => cookie.name === 'sid');
    expect(sid).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(await onLaptop.evaluate('document.cookie')).not.toContain('sid=');
  });
});
