// Browser end-to-end support: the whole server with its bundled emulators (Microsoft 365 and Google) on a fresh
// database, Debian's Chromium through playwright-core, screenshots, page-error capture and polling.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Agent, fetch as undiciFetch } from 'undici';
import type { TestContext } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { createDevWiring } from '../../src/main/dev/index.js';
import { createRuntime, type Runtime } from '../../src/main/runtime.js';
import { createTestDatabase } from './db.js';
import { waitFor as waitUntil } from './wait.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
export const SHOTS = join(process.cwd(), 'test-output', 'screenshots');

/**
 * True when Debian's Chromium is installed; otherwise warns once, naming the suite and the fix — or, under CI (CI
 * set, as .ci/run does), throws: there the browser tests must run, not skip.
 */
export function chromiumAvailable(suite: string): boolean {
  // `.ci/run` runs the browser suites once, in a step of their own (BROWSER_TESTS=separate in its two suite passes),
  // alone on the machine: each starts the server, both emulators and Chromium, and what they check is the web app
  // over the API, whose database behaviour the API tests cover on both databases.
  if (process.env.BROWSER_TESTS === 'separate') {
    console.warn(`*** SKIPPED ${suite} browser tests in this pass: .ci/run runs them in their own step`);
    return false;
  }
  if (existsSync(CHROMIUM)) return true;
  const what = `${suite} browser tests: ${CHROMIUM} is not installed (apt-get install -y chromium)`;
  if (process.env.CI) throw new Error(`CI is set, so a missing browser fails instead of skipping: ${what}`);
  console.warn(`*** SKIPPED ${what}`);
  return false;
}

export interface WebServer {
  server: Runtime & { url: string; emulator: { baseUrl: string; caFile: string } | null };
  dataDir: string;
  /** The demo user's API key. */
  apiKey: string;
  /** Calls calbridge's API as the demo user; throws on a non-2xx answer. */
  api<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T>;
  close(): Promise<void>;
}

