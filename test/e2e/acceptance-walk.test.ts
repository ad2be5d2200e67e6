// Issue 18's first acceptance point as one walk in Chromium, against the shipped command: `npm start` launched as a
// child process (embedded PostgreSQL, the bundled emulators, every job in the process — as a newcomer runs it, and as
// journey A in test/journey/npm-start.test.ts does), driven only through the web app, the emulator's pages and HTTP.
// A CSM's first day: first run (the empty calendar leads to Connect Outlook) → the emulator's consent page (with the
// demo accounts and their password on it) → the first sync's progress where the meetings will appear → the hour grid
// with the copies of one meeting merged (one entry, "also in Megan Bowen's calendar"; the legend names each
// calendar's owner) → a customer created with the live preview → its meetings with why each counts → one corrected
// ("Not …") → a stakeholder from an attendee, then scheduling from the customer on the multi-day availability grid →
// request approval → Megan Bowen (the demo tenant's approver) approves in a browser of her own, signed in with
// Microsoft → the meeting on the organizer's grid with its join link. The whole walk runs twice, each time on a
// fresh `npm start` (a first run is only a first run once): at 1280×900 and at 390×844 (a phone). axe-core checks
// every page visited at both sizes (the emulator's sign-in page included).
//
// It is a browser test (it calls chromiumAvailable): .ci/run runs it once, in its browser step at the Saturday clock;
// the suite passes skip it with one line (BROWSER_TESTS=separate), and so does a machine without Chromium (outside CI).
// Set-up that is not part of the walk goes over HTTP: the seeded customer the walk re-creates is deleted with the demo
// API key, and Megan's invitation (the meeting whose copies are merged) is made through Graph as Megan.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { fetch as undiciFetch, type Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDemoLink } from '../../src/main/dev/index.js';
import { expectAccessible } from '../support/a11y.js';
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable, nav, SHOTS, waitFor } from '../support/browser.js';
import { ADELE, MEGAN, microsoftEmulator } from '../journey/steps.js';
import { apiClient, cleanEnv, freePort, Proc, removeDir, trusting } from '../journey/support.js';

const hasChromium = chromiumAvailable('acceptance-walk');
const ZONE = 'America/Los_Angeles'; // Adele's mailbox zone, and her browser's
const SHARED_SUBJECT = 'Renewal prep with Megan';

interface Size {
  name: string;
  width: number;
  height: number;
}
const DESKTOP: Size = { name: '1280', width: 1280, height: 900 };
const PHONE: Size = { name: '390', width: 390, height: 844 };

interface Started {
  event: 'started';
  url: string;
  emulators: { microsoft: string | null; google: string | null };
}

/** `npm start` on a fresh data folder, with what the walk needs to reach it. */
interface NpmStart {
  proc: Proc;
  dataDir: string;
  url: string;
  emulatorUrl: string;
  agent: Agent;
  api: ReturnType<typeof apiClient>;
  emulator: ReturnType<typeof microsoftEmulator>;
  /** Sets the Microsoft emulator's injected faults (PATCH /_emulator/faults). */
  faults(body: unknown): Promise<void>;
  stop(): Promise<void>;
}

async function npmStart(): Promise<NpmStart> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cb-walk-'));
  const env = cleanEnv({
    CALBRIDGE_DATA_DIR: dataDir,
    PORT: String(await freePort()),
    // The approved meeting comes back to the organizer's grid through the poll: every 5 s (the least allowed).
    SYNC_POLL_INTERVAL_SECONDS: '5',
    CALBRIDGE_JOB_TICK_SECONDS: '1',
    LOG_LEVEL: 'warn',
  });
  const proc = Proc.npm('npm start', ['start', '--', '--json'], env);
  let started: Started;
  try {
    // The first start of a tree may build the web app (web/dist older than its sources) before listening.
    started = await proc.line<Started>((l) => l.event === 'started', 300_000);
  } catch (e) {
    await proc.stop();
    removeDir(dataDir);
    throw e;
  }
  const agent = trusting(join(dataDir, 'emulator', 'ca.pem'));
  return {
    proc,
    dataDir,
    url: started.url,
    emulatorUrl: started.emulators.microsoft!,
    agent,
    api: apiClient(started.url, readFileSync(join(dataDir, 'demo-api-key'), 'utf8').trim()),
    emulator: microsoftEmulator(started.emulators.microsoft!, agent),
    async faults(body) {
      const res = await undiciFetch(`${started.emulators.microsoft!}/_emulator/faults`, {
        method: 'PATCH',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await res.text();
      expect(res.status).toBeLessThan(300);
    },
    async stop() {
      await proc.stop();
      await agent.close();
      removeDir(dataDir);
    },
  };
}

let browser: Browser;

/** A person's own browser (own cookies) at `size`, in Adele's zone; uncaught page errors are collected. */
async function personAt(size: Size, errors: string[], who: string): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: size.width, height: size.height },
    timezoneId: ZONE,
  });
  const page = await ctx.newPage();
  page.setDefaultTimeout(60_000);
  page.on('pageerror', (e) => errors.push(`${who}: ${e.message} ${e.stack ?? ''}`.slice(0, 1500)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico'))
      console.warn(`[${who} console] ${m.text()} (${m.location().url})`.slice(0, 600));
  });
  return { ctx, page };
}

