// Browser end to end for a Google-only user: the whole server with its bundled Microsoft and Google emulators, driven
// through the web app in headless Chromium: demo login, Google consent page, synced Google events in My calendar, a
// Google Meet QBR through approval (checked in the Google emulator over its Calendar API), disconnect.
import { fetch as undiciFetch, type Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readDemoLink } from '../../src/main/dev/index.js';
import {
  agentTrusting,
  chromiumAvailable,
  nav,
  openBrowser,
  signInWithKey,
  startWebServer,
  waitFor,
  type BrowserPage,
  type WebServer,
} from '../support/browser.js';

const LOGIN = 'adele.vance@contoso.com';
const hasChromium = chromiumAvailable('web-google');

let web: WebServer;
let b: BrowserPage;
let googleBase: string;
let googleAgent: Agent;

/** The Google emulator over HTTPS (admin API under /_emulator, Calendar API under /calendar/v3). */
async function google(path: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) {
  return undiciFetch(`${googleBase}${path}`, { ...init, redirect: 'manual', dispatcher: googleAgent });
}

/** A token for LOGIN's calendar, obtained by a separate OAuth client of the emulator (not calbridge's). */
async function googleReaderToken(): Promise<string> {
  const redirectUri = 'http://127.0.0.1:9/test-reader';
  const appRes = await google('/_emulator/apps', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ redirectUris: [redirectUri], name: 'test reader' }),
  });
  expect(appRes.status).toBe(201);
  const app = (await appRes.json()) as { clientId: string; clientSecret: string };
  const consent = await google('/o/oauth2/v2/auth/consent', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: app.clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'https://www.googleapis.com/auth/calendar.readonly',
      account: LOGIN,
      decision: 'allow',
    }).toString(),
  });
  expect(consent.status).toBe(302);
  const code = new URL(consent.headers.get('location')!).searchParams.get('code')!;
  const tokenRes = await google('/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      client_id: app.clientId,
      client_secret: app.clientSecret,
      redirect_uri: redirectUri,
    }).toString(),
  });
  expect(tokenRes.status).toBe(200);
  return ((await tokenRes.json()) as { access_token: string }).access_token;
}

