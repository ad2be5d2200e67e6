// The sign-in and consent page driven with plain fetch (GET the page, POST the form), as a person would use it.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../server.js';
import { trustEmulatorCa } from '../testing.js';

let emu: RunningEmulator;
let untrust: () => void;
const verifier = randomBytes(32).toString('base64url');
const challenge = createHash('sha256').update(verifier).digest('base64url');

beforeAll(async () => {
  emu = await startEmulator({
    port: 0,
    minimalSeed: true,
    quiet: true,
    dataDir: mkdtempSync(join(tmpdir(), 'emu-consent-')),
  });
  untrust = trustEmulatorCa(emu.caPem);
});
afterAll(async () => {
  untrust();
  await emu.close();
});
beforeEach(() => emu.reset());

function authorizeParams(scope: string, extra: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({
    client_id: emu.app.clientId,
    response_type: 'code',
    redirect_uri: emu.app.redirectUris[0]!,
    scope,
    state: 'page-state',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  });
}

/** The hidden fields of the page's form, as a browser would submit them. */
function formFields(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    out[m[1]!] = m[2]!
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>');
  }
  return out;
}

async function submit(fields: Record<string, string>) {
  return fetch(`${emu.baseUrl}/common/oauth2/v2.0/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

describe('consent page', () => {
  const user = () => emu.directory.getUser(emu.users[0]!)!;

  it('shows the requested permissions and a sign-in form; Accept with the right password redirects with a code', async () => {
    const page = await fetch(
      `${emu.baseUrl}/common/oauth2/v2.0/authorize?${authorizeParams('openid offline_access https://graph.microsoft.com/Calendars.ReadWrite')}`,
    );
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('Permissions requested');
    expect(html).toContain('<li>Calendars.ReadWrite</li>');
    const fields = formFields(html);
    expect(fields.client_id).toBe(emu.app.clientId);
    // It is an emulator: the page lists the demo accounts with their passwords.
    const demo = html.slice(html.indexOf('id="demo-accounts"'));
    expect(demo).toContain('Demo accounts (emulator)');
    expect(demo).toContain(`<code>${user().userPrincipalName}</code>`);
    expect(demo).toContain(`<code>${user().password}</code>`);

    const wrong = await submit({ ...fields, login: user().userPrincipalName, password: 'wrong', action: 'accept' });
    expect(wrong.status).toBe(200);
    expect(await wrong.text()).toContain('AADSTS50126');

    const ok = await submit({
      ...fields,
      login: user().userPrincipalName,
      password: user().password,
      action: 'accept',
    });
    expect(ok.status).toBe(302);
    const back = new URL(ok.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(emu.app.redirectUris[0]);
    expect(back.searchParams.get('state')).toBe('page-state');
    const code = back.searchParams.get('code')!;
    expect(code).toBeTruthy();

    const token = await fetch(`${emu.baseUrl}/common/oauth2/v2.0/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${emu.app.clientId}:${emu.app.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: emu.app.redirectUris[0]!,
        code_verifier: verifier,
      }),
    });
    expect(token.status).toBe(200);
    const body = (await token.json()) as Record<string, unknown>;
    expect(body.token_type).toBe('Bearer');
    expect(typeof body.refresh_token).toBe('string');
    expect(typeof body.id_token).toBe('string');
    // Consent is remembered: the same user is not asked again with prompt=none.
    const silent = await fetch(
      `${emu.baseUrl}/common/oauth2/v2.0/authorize?${authorizeParams('https://graph.microsoft.com/Calendars.ReadWrite', { prompt: 'none', login_hint: user().userPrincipalName })}`,
      { redirect: 'manual' },
    );
    expect(new URL(silent.headers.get('location')!).searchParams.get('code')).toBeTruthy();
  });

  it('Cancel redirects with access_denied', async () => {
    const html = await (
      await fetch(`${emu.baseUrl}/common/oauth2/v2.0/authorize?${authorizeParams('User.Read')}`)
    ).text();
    const res = await submit({ ...formFields(html), action: 'cancel' });
    expect(res.status).toBe(302);
    const q = new URL(res.headers.get('location')!).searchParams;
    expect(q.get('error')).toBe('access_denied');
    expect(q.get('error_subcode')).toBe('cancel');
    expect(q.get('error_description')).toMatch(/^AADSTS65004:/);
    expect(q.get('state')).toBe('page-state');
  });

  it('shows "Need admin approval" for an admin-only permission and issues no code', async () => {
    const html = await (
      await fetch(`${emu.baseUrl}/common/oauth2/v2.0/authorize?${authorizeParams('Place.Read.All')}`)
    ).text();
    expect(html).toContain('admin consent required');
    const res = await submit({
      ...formFields(html),
      login: user().userPrincipalName,
      password: user().password,
      action: 'accept',
    });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Need admin approval');
    expect(page).toContain('AADSTS65001');
    expect(page).not.toContain('name="password"');
  });

  it('posts the result with response_mode=form_post', async () => {
    await fetch(`${emu.baseUrl}/_emulator/identity`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"autoConsent":true}',
    });
    const res = await fetch(
      `${emu.baseUrl}/common/oauth2/v2.0/authorize?${authorizeParams('User.Read', { response_mode: 'form_post', login_hint: user().userPrincipalName })}`,
      { redirect: 'manual' },
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`action="${emu.app.redirectUris[0]}"`);
    const fields = formFields(html);
    expect(fields.code).toBeTruthy();
    expect(fields.state).toBe('page-state');
    await fetch(`${emu.baseUrl}/_emulator/identity`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"autoConsent":false}',
    });
  });

  it('signs in a user of another tenant only through common, not through a foreign tenant (AADSTS50020)', async () => {
    const tenant = emu.directory.addTenant({
      id: '99999999-9999-4999-8999-999999999999',
      displayName: 'Fabrikam',
      domains: ['fabrikam.com'],
    });
    const html = await (
      await fetch(`${emu.baseUrl}/${tenant.id}/oauth2/v2.0/authorize?${authorizeParams('User.Read')}`)
    ).text();
    const res = await fetch(`${emu.baseUrl}/${tenant.id}/oauth2/v2.0/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        ...formFields(html),
        login: user().userPrincipalName,
        password: user().password,
        action: 'accept',
      }).toString(),
      redirect: 'manual',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('AADSTS50020');
  });

  it('answers an error page (no redirect) for an unknown client or a redirect URI that is not registered', async () => {
    const unknown = await fetch(
      `${emu.baseUrl}/common/oauth2/v2.0/authorize?${authorizeParams('User.Read', { client_id: '00000000-0000-4000-8000-000000000000' })}`,
      { redirect: 'manual' },
    );
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('AADSTS700016');
    const badRedirect = await fetch(
      `${emu.baseUrl}/common/oauth2/v2.0/authorize?${authorizeParams('User.Read', { redirect_uri: 'https://evil.invalid/cb' })}`,
      { redirect: 'manual' },
    );
    expect(badRedirect.status).toBe(400);
    expect(await badRedirect.text()).toContain('AADSTS50011');
  });

  it('requires PKCE with S256 (AADSTS9002325 redirect)', async () => {
    const p = authorizeParams('User.Read');
    p.delete('code_challenge');
    p.delete('code_challenge_method');
    const res = await fetch(`${emu.baseUrl}/common/oauth2/v2.0/authorize?${p}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const q = new URL(res.headers.get('location')!).searchParams;
    expect(q.get('error')).toBe('invalid_request');
    expect(q.get('error_description')).toMatch(/^AADSTS9002325:/);
  });
});
