// Browser end to end (issue 18, customers): the whole server with its bundled Microsoft 365 emulator, driven in headless
// Chromium. After the demo sign-in and an Outlook connect with its first sync, a CSM creates a customer with the live
// preview (an invalid domain is refused at its field), sees its meetings with why each counts, adds a stakeholder from
// an attendee, says "not this customer" for one meeting, and the correction holds after a full re-sync against the
// emulator; the list sorts, says "No customer matches" for an empty search, and every customers page is axe-clean at
// 1280×900 and 390×844.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/a11y.js';
import { readDemoLink } from '../../src/main/dev/index.js';
import {
  chromiumAvailable,
  connectOutlookInBrowser,
  nav as navIn,
  openBrowser,
  startWebServer,
  waitFor,
  type BrowserPage,
  type WebServer,
} from '../support/browser.js';

const LOGIN = 'adele.vance@contoso.com';
const hasChromium = chromiumAvailable('web-customers');

let web: WebServer;
let b: BrowserPage;
let server: WebServer['server'];
let browser: Browser;
let page: Page;

interface MeetingJson {
  id: string;
  subject: string;
  customer: { customerId: string | null; reason: string | null; manual: boolean };
}
interface Listed {
  items: MeetingJson[];
  total: number;
}
type SyncStatus = {
  calendars: Array<{ lastSuccessAt: string | null; fullSyncInProgress: boolean; lastError: string | null }>;
};

const api = <T>(path: string, init?: { method?: string; body?: unknown }): Promise<T> => web.api<T>(path, init);
const nav = (label: string): Promise<void> => navIn(page, label);

/** The customer the test creates: the seeded account with the most meetings in Adele's calendar. */
let target: { name: string; domain: string };
let customerId: string;
let corrected: MeetingJson;

