// Issue 17's acceptance, in a browser: the organizer signs in with Microsoft (the emulator's login page), connects
// Outlook, proposes a meeting with a customer; the approver gets the e-mail (read from the emulator's outbox over
// HTTP), signs in in a second browser context through the e-mail's link and approves; the organizer sees it approved.
// Sessions survive new tabs and reloads and end at sign-out (the old cookie answers 401). Also: the sign-in page's
// errors, the approvals badge, admin pages hidden from members, and the admin pages (users, API keys, audit).
import { fetch as undiciFetch, type Agent } from 'undici';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  agentTrusting,
  chromiumAvailable,
  openBrowser,
  waitFor,
  startWebServer,
  type BrowserPage,
  type WebServer,
} from '../support/browser.js';

const ORGANIZER = 'adele.vance@contoso.com';
const APPROVER = 'megan.bowen@contoso.com';
const MEMBER = 'alex.wilber@contoso.com';
const hasChromium = chromiumAvailable('acceptance-people');

let web: WebServer;
let b: BrowserPage;
let browser: Browser;
let page: Page;
let url: string;
let emuAgent: Agent;
const contexts: BrowserContext[] = [];

async function emulator<T>(path: string): Promise<T> {
  const res = await undiciFetch(`${web.server.emulator!.baseUrl}${path}`, { dispatcher: emuAgent });
  return (await res.json()) as T;
}

async function passwordOf(login: string): Promise<string> {
  const users = await emulator<Array<{ userPrincipalName: string; password: string }>>('/_emulator/users');
  return users.find((u) => u.userPrincipalName === login)!.password;
}

/** On the emulator's login page: the account (when it asks) and Accept. */
async function emulatorLogin(p: Page, login: string): Promise<void> {
  await p.waitForURL((u) => u.href.startsWith(web.server.emulator!.baseUrl));
  await p.getByRole('button', { name: 'Accept' }).waitFor();
  if (await p.locator('#login').count()) {
    await p.fill('#login', login);
    await p.fill('#password', await passwordOf(login));
  }
  await p.getByRole('button', { name: 'Accept' }).click();
}

/** From the sign-in page: "Sign in with Microsoft", the emulator's login page, back in the app. */
async function signInWithMicrosoft(p: Page, login: string): Promise<void> {
  await p.getByRole('link', { name: 'Sign in with Microsoft' }).click();
  await emulatorLogin(p, login);
  await p.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** A second (third…) person: their own browser context, so their own cookies. */
async function newPerson(): Promise<Page> {
  const ctx = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 900 },
    timezoneId: 'America/Los_Angeles',
  });
  contexts.push(ctx);
  const p = await ctx.newPage();
  p.setDefaultTimeout(30_000);
  return p;
}

/** GET /api/auth/session with only this cookie header. */
const sessionWith = (cookie: string) => fetch(`${url}/api/auth/session`, { headers: { cookie } });
const cookieHeader = async (p: Page) => (await p.context().cookies(url)).map((c) => `${c.name}=${c.value}`).join('; ');

