// `npm run screenshots`: every page of the web app at desktop (1280×900) and phone (390×844) width, written to
// docs/screenshots/ (linked from the README). It runs the server as `npm start` does (bundled emulators, embedded
// worker, a fresh embedded database), signs in with the demo link, connects Outlook through the emulator's consent
// page, waits for the first sync, makes a customer and a proposal so the pages have something to show, then visits
// each page in Debian's Chromium. Needs /usr/bin/chromium (apt-get install -y chromium).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { readDemoLink } from '../src/main/dev/index.js';
import { CHROMIUM, CHROMIUM_ARGS, connectOutlookInBrowser, startWebServer } from '../test/support/browser.js';

const OUT = join(process.cwd(), 'docs', 'screenshots');
const LOGIN = 'adele.vance@contoso.com';
const SIZES = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

async function until<T>(what: string, f: () => Promise<T | null | undefined | false>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Waits until the page has a level-1 heading and nothing says "Loading", then lets the layout settle. */
async function settle(page: Page): Promise<void> {
  await page.locator('h1').first().waitFor({ timeout: 30_000 });
  await until('the page to finish loading', async () => (await page.getByText(/^Loading/).count()) === 0, 30_000);
  await page.waitForTimeout(600);
}

async function main(): Promise<void> {
  const web = await startWebServer();
  const { server, dataDir } = web;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const written: string[] = [];
  try {
    mkdirSync(OUT, { recursive: true });
    for (const f of readdirSync(OUT)) if (f.endsWith('.png')) rmSync(join(OUT, f));
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: { width: 1280, height: 900 },
      timezoneId: 'America/Los_Angeles',
    });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const shoot = async (name: string, path: string | null) => {
      for (const size of SIZES) {
        await page.setViewportSize({ width: size.width, height: size.height });
        if (path) await page.goto(`${server.url}${path}`);
        await settle(page);
        const file = `${name}-${size.name}.png`;
        await page.screenshot({ path: join(OUT, file) });
        written.push(file);
      }
      await page.setViewportSize({ width: 1280, height: 900 });
    };

    // Signed out: the sign-in page.
    await shoot('signin', '/app/signin');

    // First run: the demo link, the calendar before any connection.
    await page.goto(readDemoLink(dataDir)!);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await shoot('first-run', '/calendar');

    // Connect Outlook through the emulator's consent page; the first sync.
    await connectOutlookInBrowser(page, web, LOGIN);

    // Something to show: the seeded customers' scores, and a proposal waiting for approval.
    const customers = await web.api<{ items?: Array<{ id: string }> } | Array<{ id: string }>>('/api/customers');
    const list = Array.isArray(customers) ? customers : (customers.items ?? []);

    await shoot('calendar-week', '/calendar');
    await shoot('calendar-day', '/calendar?view=day');
    await shoot('customers', '/customers');
    if (list[0]) await shoot('customer', `/customers/${list[0].id}`);
    await shoot('schedule', list[0] ? `/schedule?customer=${list[0].id}` : '/schedule');
    await shoot('approvals', '/approvals');
    await shoot('settings', '/settings');
    await shoot('admin-users', '/admin/users');
    await shoot('not-found', '/no-such-page');
  } finally {
    await browser.close();
    await web.close();
  }
  const index = [
    '# Screenshots',
    '',
    'Every page of the web app at desktop (1280×900) and phone (390×844) width, made by `npm run screenshots`',
    '(the server as `npm start` runs it, the demo tenant, Outlook connected through the emulator). Regenerate them',
    'after a change to the web app.',
    '',
    '| page | desktop | phone |',
    '| --- | --- | --- |',
    ...[...new Set(written.map((f) => f.replace(/-(desktop|phone)\.png$/, '')))].map(
      (p) => `| ${p} | ![${p}, desktop](${p}-desktop.png) | ![${p}, phone](${p}-phone.png) |`,
    ),
    '',
  ].join('\n');
  writeFileSync(join(OUT, 'README.md'), index);
  console.log(`${written.length} screenshots in docs/screenshots/`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