describe.skipIf(!hasChromium)('the web app for a Google Calendar user', () => {
  beforeAll(async () => {
    web = await startWebServer();
    const emu = web.server.google.emulator;
    if (!emu) throw new Error('the bundled Google emulator did not start (GOOGLE_CLIENT_ID set in the environment?)');
    googleBase = emu.baseUrl;
    googleAgent = agentTrusting(emu.caFile);
    b = await openBrowser();
  }, 240_000);

  afterEach(async (ctx) => {
    const errors = b?.takeErrors() ?? [];
    if (errors.length) console.error('page errors:', errors);
    if (ctx.task.result?.state === 'fail' && b)
      await b.failed(ctx, `google-failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  afterAll(async () => {
    await b?.browser.close();
    await web?.close();
    await googleAgent?.close();
  });

  it('signs in with the demo link and connects Google Calendar through the Google consent page', async () => {
    const { page } = b;
    await page.goto(readDemoLink(web.dataDir)!);
    await page.getByRole('heading', { name: 'My calendar' }).waitFor();
    await nav(page, 'Settings');
    const card = page.getByRole('region', { name: 'Google Calendar' });
    await card.getByText('Not connected').waitFor();
    await b.shot('google-settings-not-connected-1280');
    await card.getByRole('button', { name: 'Connect Google Calendar' }).click();
    // Google's consent page (the emulator's): pick the account, read the scopes, allow.
    await page.waitForURL((u) => u.href.startsWith(googleBase));
    await page.getByRole('heading', { name: 'Choose an account' }).waitFor();
    await expect(page.getByText('https://www.googleapis.com/auth/calendar.events').count()).resolves.toBe(1);
    await page.getByLabel('Account').selectOption(LOGIN);
    await b.shot('google-consent-1280');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((u) => u.pathname === '/settings' && u.searchParams.get('connected') === 'google');
    await page.getByText('Google Calendar connected.').waitFor();
    // The Outlook card's banner does not claim this connection.
    await expect(page.getByText('Outlook connected').count()).resolves.toBe(0);
    await card.getByText(/^● Connected$/).waitFor();
    await card.locator('dl.facts').getByText(LOGIN).waitFor();
    await card.getByText('calendar.events').waitFor();
    const status = await web.api<{ status: string; account: { email: string } }>('/api/integrations/google/status');
    expect(status).toMatchObject({ status: 'active', account: { email: LOGIN } });
    await waitFor('the first Google sync', async () => {
      const s = await web.api<{ calendars: Array<{ lastSuccessAt: string | null }> }>(
        '/api/outlook/calendar/sync-status',
      );
      return s.calendars.some((c) => c.lastSuccessAt);
    });
    await page.reload();
    await card.getByRole('table', { name: /Google calendars/ }).waitFor();
    const primary = card.locator('tbody tr', { hasText: LOGIN });
    await primary.getByRole('cell', { name: /ago|now/ }).waitFor();
    await expect(primary.getByRole('cell', { name: 'yes', exact: true }).count()).resolves.toBe(1);
    await expect(primary.getByRole('radio', { name: /Default for new meetings/ }).isChecked()).resolves.toBe(true);
    // Room calendars (free/busy only, no event details) are not offered for sync: rooms come from the rooms API.
    await expect(card.locator('tbody tr', { hasText: 'Conf Room Adams' }).count()).resolves.toBe(0);
    const rows = await web.api<{ calendars: Array<{ name: string; selected: boolean; lastError: unknown }> }>(
      '/api/outlook/calendar/sync-status',
    );
    expect(rows.calendars.length).toBeGreaterThan(0);
    expect(rows.calendars.filter((c) => c.lastError)).toEqual([]);
    await b.shot('google-settings-1280');
    // At phone width the card (its calendar table scrolls inside itself) does not widen the page.
    await page.setViewportSize({ width: 390, height: 844 });
    await b.shot('google-settings-390');
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 240_000);

  it('shows the synced Google events in My calendar, Meet links named as such', async () => {
    const { page } = b;
    await nav(page, 'My calendar');
    // The seeded weekly team sync (Mondays, with a Meet link) falls in every week of the seed's range.
    const sync = page.getByRole('button', { name: /Weekly team sync/ }).first();
    await sync.waitFor();
    await expect(sync.getByText('Google Meet').count()).resolves.toBe(1);
    await expect(page.locator('.cal-grid').getByText('Teams', { exact: true }).count()).resolves.toBe(0);
    await sync.click();
    await page.getByRole('link', { name: 'Join Google Meet meeting' }).waitFor();
    expect(await page.getByRole('link', { name: 'Join Google Meet meeting' }).getAttribute('href')).toMatch(
      /^https:\/\/meet\.google\.com\//,
    );
    await b.shot('google-calendar-1280');
  }, 120_000);

  it('schedules a Google Meet QBR through approval; the event exists in the Google emulator', async () => {
    const { page } = b;
    await nav(page, 'Customers');
    await page.getByRole('link', { name: 'Acme Corp' }).click();
    await page.getByRole('link', { name: 'Schedule meeting' }).click();
    await page.getByRole('heading', { name: /Schedule a meeting with Acme Corp/ }).waitFor();
    await page.getByLabel('Template').selectOption({ label: 'Quarterly business review (60 min)' });
    const meet = page.getByLabel('Google Meet meeting');
    await meet.waitFor();
    await meet.check();
    await page.getByRole('button', { name: 'Find times' }).click();
    const first = page.getByRole('radio').first();
    await first.waitFor();
    await page.locator('table.sched-grid').waitFor();
    await first.check();
    await b.shot('google-scheduler-1280');
    await page.getByRole('button', { name: 'Request approval' }).click();
    await page.waitForURL((u) => u.pathname === '/approvals');
    const card = page.locator('article', { hasText: 'quarterly business review' });
    await card.waitFor();
    await card.getByText('Yes, a Google Meet link is added').waitFor();
    await b.shot('google-approvals-1280');
    // External invitations need a colleague's approval: Megan signs in with her own key and approves.
    const me = await web.api<{ tenant: { id: string } }>('/api/me');
    const colleague = await web.server.container.tenants.createApiKey(me.tenant.id, 'megan.bowen@contoso.com', {
      role: 'approver',
    });
    await signInWithKey(page, colleague.apiKey);
    await nav(page, 'Approvals');
    await card.getByText('Yes, a Google Meet link is added').waitFor();
    await card.getByRole('button', { name: 'Approve and send' }).click();
    await page
      .getByText(/Approved: the invitation was sent.*Google Meet link: https:\/\/meet\.google\.com\//)
      .waitFor();
    const { items } = await web.api<{
      items: Array<{ preview: { subject: string; provider?: string }; result: { providerEventId: string } | null }>;
    }>('/api/proposals?status=approved');
    const done = items.find((p) => /quarterly business review/i.test(p.preview.subject))!;
    expect(done.preview.provider).toBe('GOOGLE');
    const eventId = done.result!.providerEventId;
    // Read it back from Google (the emulator) with another OAuth client's token.
    const token = await googleReaderToken();
    const res = await google(`/calendar/v3/calendars/primary/events/${encodeURIComponent(eventId)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const event = (await res.json()) as {
      summary: string;
      hangoutLink?: string;
      conferenceData?: { conferenceSolution?: { key?: { type?: string } } };
      attendees?: Array<{ email: string }>;
    };
    expect(event.summary).toMatch(/quarterly business review/i);
    expect(event.conferenceData?.conferenceSolution?.key?.type).toBe('hangoutsMeet');
    expect(event.hangoutLink).toMatch(/^https:\/\/meet\.google\.com\//);
    expect(event.attendees?.some((a) => a.email.endsWith('@acmecorp.com'))).toBe(true);
    // Back to the demo user for the last step.
    await signInWithKey(page, web.apiKey);
  }, 240_000);

  it('chat names Google Meet for a Google user, and scheduling only prepares a proposal', async () => {
    const { page } = b;
    await nav(page, 'My calendar');
    await page.getByRole('button', { name: 'Chat', exact: true }).click();
    const ask = async (text: string, intent: string) => {
      await page.getByLabel('Message').fill(text);
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      const answer = page.locator(`#chat-panel li.bot[data-intent="${intent}"]`).last();
      await answer.waitFor({ timeout: 60_000 });
      return (await answer.textContent()) ?? '';
    };
    expect(await ask('Show my calendar for this week', 'show_calendar')).toMatch(/Weekly team sync \[Google Meet\]/);
    const before = (await web.api<{ items: unknown[] }>('/api/proposals?status=pending')).items.length;
    const reply = await ask('Schedule a Google Meet with acme corp tomorrow at 3pm', 'schedule_meeting');
    expect(reply).toMatch(/Google Meet meeting proposal/);
    expect(reply).toMatch(/Nothing has been sent/);
    const pending = await web.api<{ items: Array<{ preview: { teams: boolean; provider?: string } }> }>(
      '/api/proposals?status=pending',
    );
    expect(pending.items.length).toBe(before + 1);
    expect(pending.items.some((p) => p.preview.teams && p.preview.provider === 'GOOGLE')).toBe(true);
    await b.shot('google-chat-1280');
    await page.getByRole('button', { name: 'Close chat' }).click();
  }, 180_000);

  it('asks to sign in again after Google revokes the grant, and reconnects through the consent page', async () => {
    const { page } = b;
    await nav(page, 'Settings');
    const card = page.getByRole('region', { name: 'Google Calendar' });
    // Revoked once the card shows the connection active: revoked earlier, a background call to Google (the sync the
    // last meeting's push notification started) could find it first, and the card would open already broken.
    const refresh = card.getByRole('button', { name: 'Refresh calendars' });
    await refresh.waitFor();
    const revoked = await google('/_emulator/revoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: LOGIN }),
    });
    expect(revoked.status).toBe(200);
    // The next call to Google (here: re-reading the calendar list) finds the grant revoked.
    await refresh.click();
    await card.getByRole('alert').waitFor();
    // The card re-reads its status on reconnect_required: no page reload needed.
    await card.getByText(/^○ Needs sign-in again$/).waitFor();
    expect((await web.api<{ status: string }>('/api/integrations/google/status')).status).toBe('needs_reauth');
    await b.shot('google-settings-needs-reauth-1280');
    await card.getByRole('button', { name: 'Reconnect Google Calendar' }).click();
    await page.waitForURL((u) => u.href.startsWith(googleBase));
    await expect(page.getByLabel('Account').inputValue()).resolves.toBe(LOGIN);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((u) => u.pathname === '/settings' && u.searchParams.get('connected') === 'google');
    await page.getByText('Google Calendar connected.').waitFor();
    await card.getByText(/^● Connected$/).waitFor();
    expect((await web.api<{ status: string }>('/api/integrations/google/status')).status).toBe('active');
  }, 120_000);

  it('disconnects Google Calendar after a confirmation', async () => {
    const { page } = b;
    await nav(page, 'Settings');
    const card = page.getByRole('region', { name: 'Google Calendar' });
    await card.getByRole('button', { name: 'Disconnect Google Calendar' }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByText(/Disconnect Google Calendar\?/).waitFor();
    // The confirmation takes focus; Escape closes it and gives focus back to its button.
    await page.waitForFunction(() => document.activeElement?.getAttribute('role') === 'alertdialog', null, {
      timeout: 10_000,
    });
    await page.keyboard.press('Escape');
    // the confirmation goes on React's next render: wait for it (counting at once raced it on a loaded machine)
    await page.getByRole('alertdialog').waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Disconnect Google Calendar');
    expect((await web.api<{ status: string }>('/api/integrations/google/status')).status).toBe('active');
    await card.getByRole('button', { name: 'Disconnect Google Calendar' }).click();
    await b.shot('google-disconnect-confirm-1280');
    await page.getByRole('alertdialog').getByRole('button', { name: 'Yes, disconnect' }).click();
    await card.getByText('Google Calendar disconnected.').waitFor();
    await card.getByText(/^○ Disconnected$/).waitFor();
    await card.getByRole('button', { name: 'Connect Google Calendar' }).waitFor();
    expect((await web.api<{ status: string }>('/api/integrations/google/status')).status).toBe('revoked');
    await b.shot('google-settings-disconnected-1280');
  }, 120_000);

  it('signs in with Google from the sign-in page in a new browser; sign-out ends the session', async () => {
    // The admin lets the Google Workspace domain contoso.com sign in (settings.signIn).
    const me = await web.api<{ tenant: { settings: { signIn?: { googleDomains?: string[] } } } }>('/api/me');
    const domains = me.tenant.settings.signIn?.googleDomains ?? [];
    if (!domains.includes('contoso.com'))
      await web.api('/api/settings', {
        method: 'PATCH',
        body: { signIn: { ...me.tenant.settings.signIn, googleDomains: [...domains, 'contoso.com'] } },
      });
    const ctx = await b.browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
    try {
      const page = await ctx.newPage();
      const url = web.server.url;
      await page.goto(`${url}/app/customers`);
      await page.waitForURL((u) => u.pathname === '/app/signin' && u.searchParams.get('returnTo') === '/customers');
      await page.getByRole('link', { name: 'Sign in with Google' }).click();
      await page.waitForURL((u) => u.href.startsWith(googleBase));
      await page.getByLabel('Account').selectOption(LOGIN);
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL((u) => u.pathname === '/app/customers');
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      const session = await page.evaluate(async () => (await fetch('/api/auth/session')).json());
      expect(session).toMatchObject({ via: 'session' });
      const cookie = (await ctx.cookies(url)).map((c) => `${c.name}=${c.value}`).join('; ');
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL((u) => u.pathname.endsWith('/signin'));
      expect((await fetch(`${url}/api/auth/session`, { headers: { cookie } })).status).toBe(401);
    } finally {
      await ctx.close();
    }
  }, 120_000);
  it('lists where the person is signed in; sign out everywhere ends every browser of theirs', async () => {
    const url = web.server.url;
    const signIn = async () => {
      const ctx = await b.browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
      const page = await ctx.newPage();
      await page.goto(`${url}/app/signin`);
      await page.getByRole('link', { name: 'Sign in with Google' }).click();
      await page.waitForURL((u) => u.href.startsWith(googleBase));
      await page.getByLabel('Account').selectOption(LOGIN);
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      const cookie = (await ctx.cookies(url)).map((c) => `${c.name}=${c.value}`).join('; ');
      return { ctx, page, cookie };
    };
    // (the previous test let contoso.com sign in)
    const first = await signIn();
    const second = await signIn();
    try {
      await first.page.goto(`${url}/app/settings`);
      const rows = first.page.getByTestId('session-row');
      await rows.first().waitFor();
      expect(await rows.count()).toBeGreaterThanOrEqual(2);
      await expect.poll(async () => await rows.filter({ hasText: 'this browser' }).count()).toBe(1);
      expect((await fetch(`${url}/api/auth/session`, { headers: { cookie: second.cookie } })).status).toBe(200);
      await first.page.getByRole('button', { name: 'Sign out everywhere' }).click();
      await first.page.waitForURL((u) => u.pathname.endsWith('/signin'));
      for (const c of [first.cookie, second.cookie])
        expect((await fetch(`${url}/api/auth/session`, { headers: { cookie: c } })).status).toBe(401);
    } finally {
      await first.ctx.close();
      await second.ctx.close();
    }
  }, 180_000);
});