/** On the emulator's sign-in page: the account with the password the page itself lists for it, then Accept. */
async function signInOnEmulator(page: Page, emulatorUrl: string, login: string, axeAs: string | null): Promise<void> {
  await page.waitForURL((u) => u.href.startsWith(emulatorUrl));
  await page.getByRole('button', { name: 'Accept' }).waitFor();
  if (await page.locator('#login').count()) {
    const demo = page.locator('#demo-accounts');
    await demo.getByRole('heading', { name: 'Demo accounts (emulator)' }).waitFor();
    const password = (await demo.getByRole('row').filter({ hasText: login }).getByRole('cell').nth(2).textContent())!;
    expect(password.trim().length).toBeGreaterThan(3);
    if (axeAs) await expectAccessible(page, axeAs);
    await page.fill('#login', login);
    await page.fill('#password', password.trim());
  }
  await page.getByRole('button', { name: 'Accept' }).click();
}

/** Waits for the page's level-1 heading and for nothing to be loading, then runs axe-core on it. */
async function axe(page: Page, what: string): Promise<void> {
  await page.locator('main h1').first().waitFor();
  await waitFor(`${what}: loading to finish`, async () => (await page.getByText(/^Loading/).count()) === 0, 60_000);
  await expectAccessible(page, what);
}

