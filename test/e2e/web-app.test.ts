// Browser end to end: the whole server with its bundled emulator, driven through the web app in headless Chromium:
// demo login, Outlook consent, sync, sanitised hostile body, manual association, a Teams QBR through approval, chat,
// calendar selection, default calendar and sync preferences.
import { fetch as undiciFetch, type Agent } from 'undici';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, violations } from '../support/a11y.js';
import { readDemoLink } from '../../src/main/dev/index.js';
import {
  agentTrusting,
  chromiumAvailable,
  nav as navIn,
  openBrowser,
  SHOTS,
  signInWithKey,
  startWebServer,
  waitFor,
  type BrowserPage,
  type WebServer,
} from '../support/browser.js';

const LOGIN = 'adele.vance@contoso.com';
const hasChromium = chromiumAvailable('web-app');

let web: WebServer;
let b: BrowserPage;
let server: WebServer['server'];
let browser: Browser;
let page: Page;
let dataDir: string;
let apiKey: string;
let emuAgent: Agent;

/** Calls calbridge's API as the demo user. */
const apiGet = <T>(path: string): Promise<T> => web.api<T>(path);

async function emulator<T>(path: string): Promise<T> {
  const res = await undiciFetch(`${server.emulator!.baseUrl}${path}`, { dispatcher: emuAgent });
  return (await res.json()) as T;
}

const shot = (name: string): Promise<void> => b.shot(name);
const nav = (label: string): Promise<void> => navIn(page, label);

