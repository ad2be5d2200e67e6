// The `persist` option over HTTP: a restarted emulator on the same data dir keeps apps, tokens, consents,
// revocations, mailboxes, delta tokens, subscriptions and the clock offset; without it nothing is written.
// Plus the settable clock (`now` option, POST /_emulator/clock {now}).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../test/support/wait.js';
import { startEmulator, type RunningEmulator } from './server.js';
import { appToken, trustEmulatorCa, userToken } from './testing.js';

const REDIRECT = 'http://localhost:4000/callback';
const WINDOW = 'startDateTime=2020-01-01T00:00:00Z&endDateTime=2040-01-01T00:00:00Z';

let untrust: () => void = () => {};
const hooks: Server[] = [];

/** An https webhook receiver (with the emulator's server certificate) that echoes validation tokens. */
async function webhookReceiver(dataDir: string): Promise<string> {
  const hook = createServer(
    { cert: readFileSync(join(dataDir, 'server.pem')), key: readFileSync(join(dataDir, 'server-key.pem')) },
    (req, res) => {
      const token = new URL(req.url ?? '/', 'http://x').searchParams.get('validationToken');
      req.resume();
      req.on('end', () =>
        token !== null ? res.writeHead(200, { 'content-type': 'text/plain' }).end(token) : res.writeHead(202).end(),
      );
    },
  );
  hooks.push(hook);
  await new Promise<void>((ok) => hook.listen(0, '127.0.0.1', ok));
  return `https://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
}

afterAll(() => {
  untrust();
  for (const h of hooks) h.close();
});

async function call(emu: RunningEmulator, method: string, path: string, opts: { token?: string; json?: unknown } = {}) {
  const res = await fetch(`${emu.baseUrl}${path}`, {
    method,
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.json !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(opts.json !== undefined ? { body: JSON.stringify(opts.json) } : {}),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
}

async function refresh(emu: RunningEmulator, app: { clientId: string; clientSecret: string }, refreshToken: string) {
  const res = await fetch(`${emu.baseUrl}/common/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: app.clientId,
      client_secret: app.clientSecret,
    }).toString(),
  });
  return { status: res.status, body: (await res.json()) as { access_token?: string; error_codes?: number[] } };
}

