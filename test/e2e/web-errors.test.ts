// The web app's error states in Chromium: each is said in plain words, and the rendered text (what a reader sees:
// innerText, so not the closed "Details") never holds a raw error code or a request id. Also the in-app Page not
// found (served with a 404), page titles, focus on navigation, and the phone header with its menu, axe-clean.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ERROR_CODES } from '../../src/domain/errors.js';
import { expectAccessible } from '../support/a11y.js';
import {
  chromiumAvailable,
  openBrowser,
  startWebServer,
  type BrowserPage,
  type WebServer,
} from '../support/browser.js';

const hasChromium = chromiumAvailable('web-errors');

/** A stable code, a code-like snake_case word (`no_tokens_found`), a `code:` prefix or a request id (`req_…`). */
const RAW = new RegExp(
  [
    `\\b(${Object.keys(ERROR_CODES).join('|')})\\b`,
    '\\b[a-z]+_[a-z0-9_]+\\b',
    '\\breq_[0-9a-z]+\\b',
    '\\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\b',
  ].join('|'),
);

/** What a reader sees on the page; fails on a raw code or id in it. Returns the text. */
async function expectNoRawCodes(page: Page, what: string): Promise<string> {
  const text = await page.locator('body').innerText();
  const hit = RAW.exec(text);
  expect(hit?.[0] ?? null, `${what}: "${hit?.[0]}" in the rendered text:\n${text}`).toBeNull();
  return text;
}

describe.skipIf(!hasChromium)('error states in the browser', () => {
  let web: WebServer;
  let b: BrowserPage;
  let page: Page;
  beforeAll(async () => {
    web = await startWebServer();
    b = await openBrowser();
    page = b.page;
  }, 240_000);
  afterEach(async (ctx) => {
    const errors = b?.takeErrors() ?? [];
    // 4xx answers the test asks for show up as console errors of the failed fetch; anything else is a bug
    const unexpected = errors.filter((e) => !/status of (400|401|403|404|409)/.test(e));
    if (unexpected.length) console.error('page errors:', unexpected);
    if (ctx.task.result?.state === 'fail' && b) await b.failed(ctx, `failed-errors-${ctx.task.name.slice(0, 30)}`);
  });
  afterAll(async () => {
    await b?.browser.close();
    await web?.close();
  });

  it('the sign-in page words a failed sign-in without its code', async () => {
    await page.goto(`${web.server.url}/signin?error=provider_error`);
    await page.getByRole('alert').waitFor();
    await expectNoRawCodes(page, 'sign-in ?error=provider_error');
    await page.goto(`${web.server.url}/signin?error=no_tokens_found`);
    await page.getByRole('alert').getByText('Sign-in did not succeed. Please try again.').waitFor();
    await expectNoRawCodes(page, 'sign-in with an unknown code');
    expect(await page.title()).toBe('Sign in · calbridge');
  }, 60_000);

  it('signs in with a key, then every error state reads as plain words with details closed', async () => {
    await page.getByText('Use an API key instead').click();
    await page.getByLabel('API key').fill(web.apiKey);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();

    // a customer that does not exist: not_found from the API, with a request id
    await page.goto(`${web.server.url}/customers/0b6f0a5e-0000-4000-8000-000000000000`);
    const alert = page.getByRole('alert').first();
    await alert.getByText(/could not find that/).waitFor();
    await expectNoRawCodes(page, 'missing customer');
    // the code and request id are there for support, behind Details
    await alert.getByText('Details').click();
    await expect(alert.locator('details').innerText()).resolves.toMatch(/not_found[\s\S]*req_/);

    // a proposal that does not exist
    await page.goto(`${web.server.url}/approvals/0b6f0a5e-0000-4000-8000-000000000000`);
    await page.getByRole('alert').first().waitFor();
    await expectNoRawCodes(page, 'missing proposal');

    // a provider's callback with an error code (known and unknown)
    for (const err of ['oauth_failed', 'no_tokens_found', 'provider_error']) {
      await page.goto(`${web.server.url}/settings?connected=outlook&error=${err}`);
      await page
        .getByRole('alert')
        .getByText(/Connecting Outlook did not succeed/)
        .waitFor();
      await expectNoRawCodes(page, `settings ?error=${err}`);
    }
    await page.goto(`${web.server.url}/settings?connected=google&error=access_denied`);
    await page
      .getByRole('alert')
      .getByText(/cancelled on Google’s consent page/)
      .waitFor();
    await expectNoRawCodes(page, 'settings google access_denied');
  }, 120_000);

  it('an unknown page is the app’s Page not found (404), titled, and the heading takes focus on navigation', async () => {
    const res = await page.goto(`${web.server.url}/no-such-page`);
    expect(res?.status()).toBe(404);
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    expect(await page.title()).toBe('Page not found · calbridge');
    await expectNoRawCodes(page, 'Page not found');
    await expectAccessible(page, 'Page not found');
    // the API keeps its JSON 404
    const api = await fetch(`${web.server.url}/api/no-such-route`, {
      headers: { accept: 'text/html', authorization: `Bearer ${web.apiKey}` },
    });
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('route_not_found');

    await page.getByRole('link', { name: 'See your customers' }).click();
    await page.waitForFunction(() => document.title === 'Customers · calbridge');
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    await expect(page.getByTestId('live-region').textContent()).resolves.toBe('Customers');
  }, 60_000);

  it('on a phone the header is one compact row and the Menu button opens the navigation', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${web.server.url}/calendar`);
    const header = page.locator('header.top');
    await header.waitFor();
    const height = (await header.boundingBox())!.height;
    expect(height).toBeLessThanOrEqual(64);
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.isVisible()).toBe(false);
    const menu = page.getByRole('button', { name: /Menu/ });
    await menu.click();
    await nav.getByRole('link', { name: 'Customers' }).waitFor();
    await expectAccessible(page, 'phone header with the menu open');
    await nav.getByRole('link', { name: 'Customers' }).click();
    await page.waitForFunction(() => document.title === 'Customers · calbridge');
    expect(await nav.isVisible()).toBe(false);
    expect((await header.boundingBox())!.height).toBeLessThanOrEqual(64);
    await b.shot('phone-header-390');
    // Escape closes an open menu and gives focus back to its button
    await menu.click();
    await page.keyboard.press('Escape');
    expect(await nav.isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('menu-toggle');
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(await nav.isVisible()).toBe(true);
    expect(await menu.isVisible()).toBe(false);
  }, 60_000);
});