describe.skipIf(!hasChromium)('the web app in a browser', () => {
  beforeAll(async () => {
    web = await startWebServer();
    ({ server, dataDir, apiKey } = web);
    emuAgent = agentTrusting(server.emulator!.caFile);
    // The browser is where Adele works (Pacific, like her mailbox). A hostile event body that ran script would call
    // alert (or set the flag directly).
    b = await openBrowser({
      initScript: () => {
        (window as unknown as { alert: () => void }).alert = () => {
          (window as unknown as { __xss: boolean }).__xss = true;
        };
      },
    });
    ({ browser, page } = b);
  }, 240_000);

  afterEach(async (ctx) => {
    const pageErrors = b?.takeErrors() ?? [];
    if (pageErrors.length) console.error('page errors:', pageErrors);
    if (ctx.task.result?.state === 'fail' && b)
      await b.failed(ctx, `failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await emuAgent?.close();
  });

  it('signs in with the one-time demo link, which works only once', async () => {
    const link = readDemoLink(dataDir);
    expect(link).toMatch(/#login=[\w-]{20,}$/);
    await page.goto(link!);
    await expect(page.getByRole('heading', { name: 'My calendar' }).waitFor()).resolves.toBeUndefined();
    expect(new URL(page.url()).hash).toBe('');
    const again = await fetch(`${server.url}/api/web/demo-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: new URL(link!).hash.split('=')[1] }),
    });
    expect(again.status).toBe(401);
  }, 120_000);

  it('connects Outlook through the emulator consent page and shows the sync', async () => {
    await nav('Settings');
    // The Outlook card (the Google card beside it says "Not connected" as well).
    await page.locator('section[aria-labelledby="outlook-h"]').getByText('Not connected').waitFor();
    await shot('settings-not-connected-1280');
    await page.getByRole('button', { name: 'Connect Outlook' }).click();
    await page.waitForURL((u) => u.href.startsWith(server.emulator!.baseUrl));
    const users = await emulator<Array<{ userPrincipalName: string; password: string }>>('/_emulator/users');
    const adele = users.find((u) => u.userPrincipalName === LOGIN)!;
    await page.fill('#login', LOGIN);
    await page.fill('#password', adele.password);
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.waitForURL((u) => u.pathname === '/settings' && u.searchParams.get('connected') === 'outlook');
    await page.getByText('Outlook connected').waitFor();
    await page.getByText(LOGIN).first().waitFor();
    await waitFor('the first sync', async () => {
      const s = await apiGet<{ calendars: Array<{ lastSuccessAt: string | null }> }>(
        '/api/outlook/calendar/sync-status',
      );
      return s.calendars.some((c) => c.lastSuccessAt);
    });
    await page.reload();
    await page.getByRole('table', { name: /sync health/ }).waitFor();
    await shot('settings-1280');
  }, 240_000);

  it('shows the week of synced meetings; the hostile body is sanitised and runs no script', async () => {
    await nav('My calendar');
    const hostile = page.getByRole('button', { name: /Vendor security review/ });
    await hostile.waitFor();
    await shot('calendar-1280');
    await hostile.click();
    const body = page.locator('.event-body');
    await body.getByText('Agenda attached.').waitFor();
    expect(await body.locator('script').count()).toBe(0);
    expect(await body.locator('[onerror]').count()).toBe(0);
    expect(await body.locator('a[href^="javascript:"]').count()).toBe(0);
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as unknown as { __xss?: boolean }).__xss)).toBeUndefined();
    await shot('calendar-detail-1280');
  }, 120_000);

  it('associates a meeting with a customer by hand', async () => {
    const { items: customers } = await apiGet<{ items: Array<{ id: string; name: string }> }>('/api/customers');
    const globex = customers.find((c) => c.name === 'Globex')!;
    await page.getByRole('combobox', { name: /^Customer/ }).selectOption({ label: 'Globex' });
    await page.getByRole('button', { name: 'Save customer' }).click();
    await page.getByText('Customer saved.').waitFor();
    const weekStart = new Date(Date.now() - 8 * 86_400_000).toISOString();
    const weekEnd = new Date(Date.now() + 8 * 86_400_000).toISOString();
    const { items } = await apiGet<{ items: Array<{ id: string; subject: string }> }>(
      `/api/outlook/calendar/events?start=${weekStart}&end=${weekEnd}&limit=200`,
    );
    const m = items.find((e) => e.subject === 'Vendor security review')!;
    const meeting = await apiGet<{ customer: { customerId: string | null; manual: boolean } }>(`/api/meetings/${m.id}`);
    expect(meeting.customer).toMatchObject({ customerId: globex.id, manual: true });
  }, 60_000);

  it('schedules a Teams QBR from the customer page through approval; the event exists in the emulator', async () => {
    // The demo's stakeholder is not in the emulator's directory (unknown is never free): invite a seeded Acme person.
    const { items: customers } = await apiGet<{
      items: Array<{ id: string; name: string; stakeholders: Array<{ id: string }> }>;
    }>('/api/customers');
    const acme = customers.find((c) => c.name === 'Acme Corp')!;
    const users = await emulator<Array<{ userPrincipalName: string; displayName: string }>>('/_emulator/users');
    const person = users.find((u) => u.userPrincipalName.endsWith('@acmecorp.com'))!;
    const auth = { authorization: `Bearer ${apiKey}` };
    for (const s of acme.stakeholders)
      await fetch(`${server.url}/api/customers/${acme.id}/stakeholders/${s.id}`, { method: 'DELETE', headers: auth });
    const added = await fetch(`${server.url}/api/customers/${acme.id}/stakeholders`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ email: person.userPrincipalName, name: person.displayName, role: 'VP Operations' }),
    });
    expect(added.status).toBe(201);
    await nav('Customers');
    await page.getByRole('link', { name: 'Acme Corp' }).waitFor();
    await shot('customers-1280');
    await page.getByRole('link', { name: 'Acme Corp' }).click();
    await page.getByRole('heading', { name: 'Engagement' }).waitFor();
    await page.locator('.score').waitFor();
    await shot('customer-1280');
    await page.getByRole('link', { name: 'Schedule meeting' }).click();
    await page.getByRole('heading', { name: /Schedule a meeting with Acme Corp/ }).waitFor();
    await page.getByLabel('Template').selectOption({ label: 'Quarterly business review (60 min)' });
    await page.getByLabel('Teams meeting').check();
    // The stakeholder came with the customer; take them out and pick them again by autocomplete.
    const chips = page.getByRole('list', { name: 'Invited' });
    await chips.getByText(person.displayName).waitFor();
    await page.getByRole('button', { name: `Remove ${person.displayName}` }).click();
    await expect(chips.getByText(person.displayName).count()).resolves.toBe(0);
    const combo = page.getByRole('combobox', { name: 'Add a person' });
    await combo.fill(person.displayName.split(' ')[0]!.slice(0, 4));
    await page.getByRole('option', { name: new RegExp(person.displayName) }).click();
    await chips.getByText(person.displayName).waitFor();
    // the form is in the URL: a reload keeps the picked person and the template
    expect(new URL(page.url()).searchParams.get('with')).toContain(person.userPrincipalName.toLowerCase());
    await page.reload();
    await page.getByRole('list', { name: 'Invited' }).getByText(person.displayName).waitFor();
    await page.getByRole('button', { name: 'Find times' }).click();
    // 3–5 suggestions on different days, each with a reason in words; the multi-day grid with them drawn on it
    const radios = page.getByRole('radio');
    await radios.first().waitFor();
    const count = await radios.count();
    expect(count).toBeGreaterThanOrEqual(3);
    expect(count).toBeLessThanOrEqual(5);
    const whenText = await page.locator('.sugg-when').allTextContents();
    // spread: at least three days, and two times of one day at least two hours apart (not 30 minutes)
    expect(new Set(whenText.map((t) => t.split(',')[0])).size).toBeGreaterThanOrEqual(3);
    const minutesOf = (t: string) => {
      const [h, m] = t.split(', ')[1]!.slice(0, 5).split(':').map(Number);
      return h! * 60 + m!;
    };
    for (const a of whenText)
      for (const c of whenText)
        if (a !== c && a.split(',')[0] === c.split(',')[0])
          expect(Math.abs(minutesOf(a) - minutesOf(c))).toBeGreaterThanOrEqual(120);
    for (const why of await page.locator('.sugg-why').allTextContents()) {
      expect(why.length).toBeGreaterThan(5);
      expect(why).not.toMatch(/%|not_found|oof|unknown/);
    }
    const grid = page.locator('table.sched-grid');
    await grid.waitFor();
    expect(await grid.locator('th.day').count()).toBe(5);
    expect(await grid.locator('td.sugg').count()).toBeGreaterThan(0);
    await expect(page.getByRole('list', { name: 'Legend' }).textContent()).resolves.not.toMatch(/= oof|unknown:/);
    await radios.first().check();
    await expect(page.getByTestId('who-approves').textContent()).resolves.toMatch(/approve/);
    await shot('scheduler-1280');
    await expectAccessible(page, 'scheduler with suggestions');
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await expectAccessible(page, 'scheduler with suggestions on a phone');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    await page.getByRole('button', { name: 'Request approval' }).click();
    await page.waitForURL((u) => u.pathname === '/approvals');
    const card = page.locator('article', { hasText: 'quarterly business review' });
    await card.waitFor();
    await expect(card.getByText('Yes, a Teams link is added').count()).resolves.toBe(1);
    // the attendee by name, with their local time
    await card.getByRole('rowheader', { name: new RegExp(person.displayName) }).waitFor();
    await shot('approvals-1280');
    // Invitations to external people need a second person's approval: a colleague with the approver role signs in
    // with their own key.
    const me = await apiGet<{ tenant: { id: string } }>('/api/me');
    const colleague = await server.container.tenants.createApiKey(me.tenant.id, 'megan.bowen@contoso.com', {
      role: 'approver',
    });
    await signInWithKey(page, colleague.apiKey);
    await nav('Approvals');
    await card.waitFor();
    // The approver changes the message before approving it.
    await card.getByRole('button', { name: 'Change…' }).click();
    await card.getByLabel('Message').fill('Agenda: renewal and the Q3 roadmap.');
    await card.getByRole('button', { name: 'Save changes' }).click();
    await card.getByText('Agenda: renewal and the Q3 roadmap.').waitFor();
    await expectAccessible(page, 'approvals with a changed proposal');
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await expectAccessible(page, 'approvals on a phone');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    await card.getByRole('button', { name: 'Approve and send' }).click();
    await page.getByText(/Approved: the invitation was sent/).waitFor();
    const { items } = await apiGet<{
      items: Array<{
        preview: { subject: string };
        result: { providerEventId: string; joinUrl: string | null } | null;
      }>;
    }>('/api/proposals?status=approved');
    const done = items.find((p) => /quarterly business review/i.test(p.preview.subject))!;
    expect((done.preview as { bodyHtml?: string }).bodyHtml).toContain('Agenda: renewal and the Q3 roadmap.');
    expect(done.result?.providerEventId).toBeTruthy();
    expect(done.result?.joinUrl).toBeTruthy();
    const snapshot = JSON.stringify(await emulator<unknown>('/_emulator/snapshot'));
    expect(snapshot).toContain(done.result!.providerEventId);

    // The organizer (in a browser of her own) finds the meeting on her hour grid once the sync has brought it back,
    // and its details carry the join link the provider made.
    const start = (done.preview as unknown as { start: string }).start;
    const day = new Date(start).toLocaleDateString('en-CA', { timeZone: 'America/Los_Angeles' });
    const own = await browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: { width: 1280, height: 900 },
      timezoneId: 'America/Los_Angeles',
    });
    try {
      const organizer = await own.newPage();
      await organizer.goto(`${server.url}/app/signin`);
      await organizer.getByText('Use an API key instead').click();
      await organizer.getByLabel('API key').fill(apiKey);
      await organizer.getByRole('button', { name: 'Continue' }).click();
      await organizer.getByRole('navigation', { name: 'Main' }).waitFor();
      const onGrid = organizer
        .locator('.cal-grid [data-meeting-id]')
        .filter({ hasText: /quarterly business review/i })
        .first();
      await waitFor('the approved meeting on the grid', async () => {
        await organizer.goto(`${server.url}/calendar?date=${day}&view=week&tz=America/Los_Angeles`);
        await organizer.locator('.cal-grid').waitFor();
        return (await onGrid.count()) > 0;
      });
      await onGrid.click();
      const panel = organizer.getByRole('dialog');
      const join = panel.getByRole('link', { name: /^Join .*meeting$/ });
      await join.waitFor();
      await expect(join.getAttribute('href')).resolves.toBe(done.result!.joinUrl);
      await organizer.screenshot({ path: `${SHOTS}/calendar-approved-meeting-1280.png` });
    } finally {
      await own.close();
    }
  }, 240_000);

  it('answers each chat command; scheduling only prepares a proposal', async () => {
    // Back to the demo user (the colleague who approved has no calendar of their own here).
    await signInWithKey(page, apiKey);
    await nav('My calendar');
    await page.getByRole('button', { name: /Vendor security review/ }).waitFor();
    await page.getByRole('button', { name: 'Chat', exact: true }).click();
    const ask = async (text: string, intent: string) => {
      await page.getByLabel('Message').fill(text);
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      const answer = page.locator(`#chat-panel li.bot[data-intent="${intent}"]`).last();
      await answer.waitFor({ timeout: 60_000 });
      return (await answer.textContent()) ?? '';
    };
    expect(await ask('Show my Outlook calendar for this week', 'show_calendar')).toMatch(/Vendor security review/);
    expect(await ask('Find time for a meeting with Acme next week', 'find_time')).toMatch(
      /Best \d+-minute times with Acme Corp/,
    );
    const before = (await apiGet<{ items: unknown[] }>('/api/proposals?status=pending')).items.length;
    const scheduled = await ask('Schedule a Teams meeting with acme corp tomorrow at 3pm', 'schedule_meeting');
    expect(scheduled).toMatch(/Teams meeting proposal/);
    expect(scheduled).toMatch(/Nothing has been sent/);
    const pending = await apiGet<{ items: Array<{ preview: { teams: boolean } }> }>('/api/proposals?status=pending');
    expect(pending.items.length).toBe(before + 1);
    expect(pending.items.some((p) => p.preview.teams)).toBe(true);
    expect(await ask('What is the weather like?', 'unknown')).toMatch(/Try:/);
    await shot('chat-1280');
  }, 180_000);

  it('chooses which calendars sync and the default calendar, and keeps the sync preferences', async () => {
    // A second own calendar for Adele, made through Graph by a helper app with application permission (as an
    // administrator's tool would), with one meeting in it.
    const users = await emulator<Array<{ userPrincipalName: string; tenantId: string }>>('/_emulator/users');
    const tenantId = users.find((u) => u.userPrincipalName === LOGIN)!.tenantId;
    const emu = server.emulator!.baseUrl;
    const post = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await undiciFetch(url, {
        method: 'POST',
        dispatcher: emuAgent,
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      expect(res.status, `${url}: ${res.status}`).toBeLessThan(300);
      return (await res.json()) as Record<string, unknown>;
    };
    const helper = await post(`${emu}/_emulator/apps`, {
      displayName: 'e2e admin tool',
      redirectUris: ['https://localhost/unused'],
      homeTenantId: tenantId,
    });
    await post(`${emu}/_emulator/apps/${String(helper.clientId)}/consent`, {
      tenantId,
      roles: ['Calendars.ReadWrite'],
    });
    const tokenRes = await undiciFetch(`${emu}/${tenantId}/oauth2/v2.0/token`, {
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
    const bearer = { authorization: `Bearer ${token}` };
    const projects = await post(`${emu}/v1.0/users/${LOGIN}/calendars`, { name: 'Projects' }, bearer);
    // Starting a minute ago: in the week the calendar page opens on, in any zone and at any hour.
    const startAt = new Date(Date.now() - 60_000);
    const utc = (d: Date) => d.toISOString().slice(0, 19);
    await post(
      `${emu}/v1.0/users/${LOGIN}/calendars/${String(projects.id)}/events`,
      {
        subject: 'Project kickoff',
        start: { dateTime: utc(startAt), timeZone: 'UTC' },
        end: { dateTime: utc(new Date(startAt.getTime() + 30 * 60_000)), timeZone: 'UTC' },
      },
      bearer,
    );
    // calbridge re-reads the connection's calendars; the new one is selected and synced by the poll loop.
    await apiGet('/api/integrations/outlook/calendars');
    type Cal = { id: string; name: string; isDefault: boolean; selectedForSync: boolean };
    const cals = async () => (await apiGet<{ items: Cal[] }>('/api/calendars')).items;
    const projectsCal = (await cals()).find((c) => c.name === 'Projects')!;
    const own = (await cals()).find((c) => c.isDefault)!;
    expect(projectsCal).toMatchObject({ isDefault: false, selectedForSync: true });
    await waitFor('the new calendar to sync', async () => {
      const s = await apiGet<{ calendars: Array<{ calendarId: string; lastSuccessAt: string | null }> }>(
        '/api/outlook/calendar/sync-status',
      );
      return s.calendars.find((c) => c.calendarId === projectsCal.id)?.lastSuccessAt;
    });
    // (The chat step left the calendar page open: leave it so that it loads afresh.)
    await nav('Settings');
    await nav('My calendar');
    await page.getByRole('button', { name: /Project kickoff/ }).waitFor();

    // The default: the radio of Projects, then back to Adele's own calendar.
    await nav('Settings');
    const table = page.getByRole('table', { name: /sync health/ });
    await table.waitFor();
    // click, not check(): the radio changes only when the server has answered (check() would see no change and fail)
    await table.getByRole('radio', { name: 'Default for new meetings: Projects', exact: true }).click();
    await page.getByText('New meetings are now created in “Projects”.').waitFor();
    expect((await cals()).filter((c) => c.isDefault).map((c) => c.name)).toEqual(['Projects']);
    // The default calendar is always synced: its checkbox cannot be unticked.
    // (polled: a sync-status read that started before the change may answer after it; the next read corrects it)
    await expect
      .poll(() => table.getByRole('checkbox', { name: 'Sync Projects', exact: true }).isDisabled(), { timeout: 30_000 })
      .toBe(true);
    await shot('settings-default-1280');
    await table.getByRole('radio', { name: `Default for new meetings: ${own.name}`, exact: true }).click();
    await page.getByText(`New meetings are now created in “${own.name}”.`).waitFor();
    expect((await cals()).filter((c) => c.isDefault).map((c) => c.id)).toEqual([own.id]);

    // Untick Projects (confirmed): reported unselected, its meeting leaves "My calendar", the others stay.
    page.once('dialog', (d) => void d.accept());
    await table.getByRole('checkbox', { name: 'Sync Projects', exact: true }).click();
    await page.getByText('Stopped syncing “Projects”: 1 meeting removed from calbridge.').waitFor();
    // The table shows the server's state once its sync status is read again.
    await expect
      .poll(() => table.getByRole('checkbox', { name: 'Sync Projects', exact: true }).isChecked(), { timeout: 30_000 })
      .toBe(false);
    const status = await apiGet<{ calendars: Array<{ calendarId: string; selected: boolean; nextRunAt: unknown }> }>(
      '/api/outlook/calendar/sync-status',
    );
    expect(status.calendars.find((c) => c.calendarId === projectsCal.id)).toMatchObject({
      selected: false,
      nextRunAt: null,
    });
    await shot('settings-calendars-1280');
    await nav('My calendar');
    await page.getByRole('button', { name: /Vendor security review/ }).waitFor();
    expect(await page.getByRole('button', { name: /Project kickoff/ }).count()).toBe(0);

    // Sync preferences: a bad value is refused in the form, good ones are saved and still there after a reload.
    await nav('Settings');
    const past = page.getByLabel('Past days to sync (days)');
    const future = page.getByLabel('Future days to sync (days)');
    const poll = page.getByLabel('Check for changes every (seconds)');
    await past.waitFor();
    await poll.fill('2');
    await page.getByRole('button', { name: 'Save sync preferences' }).click();
    await page.getByText('Enter 5 to 86,400 seconds.').waitFor();
    await expect(poll.getAttribute('aria-invalid')).resolves.toBe('true');
    await past.fill('30');
    await future.fill('120');
    await poll.fill('60');
    await page.getByRole('button', { name: 'Save sync preferences' }).click();
    await page.getByText(/^Saved\./).waitFor();
    await page.reload();
    await past.waitFor();
    await expect(past.inputValue()).resolves.toBe('30');
    await expect(future.inputValue()).resolves.toBe('120');
    await expect(poll.inputValue()).resolves.toBe('60');
    const prefs = await apiGet<Record<string, unknown>>('/api/sync/preferences');
    expect(prefs).toMatchObject({ windowPastDays: 30, windowFutureDays: 120, pollIntervalSeconds: 60, custom: true });
    await page.getByRole('heading', { name: 'Sync preferences' }).scrollIntoViewIfNeeded();
    await shot('settings-preferences-1280');
    // The engine syncs with the new window (a new full round), and sync-status shows the new poll interval.
    await waitFor('a sync in the new window', async () => {
      const s = await apiGet<{ calendars: Array<{ calendarId: string; pollIntervalSeconds: number }> }>(
        '/api/outlook/calendar/sync-status',
      );
      return s.calendars.find((c) => c.calendarId === own.id)?.pollIntervalSeconds === 60;
    });
  }, 240_000);

  it('rooms after IT approval: admin-consent link through the emulator, sign in again, rooms in the scheduler', async () => {
    // Before: Place.Read.All is not granted, so the scheduler says why rooms are missing.
    await page.goto(`${server.url}/schedule`);
    await page.getByText(/rooms not available — they need your administrator’s approval/).waitFor();
    await nav('Settings');
    const card = page.locator('.card', { has: page.getByRole('heading', { name: 'Meeting rooms need IT approval' }) });
    await card.getByRole('button', { name: 'Get admin-consent link' }).click();
    const href = await card.getByRole('link', { name: 'admin-consent link' }).getAttribute('href');
    expect(new URL(href!).pathname).toMatch(/\/adminconsent$/);
    // The administrator opens the link: the emulator's organisation-wide consent page.
    await page.goto(href!);
    await page.getByRole('heading', { name: 'Permissions requested' }).waitFor();
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.waitForURL((u) => u.pathname === '/settings' && u.searchParams.get('admin_consent') === 'granted');
    await page.getByText(/approved calbridge for the organisation/).waitFor();
    // The user signs in again to pick the new permission up.
    await card.getByRole('button', { name: 'Sign in again to use the approval' }).click();
    await page.waitForURL((u) => u.href.startsWith(server.emulator!.baseUrl));
    await page.getByRole('button', { name: 'Accept' }).waitFor();
    if (await page.locator('#login').count()) {
      const users = await emulator<Array<{ userPrincipalName: string; password: string }>>('/_emulator/users');
      await page.fill('#login', LOGIN);
      await page.fill('#password', users.find((u) => u.userPrincipalName === LOGIN)!.password);
    }
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.waitForURL((u) => u.pathname === '/settings' && u.searchParams.get('connected') === 'outlook');
    await page.getByText('Outlook connected').waitFor();
    const status = await apiGet<{ scopes: string[] }>('/api/integrations/outlook/status');
    expect(status.scopes.some((x) => x.endsWith('Place.Read.All'))).toBe(true);
    await expect(page.getByRole('heading', { name: 'Meeting rooms need IT approval' }).count()).resolves.toBe(0);
    // The scheduler now offers the organisation's rooms.
    const rooms = await apiGet<{ items: Array<{ email: string; name: string }> }>('/api/outlook/calendar/rooms');
    expect(rooms.items.length).toBeGreaterThan(0);
    await page.goto(`${server.url}/schedule`);
    const picker = page.getByLabel('Room');
    await picker.locator('option', { hasText: rooms.items[0]!.name }).waitFor({ state: 'attached' });
    expect(await picker.locator('option').count()).toBe(rooms.items.length + 1);
    await shot('scheduler-rooms-1280');
  }, 240_000);

  it('has no accessibility violations (axe-core, WCAG A/AA) on its pages', async () => {
    // signed out: the sign-in page, in a fresh context
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
    try {
      const fresh = await ctx.newPage();
      await fresh.goto(`${server.url}/app/signin`);
      await fresh.getByRole('link', { name: 'Sign in with Microsoft' }).waitFor();
      await expectAccessible(fresh, 'sign-in page');
    } finally {
      await ctx.close();
    }
    // signed in as the demo's admin, with the data the tests above made
    for (const path of [
      '/calendar',
      '/customers',
      '/schedule',
      '/approvals',
      '/settings',
      '/admin/users',
      '/admin/api-keys',
      '/admin/audit',
    ]) {
      await page.goto(`${server.url}/app${path}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      await expectAccessible(page, path);
    }
    // The check itself can fail: an image without a text alternative and an unnamed button are reported.
    await page.evaluate(() => {
      const img = document.createElement('img');
      img.src = '/nowhere.png';
      document.querySelector('main')!.append(img, document.createElement('button'));
    });
    expect((await violations(page)).map((v) => v.id)).toEqual(expect.arrayContaining(['image-alt', 'button-name']));
  }, 180_000);

  it('reads at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [label, name] of [
      ['My calendar', 'calendar'],
      ['Customers', 'customers'],
      ['Approvals', 'approvals'],
      ['Settings', 'settings'],
    ] as const) {
      await nav(label);
      await page.locator('main h1').waitFor();
      await page.waitForTimeout(300);
      await shot(`${name}-390`);
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  }, 120_000);
});