describe('persist', () => {
  it('restarts on the same data dir with apps, tokens, consents, mailboxes, delta tokens and subscriptions', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'emu-persist-'));
    const first = await startEmulator({ quiet: true, minimalSeed: true, dataDir, persist: { delayMs: 20 } });
    untrust = trustEmulatorCa(first.caPem);
    expect(first.stateFile).toBe(join(dataDir, 'microsoft-state.json'));
    expect(first.restored).toBe(false);
    const [adele, alex] = first.users as [string, string];
    const tenantId = first.directory.getUser(adele)!.tenantId;

    // A registered app, signed in to through the consent page (auto-consent off), with an admin consent.
    const registered = await call(first, 'POST', '/_emulator/apps', { json: { redirectUris: [REDIRECT] } });
    expect(registered.status).toBe(201);
    const app = registered.body as { clientId: string; clientSecret: string; redirectUris: string[] };
    const tokens = await userToken(first.baseUrl, app, adele);
    const consent = await call(first, 'POST', `/_emulator/apps/${app.clientId}/consent`, {
      json: { tenantId, roles: ['Calendars.Read'] },
    });
    expect(consent.status).toBe(200);
    // A second user whose sign-in is revoked before the restart.
    const revokedTokens = await userToken(first.baseUrl, app, alex);
    expect((await call(first, 'POST', `/_emulator/users/${alex}/revoke`)).status).toBe(200);

    const created = await call(first, 'POST', '/v1.0/me/events', {
      token: tokens.access_token,
      json: {
        subject: 'Survives a restart',
        start: { dateTime: '2030-03-04T10:00:00', timeZone: 'UTC' },
        end: { dateTime: '2030-03-04T11:00:00', timeZone: 'UTC' },
      },
    });
    expect(created.status).toBe(201);
    // Written shortly after the change (20 ms here), not only on close: polled, as a loaded machine may take longer
    // than any fixed wait to finish the write.
    await waitFor(
      'the state file to hold the new event',
      async () => {
        const path = join(dataDir, 'microsoft-state.json');
        return existsSync(path) && readFileSync(path, 'utf8').includes('Survives a restart');
      },
      { ms: 10_000, every: 20 },
    );
    const delta = await call(first, 'GET', `/v1.0/me/calendarView/delta?${WINDOW}`, { token: tokens.access_token });
    const deltaLink = String(delta.body['@odata.deltaLink']).replace(/^https:\/\/[^/]+/, '');
    expect(deltaLink).toMatch(/^\/v1\.0\/me\/calendarView\/delta\?\$deltatoken=/);
    const sub = await call(first, 'POST', '/v1.0/subscriptions', {
      token: tokens.access_token,
      json: {
        changeType: 'created,updated',
        notificationUrl: await webhookReceiver(dataDir),
        resource: 'me/events',
        expirationDateTime: new Date(first.clock.now() + 3600_000).toISOString(),
      },
    });
    expect(sub.status).toBe(201);
    await call(first, 'POST', '/_emulator/clock', { json: { advanceMs: 60_000 } });
    await first.close();
    expect(existsSync(join(dataDir, 'microsoft-state.json'))).toBe(true);
    expect(readdirSync(dataDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const second = await startEmulator({ quiet: true, minimalSeed: true, dataDir, persist: true });
    try {
      expect(second.restored).toBe(true);
      expect(second.users).toEqual(first.users);
      // The old access token is accepted (same signing key), and the event is there.
      const events = await call(second, 'GET', '/v1.0/me/events', { token: tokens.access_token });
      expect(events.status).toBe(200);
      expect(events.body.value.map((e: { subject: string }) => e.subject)).toContain('Survives a restart');
      // The delta token issued before the restart goes on working (no resync).
      const inc = await call(second, 'GET', deltaLink, { token: tokens.access_token });
      expect(inc.status).toBe(200);
      expect(inc.body.value).toEqual([]);
      // The old refresh token redeems with the registered app's secret.
      const renewed = await refresh(second, app, tokens.refresh_token!);
      expect(renewed.status).toBe(200);
      expect((await call(second, 'GET', '/v1.0/me/events', { token: renewed.body.access_token })).status).toBe(200);
      // The revocation holds.
      const revoked = await refresh(second, app, revokedTokens.refresh_token!);
      expect(revoked.status).toBe(400);
      // Consent is remembered: prompt=none signs in without the consent page.
      const verifier = randomBytes(32).toString('base64url');
      const authorize = await fetch(
        `${second.baseUrl}/common/oauth2/v2.0/authorize?${new URLSearchParams({
          client_id: app.clientId,
          response_type: 'code',
          redirect_uri: REDIRECT,
          scope: 'https://graph.microsoft.com/Calendars.ReadWrite offline_access',
          code_challenge: createHash('sha256').update(verifier).digest('base64url'),
          code_challenge_method: 'S256',
          login_hint: adele,
          prompt: 'none',
        })}`,
        { redirect: 'manual' },
      );
      expect(authorize.status).toBe(302);
      expect(new URL(authorize.headers.get('location')!).searchParams.get('code')).toBeTruthy();
      // The admin consent (application permission) is remembered.
      const appJwt = (await appToken(second.baseUrl, app, tenantId)).access_token;
      const roles = JSON.parse(Buffer.from(appJwt.split('.')[1]!, 'base64url').toString()) as { roles: string[] };
      expect(roles.roles).toEqual(['Calendars.Read']);
      // The subscription is still there.
      const subs = await call(second, 'GET', '/v1.0/subscriptions', { token: tokens.access_token });
      expect(subs.body.value.map((s: { id: string }) => s.id)).toEqual([sub.body.id]);
      // The clock offset was kept; the old access token expires as it would have.
      expect(second.clock.offset).toBe(60_000);
      await call(second, 'POST', '/_emulator/clock', { json: { advanceMs: 3600_000 } });
      expect((await call(second, 'GET', '/v1.0/me/events', { token: tokens.access_token })).status).toBe(401);
    } finally {
      await second.close();
    }
  });

  it('after a restart that lost the last changes, a delta token issued before it still finds the new changes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'emu-persist-lost-'));
    // the state is written only when told to (or on close), as if the process died before its timer fired
    const first = await startEmulator({ quiet: true, minimalSeed: true, dataDir, persist: { delayMs: 3_600_000 } });
    untrust = trustEmulatorCa(first.caPem);
    const [adele] = first.users as [string];
    const registered = await call(first, 'POST', '/_emulator/apps', { json: { redirectUris: [REDIRECT] } });
    const app = registered.body as { clientId: string; clientSecret: string; redirectUris: string[] };
    const tokens = await userToken(first.baseUrl, app, adele);
    const event = (subject: string, day: number) => ({
      token: tokens.access_token,
      json: {
        subject,
        start: { dateTime: `2030-04-0${day}T10:00:00`, timeZone: 'UTC' },
        end: { dateTime: `2030-04-0${day}T11:00:00`, timeZone: 'UTC' },
      },
    });
    expect((await call(first, 'POST', '/v1.0/me/events', event('Saved', 1))).status).toBe(201);
    const full = await call(first, 'GET', `/v1.0/me/calendarView/delta?${WINDOW}`, { token: tokens.access_token });
    const saved = String(full.body['@odata.deltaLink']).replace(/^https:\/\/[^/]+/, '');
    first.saveState();
    const stateFile = join(dataDir, 'microsoft-state.json');
    const savedState = readFileSync(stateFile);
    // a change after the save, seen by the client, whose new delta token is then ahead of the saved state
    expect((await call(first, 'POST', '/v1.0/me/events', event('Lost', 2))).status).toBe(201);
    const seen = await call(first, 'GET', saved, { token: tokens.access_token });
    expect(seen.body.value.map((e: { subject: string }) => e.subject)).toEqual(['Lost']);
    const ahead = String(seen.body['@odata.deltaLink']).replace(/^https:\/\/[^/]+/, '');
    await first.close();
    writeFileSync(stateFile, savedState); // the kill: what close() wrote is lost

    const second = await startEmulator({ quiet: true, minimalSeed: true, dataDir, persist: true });
    try {
      expect(second.restored).toBe(true);
      expect((await call(second, 'POST', '/v1.0/me/events', event('After the restart', 3))).status).toBe(201);
      for (const link of [ahead, saved]) {
        const inc = await call(second, 'GET', link, { token: tokens.access_token });
        expect(inc.status).toBe(200);
        expect(inc.body.value.map((e: { subject: string }) => e.subject)).toEqual(['After the restart']);
      }
    } finally {
      await second.close();
    }
  });

  it('refuses a state file it did not write, naming it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'emu-badstate-'));
    writeFileSync(join(dataDir, 'microsoft-state.json'), JSON.stringify({ format: 'something else' }));
    await expect(startEmulator({ quiet: true, minimalSeed: true, dataDir, persist: true })).rejects.toThrow(
      /microsoft-state\.json is not a state file/,
    );
  });

  it('writes nothing without persist', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'emu-nopersist-'));
    const emu = await startEmulator({ quiet: true, minimalSeed: true, autoConsent: true, dataDir });
    untrust();
    untrust = trustEmulatorCa(emu.caPem);
    const { access_token } = await userToken(emu.baseUrl, emu.app, emu.users[0]!);
    await call(emu, 'POST', '/v1.0/me/events', {
      token: access_token,
      json: {
        subject: 'Gone after close',
        start: { dateTime: '2030-03-04T10:00:00', timeZone: 'UTC' },
        end: { dateTime: '2030-03-04T11:00:00', timeZone: 'UTC' },
      },
    });
    expect(emu.stateFile).toBeNull();
    await emu.close();
    expect(readdirSync(dataDir).filter((f) => f.endsWith('.json') || f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('settable clock', () => {
  it('starts at the `now` option and is set by POST /_emulator/clock {now}', async () => {
    const emu = await startEmulator({
      quiet: true,
      minimalSeed: true,
      autoConsent: true,
      dataDir: mkdtempSync(join(tmpdir(), 'emu-clock-')),
      now: '2026-12-12T10:00:00Z',
    });
    untrust();
    untrust = trustEmulatorCa(emu.caPem);
    try {
      const started = Date.parse((await call(emu, 'GET', '/_emulator/clock')).body.now);
      expect(Math.abs(started - Date.parse('2026-12-12T10:00:00Z'))).toBeLessThan(60_000);
      const set = await call(emu, 'POST', '/_emulator/clock', { json: { now: '2027-03-01T09:00:00Z' } });
      expect(set.status).toBe(200);
      expect(Math.abs(Date.parse(set.body.now) - Date.parse('2027-03-01T09:00:00Z'))).toBeLessThan(1000);
      expect(set.body.offsetMs).toBe(emu.clock.offset);
      expect((await call(emu, 'POST', '/_emulator/clock', { json: { now: 'soon' } })).status).toBe(400);
      expect((await call(emu, 'POST', '/_emulator/clock', { json: { now: 1, advanceMs: 1 } })).status).toBe(400);
      // Graph behaves as of that instant: a new event is created "now".
      const { access_token } = await userToken(emu.baseUrl, emu.app, emu.users[0]!);
      const ev = await call(emu, 'POST', '/v1.0/me/events', {
        token: access_token,
        json: {
          subject: 'Created in March 2027',
          start: { dateTime: '2027-03-02T10:00:00', timeZone: 'UTC' },
          end: { dateTime: '2027-03-02T11:00:00', timeZone: 'UTC' },
        },
      });
      expect(ev.status).toBe(201);
      expect(String(ev.body.createdDateTime).slice(0, 13)).toBe('2027-03-01T09');
    } finally {
      await emu.close();
    }
  });
});