describe.skipIf(!hasChromium)('managing customers in the web app', () => {
  beforeAll(async () => {
    web = await startWebServer();
    server = web.server;
    b = await openBrowser();
    ({ browser, page } = b);
  }, 240_000);

  afterEach(async (ctx) => {
    const pageErrors = b?.takeErrors() ?? [];
    if (pageErrors.length) console.error('page errors:', pageErrors);
    if (ctx.task.result?.state === 'fail' && b)
      await b.failed(ctx, `failed-customers-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it('signs in, connects Outlook and syncs', async () => {
    await page.goto(readDemoLink(web.dataDir)!);
    await page.getByRole('heading', { name: 'My calendar' }).waitFor();
    await connectOutlookInBrowser(page, web, LOGIN);
    expect(new URL(page.url()).pathname).toMatch(/\/settings$/);
    await waitFor('every calendar synced in full', async () => {
      const s = await api<SyncStatus>('/api/outlook/calendar/sync-status');
      return s.calendars.some((c) => c.lastSuccessAt) && s.calendars.every((c) => !c.fullSyncInProgress);
    });
    // The demo seeds Acme Corp, Globex and Initech; the test re-creates the one with the most meetings by hand.
    const { items } = await api<{ items: Array<{ id: string; name: string; domains: string[] }> }>('/api/customers');
    let best = { total: -1, c: items[0]! };
    for (const c of items) {
      const past = await api<Listed>(`/api/customers/${c.id}/meetings?when=past&limit=1`);
      if (past.total > best.total) best = { total: past.total, c };
    }
    expect(best.total).toBeGreaterThan(1);
    target = { name: best.c.name, domain: best.c.domains[0]! };
    const del = await fetch(`${server.url}/api/customers/${best.c.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${web.apiKey}` },
    });
    expect(del.status).toBe(204);
  }, 300_000);

  it('lists customers sortably with band, trend and last contact; an empty search says so', async () => {
    await nav('Customers');
    const table = page.getByRole('table', { name: /Customers with health/ });
    await table.waitFor();
    await expect(table.getByRole('columnheader', { name: 'Last contact' }).count()).resolves.toBe(1);
    // Sort by name, then name descending: the order and aria-sort follow, and the URL keeps it. The server sorts
    // (GET /api/customers?sort=name&order=…), the page shows its order.
    const sortedBy = (sort: string, order: string) =>
      page.waitForResponse((r) => {
        const u = new URL(r.url());
        return (
          u.pathname === '/api/customers' &&
          u.searchParams.get('sort') === sort &&
          u.searchParams.get('order') === order &&
          r.status() === 200
        );
      });
    const byName = sortedBy('name', 'asc');
    await table.getByRole('button', { name: 'Customer' }).click();
    await byName;
    await page.waitForURL((u) => u.searchParams.get('sort') === 'name');
    // the rows once the server's order is shown (the table is aria-busy while the previous order stands in)
    const names = async () => {
      await page.locator('table.customer-list[aria-busy="false"]').waitFor();
      return table.locator('tbody th[scope="row"]').allInnerTexts();
    };
    const asc = await names();
    expect(asc).toEqual([...asc].sort((a, b) => a.localeCompare(b)));
    const byNameDesc = sortedBy('name', 'desc');
    await table.getByRole('button', { name: 'Customer' }).click();
    await byNameDesc;
    await page.waitForURL((u) => u.searchParams.get('dir') === 'desc');
    await expect(table.getByRole('columnheader', { name: 'Customer' }).getAttribute('aria-sort')).resolves.toBe(
      'descending',
    );
    expect(await names()).toEqual([...asc].reverse());
    await expect(table.locator('.band').count()).resolves.toBeGreaterThan(0);
    await page.getByRole('searchbox', { name: 'Search customers' }).fill('xyz');
    await page.getByText('No customer matches “xyz”.').waitFor();
    expect(await page.getByText('No customers yet').count()).toBe(0);
    await page.getByRole('searchbox', { name: 'Search customers' }).fill('');
    await table.waitFor();
  }, 120_000);

  it('creates a customer with a live preview; a bad domain is refused at its field', async () => {
    await page.getByRole('link', { name: 'New customer' }).click();
    await page.getByRole('heading', { name: 'New customer' }).waitFor();
    await page.getByLabel('Name').fill(target.name);
    const domains = page.getByLabel('E-mail domains');
    await domains.fill('not_a_domain');
    await page.getByText('Not an e-mail domain: not_a_domain').waitFor();
    await expect(domains.getAttribute('aria-invalid')).resolves.toBe('true');
    await domains.fill(target.domain);
    const preview = page.getByTestId('rules-preview');
    await expect(preview).toBeDefined();
    await page.getByText(/^Would match \d+ synced meetings? \(\d+ by domain/).waitFor();
    const shown = Number(/Would match (\d+)/.exec((await preview.textContent()) ?? '')![1]);
    expect(shown).toBeGreaterThan(1);
    // The preview is the API's count for the same draft.
    const p = await api<{ matches: number }>('/api/customers/preview', {
      method: 'POST',
      body: { domains: [target.domain], subjectPatterns: [] },
    });
    expect(shown).toBe(p.matches);
    await expect(domains.getAttribute('aria-invalid')).resolves.toBeNull();
    await b.shot('customer-new-1280');
    await expectAccessible(page, 'new customer with preview');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await page.getByRole('heading', { level: 1, name: target.name }).waitFor();
    customerId = new URL(page.url()).pathname.split('/').pop()!;
    expect(customerId).toMatch(/^[0-9a-f-]{36}$/);
  }, 120_000);

  it('shows why each meeting counts, adds a stakeholder from an attendee, and corrects one', async () => {
    const past = page.getByRole('region', { name: /^Past meetings/ });
    await past.locator('.cmeetings > li').first().waitFor();
    const first = past.locator('.cmeetings > li').first();
    await expect(first.locator('.reason').innerText()).resolves.toBe('Domain match');
    await expect(first.getByText(/\d+% confidence/).count()).resolves.toBe(1);
    await expect(
      first.getByText(new RegExp(`matches domain ${target.domain.replace('.', '\\.')}`)).count(),
    ).resolves.toBe(1);
    // A stakeholder from an attendee of that meeting.
    await first.getByText(/^Attendees/).click();
    const add = first.getByRole('button', { name: /^Add .+ as a stakeholder$/ }).first();
    const label = (await add.getAttribute('aria-label'))!;
    const person = /^Add (.+) as a stakeholder$/.exec(label)![1]!;
    await add.click();
    await page.getByRole('region', { name: 'Stakeholders' }).getByText(person, { exact: true }).waitFor();
    // Their role, so the score's executive presence can count them.
    const stakeholders = page.getByRole('region', { name: 'Stakeholders' });
    await stakeholders.getByText(`Role of ${person}`, { exact: true }).first().click();
    await stakeholders.getByRole('textbox', { name: `Role of ${person}` }).fill('VP Operations');
    await stakeholders.getByRole('button', { name: `Save role of ${person}` }).click();
    await stakeholders.getByText('VP Operations', { exact: true }).waitFor();
    const c = await api<{ stakeholders: Array<{ email: string; name: string | null; role: string | null }> }>(
      `/api/customers/${customerId}`,
    );
    expect(c.stakeholders.find((s) => (s.name ?? s.email) === person)).toMatchObject({ role: 'VP Operations' });
    await b.shot('customer-1280');

    // "Not <customer>" on the newest past meeting: it leaves the list and waits under "Might be".
    const listed = await api<Listed>(`/api/customers/${customerId}/meetings?when=past&limit=1`);
    corrected = listed.items[0]!;
    const subject = corrected.subject || '(no subject)';
    await past
      .getByRole('button', { name: `Not ${target.name}: ${subject}` })
      .first()
      .click();
    // the visible message (the live region announces the same words to screen readers)
    await page.locator('.success').getByText(`“${subject}” no longer counts for ${target.name}.`).waitFor();
    const maybe = page.getByRole('region', { name: `Might be ${target.name}` });
    await maybe
      .locator(`li[data-meeting="${corrected.id}"]`)
      .getByText('Marked by hand as not a customer meeting.')
      .waitFor();
    expect(await past.locator(`li[data-meeting="${corrected.id}"]`).count()).toBe(0);
    const m = await api<MeetingJson>(`/api/meetings/${corrected.id}`);
    expect(m.customer).toMatchObject({ customerId: null, reason: 'manual_none', manual: true });
  }, 120_000);

  it('keeps the correction through a full re-sync against the emulator', async () => {
    const before = await api<SyncStatus>('/api/outlook/calendar/sync-status');
    const last = Math.max(...before.calendars.map((c) => Date.parse(c.lastSuccessAt ?? '0')));
    await api('/api/calendar/sync', { method: 'POST', body: { full: true } });
    await waitFor('the full re-sync', async () => {
      const s = await api<SyncStatus>('/api/outlook/calendar/sync-status');
      return s.calendars.every(
        (c) => !c.fullSyncInProgress && c.lastSuccessAt !== null && Date.parse(c.lastSuccessAt) > last,
      );
    });
    const m = await api<MeetingJson>(`/api/meetings/${corrected.id}`);
    expect(m.customer).toMatchObject({ customerId: null, reason: 'manual_none', manual: true });
    await page.reload();
    const maybe = page.getByRole('region', { name: `Might be ${target.name}` });
    const row = maybe.locator(`li[data-meeting="${corrected.id}"]`);
    await row.waitFor();
    // "This is <customer>" brings it back, by hand.
    await row.getByRole('button', { name: new RegExp(`^This is ${target.name}:`) }).click();
    await page
      .getByRole('region', { name: /^Past meetings/ })
      .locator(`li[data-meeting="${corrected.id}"]`)
      .getByText('Set by hand')
      .waitFor();
    expect((await api<MeetingJson>(`/api/meetings/${corrected.id}`)).customer).toMatchObject({
      customerId,
      reason: 'manual',
      manual: true,
    });
  }, 300_000);

  it('shows the factors against their maxima and the score over time; edits with the preview', async () => {
    const engagement = page.getByRole('region', { name: 'Engagement' });
    await engagement.getByRole('table', { name: /What the score is made of/ }).waitFor();
    await expect(engagement.getByText(/^\d+(\.\d)? of \d+(\.\d)?$/).count()).resolves.toBeGreaterThan(3);
    await engagement.getByRole('img', { name: /Engagement score over the last 90 days/ }).waitFor();
    await expectAccessible(page, 'customer page');
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: `Edit ${target.name}` }).waitFor();
    await page.getByLabel('Subject keywords').fill('/(a)\\1/');
    await page.getByText(/This keyword or pattern cannot be used/).waitFor();
    await page.getByLabel('Subject keywords').fill(target.name.split(' ')[0]!);
    await page.getByText(/^Would match \d+ synced meetings?/).waitFor();
    await expectAccessible(page, 'edit customer');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { level: 1, name: target.name }).waitFor();
    const c = await api<{ subjectPatterns: string[] }>(`/api/customers/${customerId}`);
    expect(c.subjectPatterns).toEqual([target.name.split(' ')[0]]);
  }, 120_000);

  it('is axe-clean and fits at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      for (const [path, name] of [
        ['/customers', 'customers'],
        [`/customers/${customerId}`, 'customer'],
        ['/customers/new', 'customer-new'],
      ] as const) {
        await page.goto(`${server.url}/app${path}`);
        await page.locator('main h1').waitFor();
        await page.waitForLoadState('networkidle');
        await expectAccessible(page, `${path} at 390×844`);
        await b.shot(`${name}-390`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        // On failure, name the widest elements that stick out.
        const wide = await page.evaluate(() =>
          [...document.querySelectorAll('main *')]
            .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(-3)
            .map((e) => `${e.tagName.toLowerCase()}.${e.className}: ${(e.textContent ?? '').slice(0, 60)}`),
        );
        expect(overflow, `${path}: ${wide.join(' | ')}`).toBeLessThanOrEqual(0);
      }
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${server.url}/app/customers`);
      await page.getByRole('table', { name: /Customers with health/ }).waitFor();
      await page.waitForLoadState('networkidle');
      await expectAccessible(page, '/customers at 1280×900');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  }, 180_000);
});
