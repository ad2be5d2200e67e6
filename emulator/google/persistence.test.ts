// The Google emulator's `persist` option over HTTPS: a restarted emulator on the same data dir keeps apps, grants,
// tokens, events, sync tokens and the clock offset; without it nothing is written. Plus the settable clock.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { startGoogleEmulator, type RunningGoogleEmulator } from './server.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
const REDIRECT = 'http://localhost:4000/google/callback';
const agents: Agent[] = [];
afterAll(async () => {
  for (const a of agents) await a.close();
});

function client(emu: RunningGoogleEmulator) {
  const agent = new Agent({ connect: { ca: emu.caPem } });
  agents.push(agent);
  return async (method: string, path: string, opts: { token?: string; json?: unknown; form?: Json } = {}) => {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(opts.form).toString();
    }
    const res = await fetch(`${emu.baseUrl}${path}`, { method, headers, body, dispatcher: agent, redirect: 'manual' });
    const text = await res.text();
    return {
      status: res.status,
      location: res.headers.get('location'),
      json: (text.startsWith('{') ? JSON.parse(text) : null) as Json,
    };
  };
}

describe('Google emulator persist', () => {
  it('restarts on the same data dir with the app, its refresh and access tokens, events and sync tokens', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gemu-persist-'));
    const first = await startGoogleEmulator({ quiet: true, minimalSeed: true, dataDir, persist: { delayMs: 20 } });
    expect(first.stateFile).toBe(join(dataDir, 'google-state.json'));
    expect(first.restored).toBe(false);
    let req = client(first);
    const app = (await req('POST', '/_emulator/apps', { json: { redirectUris: [REDIRECT] } })).json as {
      clientId: string;
      clientSecret: string;
    };
    // The real flow: consent page clicked through, PKCE, offline access.
    const verifier = randomBytes(32).toString('base64url');
    const q = {
      client_id: app.clientId,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'openid email https://www.googleapis.com/auth/calendar',
      access_type: 'offline',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    };
    const back = await req('POST', '/o/oauth2/v2/auth/consent', {
      form: { ...q, account: first.users[0]!, decision: 'allow' },
    });
    const code = new URL(back.location!).searchParams.get('code')!;
    const tok = await req('POST', '/token', {
      form: {
        client_id: app.clientId,
        client_secret: app.clientSecret,
        redirect_uri: REDIRECT,
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
      },
    });
    expect(tok.status).toBe(200);
    const access = String(tok.json.access_token);
    const refresh = String(tok.json.refresh_token);
    const made = await req('POST', '/calendar/v3/calendars/primary/events', {
      token: access,
      json: {
        summary: 'Survives a restart',
        // Inside events.list's default window (a year back, two ahead).
        start: { dateTime: new Date(first.clock.now() + 7 * 86_400_000).toISOString() },
        end: { dateTime: new Date(first.clock.now() + 7 * 86_400_000 + 3600_000).toISOString() },
      },
    });
    expect(made.status).toBe(200);
    const full = await req('GET', '/calendar/v3/calendars/primary/events?maxResults=2500', { token: access });
    const syncToken = String(full.json.nextSyncToken);
    await req('POST', '/_emulator/clock', { json: { advanceMs: 60_000 } });
    // Written shortly after the change, not only on close.
    await new Promise((r) => setTimeout(r, 150));
    expect(readFileSync(join(dataDir, 'google-state.json'), 'utf8')).toContain('Survives a restart');
    await first.close();

    const second = await startGoogleEmulator({ quiet: true, minimalSeed: true, dataDir, persist: true });
    try {
      expect(second.restored).toBe(true);
      req = client(second);
      // The old access token works and the event is there.
      const list = await req('GET', '/calendar/v3/calendars/primary/events?maxResults=2500', { token: access });
      expect(list.status).toBe(200);
      expect(list.json.items.map((e: { id: string }) => e.id)).toContain(made.json.id);
      // The sync token issued before the restart goes on working (no full resync).
      const inc = await req('GET', `/calendar/v3/calendars/primary/events?syncToken=${encodeURIComponent(syncToken)}`, {
        token: access,
      });
      expect(inc.status).toBe(200);
      expect(inc.json.items).toEqual([]);
      // The refresh token redeems with the registered app's secret.
      const renewed = await req('POST', '/token', {
        form: {
          client_id: app.clientId,
          client_secret: app.clientSecret,
          grant_type: 'refresh_token',
          refresh_token: refresh,
        },
      });
      expect(renewed.status).toBe(200);
      expect((await req('GET', '/v1/userinfo', { token: String(renewed.json.access_token) })).json.email).toBe(
        second.users[0],
      );
      expect(second.clock.offset).toBe(60_000);
      // The old access token expires when it would have (3599 s after it was issued).
      await req('POST', '/_emulator/clock', { json: { advanceMs: 3600_000 } });
      expect((await req('GET', '/calendar/v3/calendars/primary/events', { token: access })).status).toBe(401);
    } finally {
      await second.close();
    }
  });

  it('after a restart that lost the last changes, a sync token given out before it still finds the new changes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gemu-persist-lost-'));
    // the state is written only when told to (or on close), as if the process died before its timer fired
    const first = await startGoogleEmulator({
      quiet: true,
      minimalSeed: true,
      dataDir,
      persist: { delayMs: 3_600_000 },
    });
    const token = first.oauth.mint(first.users[0]!, first.app.clientId, ['https://www.googleapis.com/auth/calendar']);
    let req = client(first);
    const event = (summary: string, day: number) => ({
      token,
      json: {
        summary,
        start: { dateTime: new Date(first.clock.now() + day * 86_400_000).toISOString() },
        end: { dateTime: new Date(first.clock.now() + day * 86_400_000 + 3600_000).toISOString() },
      },
    });
    const list = (syncToken: string) =>
      req('GET', `/calendar/v3/calendars/primary/events?syncToken=${encodeURIComponent(syncToken)}`, { token });
    expect((await req('POST', '/calendar/v3/calendars/primary/events', event('Saved', 7))).status).toBe(200);
    const full = await req('GET', '/calendar/v3/calendars/primary/events?maxResults=2500', { token });
    const saved = String(full.json.nextSyncToken);
    first.saveState();
    const stateFile = join(dataDir, 'google-state.json');
    const savedState = readFileSync(stateFile);
    // a change after the save, seen by the client, whose next sync token is then ahead of the saved state
    expect((await req('POST', '/calendar/v3/calendars/primary/events', event('Lost', 8))).status).toBe(200);
    const seen = await list(saved);
    expect(seen.json.items.map((e: { summary: string }) => e.summary)).toEqual(['Lost']);
    const ahead = String(seen.json.nextSyncToken);
    await first.close();
    writeFileSync(stateFile, savedState); // the kill: what close() wrote is lost

    const second = await startGoogleEmulator({ quiet: true, minimalSeed: true, dataDir, persist: true });
    try {
      expect(second.restored).toBe(true);
      req = client(second);
      expect((await req('POST', '/calendar/v3/calendars/primary/events', event('After the restart', 9))).status).toBe(
        200,
      );
      for (const t of [ahead, saved]) {
        const inc = await list(t);
        expect(inc.status).toBe(200);
        expect(inc.json.items.map((e: { summary: string }) => e.summary)).toEqual(['After the restart']);
      }
    } finally {
      await second.close();
    }
  });

  it('writes nothing without persist', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gemu-nopersist-'));
    const emu = await startGoogleEmulator({ quiet: true, minimalSeed: true, dataDir });
    const token = emu.oauth.mint(emu.users[0]!, emu.app.clientId, ['https://www.googleapis.com/auth/calendar']);
    const made = await client(emu)('POST', '/calendar/v3/calendars/primary/events', {
      token,
      json: { summary: 'Gone', start: { dateTime: '2030-01-05T10:00:00Z' }, end: { dateTime: '2030-01-05T11:00:00Z' } },
    });
    expect(made.status).toBe(200);
    expect(emu.stateFile).toBeNull();
    await emu.close();
    expect(readdirSync(dataDir).filter((f) => f.endsWith('.json') || f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('Google emulator clock', () => {
  it('starts at the `now` option and is set by POST /_emulator/clock {now}', async () => {
    const emu = await startGoogleEmulator({
      quiet: true,
      minimalSeed: true,
      dataDir: mkdtempSync(join(tmpdir(), 'gemu-clock-')),
      now: '2026-12-12T10:00:00Z',
    });
    const req = client(emu);
    try {
      const health = await req('GET', '/_emulator/health');
      expect(Math.abs(Date.parse(health.json.now) - Date.parse('2026-12-12T10:00:00Z'))).toBeLessThan(60_000);
      const set = await req('POST', '/_emulator/clock', { json: { now: '2027-03-01T09:00:00Z' } });
      expect(set.status).toBe(200);
      expect(Math.abs(Date.parse(set.json.now) - Date.parse('2027-03-01T09:00:00Z'))).toBeLessThan(1000);
      expect((await req('GET', '/_emulator/clock')).json.offsetMs).toBe(emu.clock.offset);
      expect((await req('POST', '/_emulator/clock', { json: {} })).status).toBe(400);
      // The Calendar API behaves as of that instant: a new event is created "now".
      const token = emu.oauth.mint(emu.users[0]!, emu.app.clientId, ['https://www.googleapis.com/auth/calendar']);
      const made = await req('POST', '/calendar/v3/calendars/primary/events', {
        token,
        json: {
          summary: 'Created in March 2027',
          start: { dateTime: '2027-03-02T10:00:00Z' },
          end: { dateTime: '2027-03-02T11:00:00Z' },
        },
      });
      expect(made.status).toBe(200);
      expect(String(made.json.created).slice(0, 13)).toBe('2027-03-01T09');
    } finally {
      await emu.close();
    }
  });
});