/** Starts the server as `npm start` would on a laptop: demo tenant, bundled emulators, embedded worker. */
export async function startWebServer(): Promise<WebServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cb-web-'));
  const config = loadConfig({
    CALBRIDGE_DATA_DIR: dataDir,
    CALBRIDGE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    PORT: '0',
    HOST: '127.0.0.1',
    CALBRIDGE_START_EMULATOR: 'true',
    CALBRIDGE_EMBEDDED_WORKER: 'true',
    SYNC_POLL_INTERVAL_SECONDS: '5',
    AUTH_FAILURES_PER_MINUTE: '1000000',
    RATE_LIMIT_PER_MINUTE: '100000',
  });
  const dev = await createDevWiring(config);
  const rt = await createRuntime(config, { database: await createTestDatabase(), dev });
  const server = Object.assign(rt, { url: await rt.listen(), emulator: dev.emulators.microsoft });
  await rt.jobs.start();
  const apiKey = readFileSync(join(dataDir, 'demo-api-key'), 'utf8').trim();
  return {
    server,
    dataDir,
    apiKey,
    async api<T>(path: string, init: { method?: string; body?: unknown } = {}) {
      const res = await fetch(`${server.url}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as T;
    },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** An undici agent trusting an emulator's generated CA (for calling the emulators over HTTPS). */
export const agentTrusting = (caFile: string) => new Agent({ connect: { ca: readFileSync(caFile, 'utf8') } });

export interface BrowserPage {
  browser: Browser;
  page: Page;
  /** Uncaught page errors and console errors seen since the last call. */
  takeErrors(): string[];
  shot(name: string): Promise<void>;
  /**
   * After a failed test: a screenshot, and what the page showed (URL, title, focus, the start of its text) in the
   * test's metadata, which the CI run summary prints beside the error (CI keeps no screenshots).
   */
  failed(ctx: TestContext, name: string, other?: Page[]): Promise<void>;
}

/** One line on what a page shows: its URL, title, the focused element and the start of its visible text. */
export async function pageState(page: Page): Promise<string> {
  if (page.isClosed()) return `${page.url()} (closed)`;
  try {
    const s = await page.evaluate(() => ({
      title: document.title,
      focus: document.activeElement
        ? `${document.activeElement.tagName.toLowerCase()}${document.activeElement.id ? `#${document.activeElement.id}` : ''}`
        : '',
      text: (document.body?.innerText ?? '').replace(/\s+/g, ' ').trim().slice(0, 700),
    }));
    return `${page.url()} · title "${s.title}" · focus ${s.focus} · text: ${s.text}`;
  } catch (e) {
    return `${page.url()} · not readable: ${String(e).slice(0, 200)}`;
  }
}

/**
 * Headless Chromium with one 1280×900 page that accepts the servers' self-signed certificates; `initScript` runs in
 * every page before the app's own scripts.
 */
export async function openBrowser(opts: { initScript?: () => void } = {}): Promise<BrowserPage> {
  mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  // In the zone of the seeded user both browser tests sign in as (Adele, Pacific): "this week" in the web app is then
  // the week the emulators seeded around, whatever the hour in UTC.
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 900 },
    timezoneId: 'America/Los_Angeles',
  });
  if (opts.initScript) await context.addInitScript(opts.initScript);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    // Neither the server nor the emulators serve a favicon; Chromium asks for one on every origin.
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico'))
      errors.push(`console: ${m.text()} (${m.location().url})`.slice(0, 1500));
  });
  page.on('pageerror', (e) => errors.push(`${e.message} ${e.stack ?? ''}`.slice(0, 1500)));
  page.setDefaultTimeout(30_000);
  return {
    browser,
    page,
    takeErrors: () => errors.splice(0),
    shot: async (name) => {
      await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    },
    failed: async (ctx, name, other = []) => {
      await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true }).catch(() => undefined);
      // kept across retries: the first attempt's pages say most
      const meta = ctx.task.meta as { pages?: string[] };
      meta.pages ??= [];
      for (const p of [page, ...other.filter((o) => o !== page)])
        meta.pages.push(`attempt ${ctx.task.result?.retryCount ?? 0}: ${await pageState(p)}`);
    },
  };
}

/** Polls `f` every second until it returns something truthy (browser steps are slow: two minutes by default). */
export const waitFor = <T>(what: string, f: () => Promise<T | null | undefined | false>, ms = 120_000) =>
  waitUntil(what, f, { ms, every: 1000 });

/** Opens the header's menu when the navigation is folded into it (phone width). */
export async function openMenu(page: Page): Promise<void> {
  if (await page.getByRole('navigation', { name: 'Main' }).isVisible()) return;
  const menu = page.getByRole('button', { name: /^☰?\s*Menu/ });
  if ((await menu.isVisible()) && (await menu.getAttribute('aria-expanded')) !== 'true') await menu.click();
}

/** Clicks a link of the app's main navigation (through the Menu button at phone width). */
export async function nav(page: Page, label: string): Promise<void> {
  await openMenu(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }).click();
}

/** Signs out, then in again with an API key: the sign-in page's secondary way in (the demo, machines). */
export async function signInWithKey(page: Page, key: string): Promise<void> {
  await openMenu(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByText('Use an API key instead').click();
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

/**
 * Connects the signed-in person's Outlook as they would: Settings → Connect Outlook, the emulator's consent page
 * with the seeded account's password, back on Settings with `connected=outlook`, then waits for the first sync.
 */
export async function connectOutlookInBrowser(page: Page, web: WebServer, login: string): Promise<void> {
  const emulator = web.server.emulator!;
  await nav(page, 'Settings');
  await page.getByRole('button', { name: 'Connect Outlook' }).first().click();
  await page.waitForURL((u) => u.href.startsWith(emulator.baseUrl));
  const agent = agentTrusting(emulator.caFile);
  let users: Array<{ userPrincipalName: string; password: string }>;
  try {
    const res = await undiciFetch(`${emulator.baseUrl}/_emulator/users`, { dispatcher: agent });
    users = (await res.json()) as typeof users;
  } finally {
    await agent.close();
  }
  await page.fill('#login', login);
  await page.fill('#password', users.find((u) => u.userPrincipalName === login)!.password);
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.waitForURL((u) => u.searchParams.get('connected') === 'outlook');
  await waitFor('the first sync', async () => {
    const s = await web.api<{ calendars: Array<{ lastSuccessAt: string | null }> }>('/api/calendar/sync-status');
    return s.calendars.some((c) => c.lastSuccessAt);
  });
}
