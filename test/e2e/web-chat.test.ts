// Browser end to end (Chromium) of the chat panel (issue 18, part E): the answer to "find time" is a card of slots,
// clicking one prepares the proposal (a proposal card, pending, in the API's list), clicking it again answers with
// the same pending proposal instead of a second one; Escape closes the panel and gives focus back to the Chat button;
// the conversation comes back from the server when the panel opens again; on a 390×844 phone the panel is a
// full-screen sheet whose Close button returns focus. axe-core finds no violation.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/a11y.js';
import { readDemoLink } from '../../src/main/dev/index.js';
import {
  chromiumAvailable,
  connectOutlookInBrowser,
  nav,
  openBrowser,
  startWebServer,
  type BrowserPage,
  type WebServer,
} from '../support/browser.js';

const LOGIN = 'adele.vance@contoso.com';
const hasChromium = chromiumAvailable('web-chat');

let web: WebServer;
let b: BrowserPage;
let page: Page;

interface Proposal {
  id: string;
  status: string;
  preview: { start: string };
}
const pending = async () => (await web.api<{ items: Proposal[] }>('/api/proposals?status=pending&mine=true')).items;

describe.skipIf(!hasChromium)('the chat panel in a browser', () => {
  beforeAll(async () => {
    web = await startWebServer();
    b = await openBrowser();
    page = b.page;
    await page.goto(readDemoLink(web.dataDir)!);
    await page.getByRole('heading', { name: 'My calendar' }).waitFor();
    // Outlook connected through the emulator's consent page, as a person would.
    await connectOutlookInBrowser(page, web, LOGIN);
  }, 300_000);

  afterEach(async (ctx) => {
    const errors = b?.takeErrors() ?? [];
    if (errors.length) console.error('page errors:', errors);
    if (ctx.task.result?.state === 'fail' && b)
      await b.failed(ctx, `failed-chat-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}`);
  });
  afterAll(async () => {
    await b?.browser.close();
    await web?.close();
  });

  it('prepares a proposal from a clicked slot, never twice, and closes with Escape back to the Chat button', async () => {
    await nav(page, 'My calendar');
    const toggle = page.getByRole('button', { name: 'Chat', exact: true });
    await toggle.click();
    const panel = page.locator('#chat-panel');
    await page.getByLabel('Message').fill('Find time for a meeting with Acme next week');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const slots = panel.getByRole('group', { name: 'Suggested times' }).last();
    await slots.waitFor({ timeout: 60_000 });
    const first = slots.getByRole('button').first();
    const label = (await first.textContent()) ?? '';
    expect(label).toMatch(/\d{1,2}:\d{2}/);
    // Each time says why, in words (not Graph's suggestionReason or emptySuggestionsReason words).
    const why = (await first.locator('.chat-slot-reason').textContent()) ?? '';
    expect(why.length).toBeGreaterThan(10);
    expect(why).not.toMatch(/organizerUnavailable|attendeesUnavailable|Suggested because/);
    const before = await pending();

    await first.click();
    const card = panel.getByRole('region', { name: 'New meeting proposal' }).last();
    await card.waitFor({ timeout: 60_000 });
    expect(await card.textContent()).toMatch(/Waiting for approval/);
    const after = await pending();
    expect(after).toHaveLength(before.length + 1);
    const made = after.find((p) => !before.some((q) => q.id === p.id))!;
    expect(await card.getByRole('link', { name: 'Review and approve' }).getAttribute('href')).toContain(made.id);

    // The same slot again: the pending proposal is the answer, nothing new.
    await first.click();
    await panel.getByText('already waiting for approval').waitFor({ timeout: 60_000 });
    expect(await pending()).toHaveLength(after.length);
    await expectAccessible(page, 'chat panel with slot and proposal cards (1280)');
    await b.shot('chat-cards-1280');

    await page.getByLabel('Message').press('Escape');
    await panel.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Chat');

    // Opened again: the conversation comes back from the server, cards included.
    await toggle.click();
    await panel.getByRole('region', { name: 'New meeting proposal' }).first().waitFor();
    expect(await panel.getByText('Find time for a meeting with Acme next week').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Close chat' }).first().click();
    await panel.waitFor({ state: 'detached' });
  }, 240_000);

  it('opens as a full-screen sheet on a 390×844 phone, and its Close button returns focus', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    const toggle = page.getByRole('button', { name: 'Chat', exact: true });
    await toggle.click();
    const panel = page.locator('#chat-panel');
    await panel.getByRole('region', { name: 'New meeting proposal' }).first().waitFor();
    // (polled: on a loaded machine the restored history may still be laying out when the first card appears)
    await expect.poll(() => panel.boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    // The message field is on screen, not 2,200 px down the page.
    const input = (await page.getByLabel('Message').boundingBox())!;
    expect(input.y + input.height).toBeLessThanOrEqual(844);
    await expect.poll(() => page.getByLabel('Message').evaluate((el) => el === document.activeElement)).toBe(true);
    await expectAccessible(page, 'chat sheet (390)');
    await b.shot('chat-sheet-390');
    await panel.getByRole('button', { name: 'Close chat' }).click();
    await panel.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Chat');
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 120_000);
});