async function walk(size: Size): Promise<void> {
  const t0 = Date.now();
  const step = (what: string) => console.log(`[walk ${size.name}] ${((Date.now() - t0) / 1000).toFixed(0)} s: ${what}`);
  const errors: string[] = [];
  step('npm start');
  const app = await npmStart();
  const contexts: BrowserContext[] = [];
  let organizer: Page | null = null;
  let approver: Page | null = null;
  try {
    const { url, emulatorUrl, api, emulator } = app;
    const at = (what: string) => `${what} at ${size.width}×${size.height}`;

    // Set-up over HTTP. Megan (whose calendar is shared with Adele) invites Adele to a meeting around now: the
    // invitation's copy in Adele's calendar and the original in Megan's share one iCalUId.
    step('set-up: Megan invites Adele; the customer to re-create is chosen');
    const megan = await emulator.personGraph(MEGAN);
    const utc = (ms: number) => new Date(Date.now() + ms).toISOString().slice(0, 19);
    await megan('POST', 'me/events', {
      subject: SHARED_SUBJECT,
      start: { dateTime: utc(-20 * 60_000), timeZone: 'UTC' },
      end: { dateTime: utc(40 * 60_000), timeZone: 'UTC' },
      attendees: [{ type: 'required', emailAddress: { address: ADELE, name: 'Adele Vance' } }],
    });

    // ── 1. First run: the demo link signs Adele in; no calendar yet, so the page leads to connecting one.
    step('first run');
    const own = await personAt(size, errors, 'organizer');
    contexts.push(own.ctx);
    organizer = own.page;
    const page = organizer;
    await page.goto(readDemoLink(app.dataDir)!);
    await page.getByRole('heading', { name: 'My calendar', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Connect your calendar' }).waitFor();
    expect(await page.locator('.cal-grid').count()).toBe(0);
    expect(await page.getByText('No meetings').count()).toBe(0);
    await axe(page, at('first run: the empty calendar'));
    await page.screenshot({ path: join(SHOTS, `walk-${size.name}-1-first-run.png`) });

    // ── 2. Connect Outlook on the emulator's consent page. Each Graph request of the first sync takes 0.4 s (the
    // emulator's latency fault) until its progress has been seen, so there is progress to see on a fast machine too.
    step('connect Outlook');
    await app.faults({ latency: { fixedMs: 400, jitterMs: 0 } });
    await page.getByRole('button', { name: 'Connect Outlook' }).click();
    await signInOnEmulator(page, emulatorUrl, ADELE, at("the emulator's sign-in and consent page"));

    // ── 3. Back on the calendar: the first sync's progress stands where the meetings will appear.
    step('first sync progress');
    await page.waitForURL((u) => u.href.startsWith(url) && u.pathname.endsWith('/calendar'));
    const progress = page.getByRole('progressbar', { name: 'Bringing in your meetings…' });
    await progress.waitFor({ timeout: 60_000 });
    await page.getByText(/Syncing your calendars: \d+ of \d+ done, \d+ meetings read so far \(\d+%\)/).waitFor();
    await expectAccessible(page, at('the first sync in progress'));
    await page.screenshot({ path: join(SHOTS, `walk-${size.name}-3-first-sync.png`) });
    await app.faults({ latency: { fixedMs: 0, jitterMs: 0 } });

    // ── 4. The grid, without a reload: the copies of Megan's meeting are one entry, saying where else it is.
    step('the grid with merged copies');
    await page.locator('.cal-grid [data-meeting-id]').first().waitFor({ timeout: 180_000 });
    await progress.waitFor({ state: 'detached', timeout: 180_000 });
    const shared = page.locator('.cal-grid [data-meeting-id]').filter({ hasText: SHARED_SUBJECT });
    await waitFor('the shared meeting on the grid', async () => {
      if (await shared.count()) return true;
      await page.getByRole('button', { name: 'Refresh' }).click();
      return false;
    });
    expect(await shared.count()).toBe(1);
    await expect(shared.textContent()).resolves.toContain("also in Megan Bowen's calendar");
    // Both copies are synced (the API lists them with copies=all), and the legend names each calendar's owner.
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const copies = await api.ok<{ items: Array<{ subject: string }> }>(
      'GET',
      `/api/calendar/events?start=${from}&end=${to}&copies=all`,
    );
    expect(copies.items.filter((m) => m.subject === SHARED_SUBJECT)).toHaveLength(2);
    const legend = page.getByRole('list', { name: 'Calendars' });
    await legend.getByText("Megan Bowen's calendar").waitFor();
    await legend.getByText("Adele Vance's calendar").waitFor();
    await shared.click();
    const panel = page.getByRole('dialog', { name: SHARED_SUBJECT });
    await panel.waitFor();
    await expect(panel.textContent()).resolves.toContain("Adele Vance's calendar · also in Megan Bowen's calendar");
    await axe(page, at('the calendar grid with the meeting panel'));
    await page.screenshot({ path: join(SHOTS, `walk-${size.name}-4-grid.png`) });
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });

    // ── 5. Create a customer with the live preview. The seeded customer with the most meetings in Adele's calendar
    // is deleted first (set-up, with the demo's API key), so that the walk creates it by hand.
    step('create a customer');
    const { items: seeded } = await api.ok<{ items: Array<{ id: string; name: string; domains: string[] }> }>(
      'GET',
      '/api/customers',
    );
    let best = { total: -1, c: seeded[0]! };
    for (const c of seeded) {
      const past = await api.ok<{ total: number }>('GET', `/api/customers/${c.id}/meetings?when=past&limit=1`);
      if (past.total > best.total) best = { total: past.total, c };
    }
    expect(best.total).toBeGreaterThan(1);
    const target = { name: best.c.name, domain: best.c.domains[0]! };
    expect((await api.call('DELETE', `/api/customers/${best.c.id}`)).status).toBe(204);
    await nav(page, 'Customers');
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    await page.getByRole('table', { name: /Customers with health/ }).waitFor();
    await axe(page, at('the customer list'));
    await page.getByRole('link', { name: 'New customer' }).click();
    await page.getByRole('heading', { name: 'New customer', level: 1 }).waitFor();
    await page.getByLabel('Name').fill(target.name);
    await page.getByLabel('E-mail domains').fill(target.domain);
    const preview = page.getByTestId('rules-preview');
    await page.getByText(/^Would match \d+ synced meetings? \(\d+ by domain/).waitFor();
    const shown = Number(/Would match (\d+)/.exec((await preview.textContent()) ?? '')![1]);
    expect(shown).toBeGreaterThan(1);
    await axe(page, at('a new customer with its live preview'));
    await page.getByRole('button', { name: 'Create customer' }).click();
    await page.getByRole('heading', { level: 1, name: target.name }).waitFor();
    const customerId = new URL(page.url()).pathname.split('/').pop()!;
    expect(customerId).toMatch(/^[0-9a-f-]{36}$/);

    // ── 6. Its meetings appear, each saying why it counts.
    step('its meetings, with reasons');
    const past = page.getByRole('region', { name: /^Past meetings/ });
    await past.locator('.cmeetings > li').first().waitFor({ timeout: 120_000 });
    const first = past.locator('.cmeetings > li').first();
    await expect(first.locator('.reason').innerText()).resolves.toBe('Domain match');
    await expect(first.getByText(/\d+% confidence/).count()).resolves.toBe(1);
    await axe(page, at('the new customer with its meetings'));
    await page.screenshot({ path: join(SHOTS, `walk-${size.name}-6-customer.png`) });

    // ── 7. Correct one: "Not <customer>" on the newest past meeting; it waits under "Might be" instead.
    step('correct one meeting');
    const newest = (
      await api.ok<{ items: Array<{ id: string; subject: string }> }>(
        'GET',
        `/api/customers/${customerId}/meetings?when=past&limit=1`,
      )
    ).items[0]!;
    const subject = newest.subject || '(no subject)';
    await past
      .getByRole('button', { name: `Not ${target.name}: ${subject}` })
      .first()
      .click();
    // (the message, and the live region that reads it out)
    await page.getByText(`“${subject}” no longer counts for ${target.name}.`).first().waitFor();
    await page
      .getByRole('region', { name: `Might be ${target.name}` })
      .locator(`li[data-meeting="${newest.id}"]`)
      .getByText('Marked by hand as not a customer meeting.')
      .waitFor();
    expect(await past.locator(`li[data-meeting="${newest.id}"]`).count()).toBe(0);
    const corrected = await api.ok<{ customer: Record<string, unknown> }>('GET', `/api/meetings/${newest.id}`);
    expect(corrected.customer).toMatchObject({ customerId: null, reason: 'manual_none', manual: true });
    await axe(page, at('the customer after a correction'));

    // ── 8. A stakeholder from an attendee (one of the customer's people), then schedule from the customer.
    step('a stakeholder, then the scheduler');
    const attendees = past.locator('.cmeetings > li').first();
    await attendees.getByText(/^Attendees/).click();
    const theirs = attendees
      .getByRole('listitem')
      .filter({ hasText: new RegExp(`@${target.domain.replace(/\./g, '\\.')}\\b`, 'i') })
      .filter({ has: page.getByRole('button', { name: /^Add .+ as a stakeholder$/ }) })
      .first();
    const add = theirs.getByRole('button', { name: /^Add .+ as a stakeholder$/ });
    const person = /^Add (.+) as a stakeholder$/.exec((await add.getAttribute('aria-label'))!)![1]!;
    await add.click();
    await page.getByRole('region', { name: 'Stakeholders' }).getByText(person, { exact: true }).waitFor();
    await page.getByRole('link', { name: 'Schedule meeting' }).click();
    await page.getByRole('heading', { name: `Schedule a meeting with ${target.name}` }).waitFor();
    await page.getByRole('list', { name: 'Invited' }).getByText(person).waitFor();
    await page.getByLabel('Template').selectOption({ label: 'Quarterly business review (60 min)' });
    await page.getByLabel('Teams meeting').check();
    await page.getByRole('button', { name: 'Find times' }).click();
    const radios = page.getByRole('radio');
    await radios.first().waitFor({ timeout: 120_000 });
    const count = await radios.count();
    expect(count).toBeGreaterThanOrEqual(3);
    expect(count).toBeLessThanOrEqual(5);
    for (const why of await page.locator('.sugg-why').allTextContents()) {
      expect(why.length).toBeGreaterThan(5);
      expect(why).not.toMatch(/%|not_found|oof|unknown/);
    }
    // The availability grid spans several days, with the suggestions drawn on it.
    const grid = page.locator('table.sched-grid');
    await grid.waitFor();
    expect(await grid.locator('th.day').count()).toBeGreaterThanOrEqual(3);
    expect(await grid.locator('td.sugg').count()).toBeGreaterThan(0);
    await radios.first().check();
    await expect(page.getByTestId('who-approves').textContent()).resolves.toMatch(/approve/);
    await axe(page, at('the scheduler with suggestions on the multi-day grid'));
    await page.screenshot({ path: join(SHOTS, `walk-${size.name}-8-scheduler.png`), fullPage: true });

    // ── 9. Request approval: the proposal waits on the approvals page.
    step('request approval');
    await page.getByRole('button', { name: 'Request approval' }).click();
    await page.waitForURL((u) => u.pathname.endsWith('/approvals'));
    const card = (p: Page) => p.locator('article', { hasText: /quarterly business review/i });
    await card(page).waitFor();
    await card(page).getByText('Yes, a Teams link is added').waitFor();
    await axe(page, at("the organizer's approvals"));
    const { items: pending } = await api.ok<{ items: Array<{ id: string; preview: { subject: string } }> }>(
      'GET',
      '/api/proposals?status=pending',
    );
    const proposal = pending.find((p) => /quarterly business review/i.test(p.preview.subject))!;
    expect(proposal).toBeTruthy();

    // ── 10. Megan Bowen, the demo tenant's approver, in a browser of her own: signs in with Microsoft, approves.
    step('approve as Megan');
    const hers = await personAt(size, errors, 'approver');
    contexts.push(hers.ctx);
    approver = hers.page;
    await approver.goto(`${url}/app/approvals`);
    await approver.waitForURL((u) => u.pathname === '/app/signin');
    await axe(approver, at('the sign-in page'));
    await approver.getByRole('link', { name: 'Sign in with Microsoft' }).click();
    await signInOnEmulator(approver, emulatorUrl, MEGAN, null);
    await approver.waitForURL((u) => u.href.startsWith(url) && u.pathname === '/app/approvals');
    const session = await approver.evaluate(async () => (await fetch('/api/auth/session')).json());
    expect(session).toMatchObject({ via: 'session', role: 'approver' });
    await card(approver).waitFor();
    await axe(approver, at("the approver's approvals"));
    await card(approver).getByRole('button', { name: 'Approve and send' }).click();
    await approver
      .getByText(/Approved: the invitation was sent/)
      .first()
      .waitFor();
    const done = await api.ok<{
      status: string;
      preview: { start: string; subject: string };
      result: { joinUrl: string | null };
    }>('GET', `/api/proposals/${proposal.id}`);
    expect(done.status).toBe('approved');
    expect(done.result.joinUrl).toMatch(/^https:\/\//);
    await approver.screenshot({ path: join(SHOTS, `walk-${size.name}-10-approved.png`) });

    // ── 11. The organizer finds the meeting on her grid once the sync brings it back, with its join link.
    step('the meeting on the organizer’s grid');
    const day = new Date(done.preview.start).toLocaleDateString('en-CA', { timeZone: ZONE });
    const view = size.width < 600 ? 'day' : 'week';
    const onGrid = page
      .locator('.cal-grid [data-meeting-id]')
      // by its own subject (the seeded calendars hold other quarterly business reviews)
      .filter({ hasText: done.preview.subject })
      .first();
    await waitFor('the approved meeting on the grid', async () => {
      await page.goto(`${url}/app/calendar?date=${day}&view=${view}&tz=${ZONE}`);
      await page.locator('.cal-grid').waitFor();
      await waitFor('the meetings to load', async () => (await page.getByText(/^Loading/).count()) === 0, 30_000);
      return (await onGrid.count()) > 0;
    });
    await onGrid.click();
    const details = page.getByRole('dialog');
    const joinLink = details.getByRole('link', { name: /^Join .*meeting$/ });
    await joinLink.waitFor();
    await expect(joinLink.getAttribute('href')).resolves.toBe(done.result.joinUrl);
    await axe(page, at('the calendar with the approved meeting and its join link'));
    await page.screenshot({ path: join(SHOTS, `walk-${size.name}-11-join-link.png`) });

    // Nothing sticks out sideways on any of it at this width.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(errors, 'uncaught errors in the pages').toEqual([]);
    step('done');
  } catch (e) {
    for (const [p, who] of [
      [organizer, 'organizer'],
      [approver, 'approver'],
    ] as const)
      await p
        ?.screenshot({ path: join(SHOTS, `walk-${size.name}-failed-${who}.png`), fullPage: true })
        .catch(() => undefined);
    console.error(`[walk ${size.name}] npm start's last output:\n${app.proc.tail()}`);
    throw e;
  } finally {
    for (const c of contexts) await c.close().catch(() => undefined);
    await app.stop();
  }
}

describe.skipIf(!hasChromium)("issue 18 acceptance: a CSM's first day in the web app, against npm start", () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('walks from the first run to the approved meeting on the grid at 1280×900', () => walk(DESKTOP), 900_000);

  it('walks the same at 390×844 (a phone)', () => walk(PHONE), 900_000);
});