describe.skipIf(!hasChromium)('people in the browser: sign-in, approvals, admin (issue 17 acceptance)', () => {
  beforeAll(async () => {
    web = await startWebServer();
    url = web.server.url;
    emuAgent = agentTrusting(web.server.emulator!.caFile);
    // The admin lets the emulator's Contoso organisation sign in (settings.signIn), unless the demo already does.
    const users = await emulator<Array<{ userPrincipalName: string; tenantId: string }>>('/_emulator/users');
    const contoso = users.find((u) => u.userPrincipalName === ORGANIZER)!.tenantId;
    const me = await web.api<{ tenant: { settings: { signIn?: { microsoftTenantIds?: string[] } } } }>('/api/me');
    const allowed = me.tenant.settings.signIn?.microsoftTenantIds ?? [];
    if (!allowed.includes(contoso))
      await web.api('/api/settings', {
        method: 'PATCH',
        body: { signIn: { ...me.tenant.settings.signIn, microsoftTenantIds: [...allowed, contoso] } },
      });
    b = await openBrowser();
    ({ browser, page } = b);
  }, 240_000);

  afterEach(async (ctx) => {
    const errors = b?.takeErrors() ?? [];
    if (errors.length) console.error('page errors:', errors);
    if (ctx.task.result?.state === 'fail' && b)
      await b.failed(
        ctx,
        `failed-people-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`,
        contexts.flatMap((c) => c.pages()),
      );
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await web?.close();
    await emuAgent?.close();
  });

  it('sends a signed-out visitor to the sign-in page, with both providers and readable errors', async () => {
    await page.goto(`${url}/app/settings`);
    await page.waitForURL((u) => u.pathname === '/app/signin' && u.searchParams.get('returnTo') === '/settings');
    const ms = await page.getByRole('link', { name: 'Sign in with Microsoft' }).getAttribute('href');
    const google = await page.getByRole('link', { name: 'Sign in with Google' }).getAttribute('href');
    expect(new URL(ms!, url).pathname).toBe('/api/auth/signin/microsoft');
    expect(new URL(ms!, url).searchParams.get('returnTo')).toBe('/app/settings');
    expect(new URL(google!, url).pathname).toBe('/api/auth/signin/google');
    // The API key stays as the secondary way in.
    await expect(page.getByText('Use an API key instead').count()).resolves.toBe(1);
    await page.goto(`${url}/app/signin?error=signin_not_allowed`);
    await page
      .getByRole('alert')
      .getByText(/Your organisation does not use calbridge/)
      .waitFor();
    await page.goto(`${url}/app/signin?error=something_new`);
    // An unknown code is never shown as it is (the web app's one vocabulary of errors).
    await page.getByRole('alert').getByText('Sign-in did not succeed. Please try again.').waitFor();
    expect(await page.getByText(/something_new/).count()).toBe(0);
    await b.shot('signin-1280');
  }, 60_000);

  it('organizer signs in with Microsoft, connects Outlook, proposes; the approver approves from the e-mail', async () => {
    // An Acme person from the emulator's directory as the customer's stakeholder, so the proposal invites a
    // customer (external: a second person must approve it). Set up through the demo's API key.
    const { items: customers } = await web.api<{
      items: Array<{ id: string; name: string; stakeholders: Array<{ id: string }> }>;
    }>('/api/customers');
    const acme = customers.find((c) => c.name === 'Acme Corp')!;
    const dir = await emulator<Array<{ userPrincipalName: string; displayName: string }>>('/_emulator/users');
    const person = dir.find((u) => u.userPrincipalName.endsWith('@acmecorp.com'))!;
    const auth = { authorization: `Bearer ${web.apiKey}` };
    for (const s of acme.stakeholders)
      await fetch(`${url}/api/customers/${acme.id}/stakeholders/${s.id}`, { method: 'DELETE', headers: auth });
    await web.api(`/api/customers/${acme.id}/stakeholders`, {
      method: 'POST',
      body: { email: person.userPrincipalName, name: person.displayName, role: 'VP Operations' },
    });
    // The approver: a colleague with the approver role (the demo has one; otherwise the admin invites her).
    const { users } = await web.api<{ users: Array<{ id: string; email: string; role: string }> }>('/api/users');
    const megan = users.find((u) => u.email === APPROVER);
    if (!megan) await web.api('/api/users', { method: 'POST', body: { email: APPROVER, role: 'approver' } });
    else if (megan.role !== 'approver')
      await web.api(`/api/users/${megan.id}`, { method: 'PATCH', body: { role: 'approver' } });

    // 1. The organizer signs in with Microsoft from the sign-in page.
    await page.goto(`${url}/app/calendar`);
    await page.waitForURL((u) => u.pathname === '/app/signin');
    await signInWithMicrosoft(page, ORGANIZER);
    await page.waitForURL((u) => u.pathname === '/app/calendar');
    const who = page.getByTestId('signed-in-as');
    await expect(who.textContent()).resolves.toMatch(/admin/);
    const session = await page.evaluate(async () => (await fetch('/api/auth/session')).json());
    expect(session).toMatchObject({ via: 'session', role: 'admin' });

    // 2. A new tab of the same browser is signed in too (the cookie, not the tab), and so is a reload.
    const tab = await page.context().newPage();
    await tab.goto(`${url}/app/customers`);
    await tab.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    await tab.getByRole('button', { name: 'Sign out' }).waitFor();
    await tab.close();
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

    // 3. Connect Outlook through the emulator's consent page.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Connect Outlook' }).click();
    await emulatorLogin(page, ORGANIZER);
    await page.waitForURL((u) => u.pathname.endsWith('/settings') && u.searchParams.get('connected') === 'outlook');
    await page.getByText('Outlook connected').waitFor();

    // 4. Propose a Teams QBR with Acme: the approval policy is shown before proposing.
    await page.goto(`${url}/app/customers/${acme.id}`);
    await page.getByRole('link', { name: 'Schedule meeting' }).click();
    await page.getByRole('heading', { name: /Schedule a meeting with Acme Corp/ }).waitFor();
    await page.getByLabel('Template').selectOption({ label: 'Quarterly business review (60 min)' });
    await page.getByRole('button', { name: 'Find times' }).click();
    const slot = page.getByRole('radio').first();
    await slot.waitFor();
    await slot.check();
    const policy = page.getByTestId('approval-policy');
    await policy.getByText('Who may approve').waitFor();
    await expect(policy.textContent()).resolves.toMatch(/meetings with external people\s*No/);
    await b.shot('scheduler-policy-1280');
    await page.getByRole('button', { name: 'Request approval' }).click();
    await page.waitForURL((u) => u.pathname.endsWith('/approvals'));
    const { items: pending } = await web.api<{ items: Array<{ id: string; preview: { subject: string } }> }>(
      '/api/proposals?status=pending',
    );
    const proposal = pending.find((p) => /quarterly business review/i.test(p.preview.subject))!;
    expect(proposal).toBeTruthy();

    // 5. The approver's e-mail, from the organizer's mailbox, links to the proposal's page.
    type Mail = {
      subject: string;
      body: { content: string };
      toRecipients: Array<{ emailAddress: { address: string } }>;
    };
    const mail = await waitFor('the approval e-mail', async () => {
      const { value } = await emulator<{ value: Mail[] }>('/_emulator/outbox');
      return value.find(
        (m) =>
          m.toRecipients.some((r) => r.emailAddress.address.toLowerCase() === APPROVER) &&
          m.body.content.includes(proposal.id),
      );
    });
    expect(mail.subject).toMatch(/Approval requested/);
    const link = /href="([^"]+)"/.exec(mail.body.content)![1]!.replace(/&amp;/g, '&');
    expect(new URL(link).pathname).toBe(`/app/approvals/${proposal.id}`);

    // 6. The approver opens the link in their own browser: sign-in first, then back on the proposal.
    const approver = await newPerson();
    await approver.goto(`${url}${new URL(link).pathname}`);
    await approver.waitForURL((u) => u.pathname === '/app/signin');
    await signInWithMicrosoft(approver, APPROVER);
    await approver.waitForURL((u) => u.pathname === `/app/approvals/${proposal.id}`);
    await expect(approver.getByTestId('signed-in-as').textContent()).resolves.toMatch(/approver/);
    // The badge counts what waits for them.
    await expect(
      approver.getByRole('navigation', { name: 'Main' }).getByTestId('approvals-badge').textContent(),
    ).resolves.toMatch(/1/);
    await approver.getByText('Waiting for approval').waitFor();
    await approver.getByRole('button', { name: 'Approve and send' }).click();
    await approver
      .getByText(/Approved: the invitation was sent/)
      .first()
      .waitFor();
    await expect.poll(() => approver.getByTestId('approvals-badge').count(), { timeout: 30_000 }).toBe(0);

    // 7. The organizer sees it approved; the meeting exists in the emulator.
    await page.goto(`${url}/app/approvals/${proposal.id}`);
    await page.locator('[data-status="approved"]').waitFor();
    const done = await web.api<{ status: string; result: { providerEventId: string } | null }>(
      `/api/proposals/${proposal.id}`,
    );
    expect(done.status).toBe('approved');
    expect(JSON.stringify(await emulator('/_emulator/snapshot'))).toContain(done.result!.providerEventId);
    await b.shot('approval-approved-1280');

    // 8. Sign-out ends the session: the old cookie answers 401 afterwards (it was 200 before).
    const cookie = await cookieHeader(page);
    expect((await sessionWith(cookie)).status).toBe(200);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.pathname.endsWith('/signin'));
    expect((await sessionWith(cookie)).status).toBe(401);
    const again = await page.context().newPage();
    await again.goto(`${url}/app/calendar`);
    await again.waitForURL((u) => u.pathname === '/app/signin');
    await again.close();
  }, 360_000);

  it('members do not see the admin pages (and the API refuses them)', async () => {
    const member = await newPerson();
    await member.goto(`${url}/app/calendar`);
    await signInWithMicrosoft(member, MEMBER);
    await expect(member.getByTestId('signed-in-as').textContent()).resolves.toMatch(/member/);
    const main = member.getByRole('navigation', { name: 'Main' });
    await main.getByRole('link', { name: 'Settings' }).waitFor();
    expect(await main.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    await member.goto(`${url}/app/admin/users`);
    await member.getByText('Only administrators can see this page.').waitFor();
    expect((await fetch(`${url}/api/audit`, { headers: { cookie: await cookieHeader(member) } })).status).toBe(403);
  }, 120_000);

  it('admins manage users, API keys and read the audit trail', async () => {
    // Signed out whatever an earlier attempt left (a retry starts where the first one stopped, signed in).
    await page.context().clearCookies();
    await page.goto(`${url}/app/signin`);
    await signInWithMicrosoft(page, ORGANIZER);
    await page.waitForURL((u) => u.pathname === '/app/calendar');
    await page.getByRole('heading', { name: 'My calendar', level: 1 }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    const table = page.getByRole('table', { name: 'People of this organisation' });
    await table.getByText(ORGANIZER).waitFor();
    // Invite someone, change their role, then delete them (confirmed).
    const LYNNE = 'lynne.robbins@contoso.com';
    await page.getByLabel('E-mail').fill(LYNNE);
    await page.getByRole('button', { name: 'Invite' }).click();
    await page.getByText(`Invited ${LYNNE} as member.`).waitFor();
    await table.getByText(LYNNE).waitFor();
    await table.getByLabel(`Role of ${LYNNE}`).selectOption('approver');
    await page.getByText(`${LYNNE} is now approver.`).waitFor();
    const { users } = await web.api<{ users: Array<{ email: string; role: string; status: string }> }>('/api/users');
    expect(users.find((u) => u.email === LYNNE)).toMatchObject({ role: 'approver', status: 'invited' });
    await b.shot('admin-users-1280');
    page.once('dialog', (d) => void d.accept());
    await table.getByRole('button', { name: `Delete ${LYNNE}` }).click();
    await page.getByText(`${LYNNE} was deleted.`).waitFor();
    const after = await web.api<{ users: Array<{ email: string }> }>('/api/users');
    expect(after.users.some((u) => u.email === LYNNE)).toBe(false);

    // An API key: shown once, works, revoked.
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByLabel('The new key').inputValue();
    expect(key).toMatch(/^cbk_/);
    expect((await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    const { apiKeys } = await web.api<{
      apiKeys: Array<{ prefix: string; user: { email: string }; revokedAt: string | null }>;
    }>('/api/api-keys');
    const made = apiKeys.find((k) => !k.revokedAt && key.slice(4).startsWith(k.prefix))!;
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: `Revoke key ${made.prefix} of ${made.user.email}` }).click();
    await page.getByText('The key was revoked.').waitFor();
    expect((await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    await b.shot('admin-keys-1280');

    // The audit trail, filtered, and its export link.
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Audit' }).click();
    await page.getByLabel('Action').fill('user.role_changed');
    await page.getByRole('button', { name: 'Filter' }).click();
    const audit = page.getByRole('table', { name: /Who did what/ });
    await audit.getByText('user.role_changed').first().waitFor();
    const href = await page.getByRole('link', { name: 'Export JSON lines' }).getAttribute('href');
    expect(href).toBe('/api/audit/export?action=user.role_changed');
    const exported = await page.evaluate(async (h) => (await fetch(h)).text(), href!);
    const lines = exported
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.action === 'user.role_changed')).toBe(true);
    await b.shot('admin-audit-1280');
  }, 180_000);
});
