// Browser end to end of the calendar page and the first run (issue 18), against the bundled Microsoft emulator over
// HTTP in headless Chromium: the empty state leads to Connect Outlook (the emulator's page lists the demo accounts
// and their password), the first sync's progress where the meetings will appear, the hour grid with copies of one
// meeting merged ("also in Megan Bowen's calendar"), the meeting's side panel (focus in, Escape out, focus back),
// date/view/zone in the URL across a reload, the zone and clock read from the mailbox and remembered on the server,
// the banner of a broken connection with its one-click reconnect, and axe-core at 1280×900 and 390×844.
import { fetch as undiciFetch, type Agent } from 'undici';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/a11y.js';
import { readDemoLink } from '../../src/main/dev/index.js';
import {
  agentTrusting,
  chromiumAvailable,
  openBrowser,
  startWebServer,
  waitFor,
  type BrowserPage,
  type WebServer,
} from '../support/browser.js';

const LOGIN = 'adele.vance@contoso.com';
const MEGAN = 'megan.bowen@contoso.com';
const SUBJECT = 'Renewal prep with Megan';
const hasChromium = chromiumAvailable('web-calendar');

let web: WebServer;
let b: BrowserPage;
let browser: Browser;
let page: Page;
let emuAgent: Agent;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function emulator<T>(path: string, init: { method?: string; body?: unknown; headers?: object } = {}): Promise<T> {
  const res = await undiciFetch(`${web.server.emulator!.baseUrl}${path}`, {
    method: init.method ?? 'GET',
    dispatcher: emuAgent,
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  expect(res.status, `${path}: ${res.status}`).toBeLessThan(300);
  return (await res.json()) as T;
}

/** Signs in on the emulator's consent page with the password the page itself shows for the account. */
async function consentWithShownPassword(): Promise<void> {
  await page.waitForURL((u) => u.href.startsWith(web.server.emulator!.baseUrl));
  const demo = page.locator('#demo-accounts');
  await demo.getByRole('heading', { name: 'Demo accounts (emulator)' }).waitFor();
  const row = demo.getByRole('row').filter({ hasText: LOGIN });
  const password = (await row.getByRole('cell').nth(2).textContent())!.trim();
  expect(password.length).toBeGreaterThan(3);
  await page.fill('#login', LOGIN);
  await page.fill('#password', password);
  await page.getByRole('button', { name: 'Accept' }).click();
}

const entry = () => page.locator('.cal-grid [data-meeting-id]').filter({ hasText: SUBJECT });

describe.skipIf(!hasChromium)('the calendar page in a browser', () => {
  beforeAll(async () => {
    web = await startWebServer();
    emuAgent = agentTrusting(web.server.emulator!.caFile);
    b = await openBrowser();
    ({ browser, page } = b);
  }, 240_000);

  afterEach(async (ctx) => {
    const errors = b?.takeErrors() ?? [];
    if (errors.length) console.error('page errors:', errors);
    if (ctx.task.result?.state === 'fail' && b)
      await b.failed(ctx, `failed-cal-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await emuAgent?.close();
  });

  it('first run: no calendar yet, the page leads to connecting one instead of empty days', async () => {
    await page.goto(readDemoLink(web.dataDir)!);
    await page.getByRole('heading', { name: 'My calendar' }).waitFor();
    await page.getByRole('heading', { name: 'Connect your calendar' }).waitFor();
    await page.getByRole('button', { name: 'Connect Outlook' }).waitFor();
    expect(await page.getByText('No meetings').count()).toBe(0);
    expect(await page.locator('.cal-grid').count()).toBe(0);
    await expectAccessible(page, 'calendar empty state 1280');
    await b.shot('calendar-empty-1280');
  }, 120_000);

  it('connects Outlook from the empty state; the first sync shows its progress, then the grid its meetings', async () => {
    // Each Graph request of the first sync takes 0.4 s (the emulator's latency fault), so the sync
    // lasts long enough for the page to show its progress however fast the machine is; back to none once seen.
    await emulator('/_emulator/faults', { method: 'PATCH', body: { latency: { fixedMs: 400, jitterMs: 0 } } });
    await page.getByRole('button', { name: 'Connect Outlook' }).click();
    await consentWithShownPassword();
    // Back on the calendar page (not the settings page): the progress bar stands where the meetings will appear.
    await page.waitForURL((u) => u.pathname.endsWith('/calendar'));
    const progress = page.getByRole('progressbar', { name: 'Bringing in your meetings…' });
    await progress.waitFor({ timeout: 20_000 });
    await page.getByText(/Syncing your calendars: \d+ of \d+ done, \d+ meetings read so far \(\d+%\)/).waitFor();
    await b.shot('calendar-first-sync-1280');
    await emulator('/_emulator/faults', { method: 'PATCH', body: { latency: { fixedMs: 0, jitterMs: 0 } } });
    // Then the meetings, without a reload.
    await page.locator('.cal-grid [data-meeting-id]').first().waitFor({ timeout: 120_000 });
    await progress.waitFor({ state: 'detached', timeout: 120_000 });
    // The legend names each synced calendar.
    await page.getByRole('list', { name: 'Calendars' }).getByRole('listitem').first().waitFor();
  }, 240_000);

  it('takes the zone and clock from the mailbox (Graph mailboxSettings)', async () => {
    const prefs = await web.api<Json>('/api/me/preferences');
    expect(prefs).toMatchObject({ timeZone: 'America/Los_Angeles', timeFormat: '12h', source: 'mailbox' });
    await expect(page.getByLabel('Time zone').inputValue()).resolves.toBe('America/Los_Angeles');
    expect(new URL(page.url()).searchParams.get('tz')).toBe('America/Los_Angeles');
    // A 12-hour clock on the grid's hour labels.
    await page
      .locator('.fc-timegrid-slot-label')
      .filter({ hasText: /^\s*9:00\s?AM\s*$/i })
      .first()
      .waitFor();
    const me = await web.api<Json>('/api/me');
    expect(me.user.timeZone).toBe('America/Los_Angeles');
    expect(me.user.displayName).toBe('Adele Vance');
  }, 60_000);

  it('shows a meeting held in Adele’s and Megan’s shared calendar once, saying where else it is', async () => {
    // Megan (whose calendar is shared with Adele) invites Adele; the invitation's copy lands in Adele's calendar with
    // the same iCalUId. Made through Graph by a helper app with application permission.
    const users = await emulator<Array<{ userPrincipalName: string; tenantId: string }>>('/_emulator/users');
    const tenantId = users.find((u) => u.userPrincipalName === LOGIN)!.tenantId;
    const helper = await emulator<Json>('/_emulator/apps', {
      method: 'POST',
      body: { displayName: 'e2e calendar tool', redirectUris: ['https://localhost/unused'], homeTenantId: tenantId },
    });
    await emulator(`/_emulator/apps/${String(helper.clientId)}/consent`, {
      method: 'POST',
      body: { tenantId, roles: ['Calendars.ReadWrite'] },
    });
    const tokenRes = await undiciFetch(`${web.server.emulator!.baseUrl}/${tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      dispatcher: emuAgent,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: String(helper.clientId),
        client_secret: String(helper.clientSecret),
        scope: 'https://graph.microsoft.com/.default',
      }).toString(),
    });
    const { access_token: token } = (await tokenRes.json()) as { access_token: string };
    // Around now: in the week and on the day the page opens on, in any zone and at any hour.
    const utc = (d: Date) => d.toISOString().slice(0, 19);
    await emulator(`/v1.0/users/${MEGAN}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: {
        subject: SUBJECT,
        start: { dateTime: utc(new Date(Date.now() - 20 * 60_000)), timeZone: 'UTC' },
        end: { dateTime: utc(new Date(Date.now() + 40 * 60_000)), timeZone: 'UTC' },
        attendees: [{ emailAddress: { address: LOGIN, name: 'Adele Vance' }, type: 'required' }],
      },
    });
    // Megan's shared calendar is among Adele's synced calendars.
    const cals = (await web.api<{ items: Json[] }>('/api/calendars')).items;
    const megans = cals.find((c) => c.isShared && String(c.ownerEmail).toLowerCase() === MEGAN);
    expect(megans, JSON.stringify(cals)).toBeDefined();
    if (!megans!.selectedForSync)
      await web.api(`/api/calendars/${String(megans!.id)}`, { method: 'PATCH', body: { selectedForSync: true } });
    await web.api('/api/calendar/sync', { method: 'POST', body: {} });
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const listed = await waitFor('both copies to sync', async () => {
      const all = await web.api<{ items: Json[] }>(`/api/calendar/events?start=${from}&end=${to}&copies=all`);
      if (all.items.filter((m) => m.subject === SUBJECT).length < 2) return null;
      return (await web.api<{ items: Json[] }>(`/api/calendar/events?start=${from}&end=${to}`)).items.filter(
        (m) => m.subject === SUBJECT,
      );
    });
    expect(listed).toHaveLength(1);
    expect(listed[0]!.alsoIn).toEqual([expect.objectContaining({ calendarId: megans!.id, isShared: true })]);

    await page.getByRole('button', { name: 'Refresh' }).click();
    await entry().first().waitFor();
    expect(await entry().count()).toBe(1);
    await expect(entry().textContent()).resolves.toContain("also in Megan Bowen's calendar");
    await expect(entry().getAttribute('role')).resolves.toBe('button');
    await b.shot('calendar-week-1280');
  }, 240_000);

  it('opens the meeting in a side panel that takes focus; Escape closes it and focus goes back', async () => {
    await entry().click();
    const panel = page.getByRole('dialog', { name: SUBJECT });
    await panel.waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('detail-h');
    await expect(panel.textContent()).resolves.toContain("also in Megan Bowen's calendar");
    await expectAccessible(page, 'calendar with the meeting panel 1280');
    await b.shot('calendar-panel-1280');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-meeting-id'));
    expect(focused).toBe(await entry().getAttribute('data-meeting-id'));
    // The keyboard opens it too (Enter on the focused meeting).
    await page.keyboard.press('Enter');
    await panel.waitFor();
    await page.getByRole('button', { name: 'Close meeting details' }).click();
    await panel.waitFor({ state: 'detached' });
  }, 60_000);

  it('keeps date, view and zone in the URL across a reload; the zone is remembered on the server', async () => {
    await page.getByRole('button', { name: 'Day', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('view') === 'day');
    await page.getByRole('button', { name: 'Next day →' }).click();
    await page.getByLabel('Time zone').selectOption('Asia/Tokyo');
    await page.waitForURL((u) => u.searchParams.get('tz') === 'Asia/Tokyo');
    const url = new URL(page.url());
    const title = await page.locator('.cal-title').textContent();
    expect(url.searchParams.get('date')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await waitFor('the zone to be saved', async () => {
      const p = await web.api<Json>('/api/me/preferences');
      return p.timeZone === 'Asia/Tokyo' && p.source === 'user';
    });

    await page.reload();
    await page.locator('.cal-title').filter({ hasText: 'Asia/Tokyo' }).waitFor();
    expect(new URL(page.url()).search).toBe(url.search);
    await expect(page.locator('.cal-title').textContent()).resolves.toBe(title);
    await expect(page.getByLabel('Time zone').inputValue()).resolves.toBe('Asia/Tokyo');
    await expect(page.getByRole('button', { name: 'Day', exact: true }).getAttribute('aria-pressed')).resolves.toBe(
      'true',
    );
    // The full IANA list is offered.
    expect(await page.getByLabel('Time zone').locator('option').count()).toBeGreaterThan(300);

    // Without anything in the URL the page opens in the zone remembered on the server (not the browser's).
    await page.goto(`${web.server.url}/app/calendar`);
    await page.waitForURL((u) => u.searchParams.get('tz') === 'Asia/Tokyo');
    expect(new URL(page.url()).searchParams.get('view')).toBe('week');
    // The clock too.
    await page.getByLabel('Clock').selectOption('24h');
    await waitFor(
      'the clock to be saved',
      async () => (await web.api<Json>('/api/me/preferences')).timeFormat === '24h',
    );
    await page
      .locator('.fc-timegrid-slot-label')
      .filter({ hasText: /^\s*09:00\s*$/ })
      .first()
      .waitFor();
  }, 120_000);

  it('opens on one day at phone width, axe-clean', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${web.server.url}/app/calendar`);
    // A phone opens on one day.
    await page.waitForURL((u) => u.searchParams.get('view') === 'day');
    await page.locator('.cal-grid [data-meeting-id]').first().waitFor();
    await page.waitForLoadState('networkidle');
    await expectAccessible(page, 'calendar 390');
    await b.shot('calendar-week-390');
    await entry().click();
    await page.getByRole('dialog', { name: SUBJECT }).waitFor();
    await expectAccessible(page, 'calendar panel 390');
    await page.keyboard.press('Escape');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 120_000);

  it('shows an app-wide banner when the connection breaks, and reconnects in one click', async () => {
    const users = await emulator<Array<{ id: string; userPrincipalName: string }>>('/_emulator/users');
    const adele = users.find((u) => u.userPrincipalName === LOGIN)!;
    // Adele's sessions are revoked in Entra ID: calbridge's refresh token stops working.
    await emulator(`/_emulator/users/${adele.id}/revoke`, { method: 'POST', body: {} });
    await emulator(`/_emulator/users/${adele.id}/expire-tokens`, { method: 'POST' });
    await web.api('/api/calendar/sync', { method: 'POST', body: {} }).catch(() => undefined);
    await waitFor('the connection to need sign-in again', async () => {
      const s = await web.api<Json>('/api/integrations/outlook/status');
      return s.status === 'needs_reauth';
    });
    await page.goto(`${web.server.url}/app/customers`);
    const banner = page.getByTestId('connection-banner-outlook');
    await banner.waitFor();
    await expect(banner.textContent()).resolves.toMatch(/sign in again/);
    await expectAccessible(page, 'connection banner');
    await b.shot('connection-banner-1280');
    await banner.getByRole('button', { name: 'Reconnect Outlook' }).click();
    await consentWithShownPassword();
    await page.waitForURL((u) => u.href.startsWith(web.server.url));
    await waitFor('the connection to be active again', async () => {
      const s = await web.api<Json>('/api/integrations/outlook/status');
      return s.status === 'active';
    });
    await page.goto(`${web.server.url}/app/calendar`);
    await page.getByRole('heading', { name: 'My calendar' }).waitFor();
    await page.locator('.cal-grid').waitFor();
    expect(await page.getByTestId('connection-banner-outlook').count()).toBe(0);
  }, 180_000);
});
