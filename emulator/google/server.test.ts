// The Google emulator over HTTPS: consent page clicked through, PKCE, refresh and revocation, sync tokens,
// instances, push channels, faults and the admin API.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundaryOf, parseHttpMessage, splitMultipart } from './batch.js';
import type { RunningGoogleEmulator } from './server.js';
import { startGoogleTestEmulator, type GoogleTestEmulator } from './testing.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

let emu: RunningGoogleEmulator;
let agent: Agent;
let harness: GoogleTestEmulator;
const REDIRECT = 'http://localhost:3000/api/integrations/google/callback';

const req = async (
  method: string,
  path: string,
  opts: { token?: string; json?: unknown; form?: Record<string, string> } = {},
) => {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  }
  const res = await fetch(`${emu.baseUrl}${path}`, { method, headers, body, dispatcher: agent, redirect: 'manual' });
  const text = await res.text();
  return {
    status: res.status,
    location: res.headers.get('location'),
    text,
    json: text.startsWith('{') ? (JSON.parse(text) as Json) : null,
  };
};

/** Clicks through the consent page as `account`; returns the code and its PKCE verifier. */
async function consent(account: string): Promise<{ code: string; verifier: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const q = {
    client_id: emu.app.clientId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid email https://www.googleapis.com/auth/calendar',
    access_type: 'offline',
    state: 'st1',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  };
  const page = await req('GET', `/o/oauth2/v2/auth?${new URLSearchParams(q).toString()}`);
  expect(page.status).toBe(200);
  expect(page.text).toContain('name="decision" value="allow"');
  const back = await req('POST', '/o/oauth2/v2/auth/consent', { form: { ...q, account, decision: 'allow' } });
  expect(back.status).toBe(302);
  const loc = new URL(back.location!);
  expect(loc.searchParams.get('state')).toBe('st1');
  return { code: loc.searchParams.get('code')!, verifier };
}

const redeem = (code: string, verifier?: string) =>
  req('POST', '/token', {
    form: {
      client_id: emu.app.clientId,
      client_secret: emu.app.clientSecret,
      redirect_uri: REDIRECT,
      grant_type: 'authorization_code',
      code,
      ...(verifier ? { code_verifier: verifier } : {}),
    },
  });

beforeAll(async () => {
  // The push test's receiver is plain http on loopback: the explicit loopback mode (Google requires https).
  harness = await startGoogleTestEmulator({ seed: 3, allowHttpNotifications: true, minimalSeed: false });
  ({ emu, agent } = harness);
});
afterAll(async () => {
  await harness?.close();
});

describe('Google emulator', () => {
  it('signs in through the consent page with PKCE; a code works once; revocation ends the refresh token', async () => {
    const first = await consent('adele.vance@contoso.com');
    expect((await redeem(first.code, 'wrong-verifier-wrong-verifier-wrong-verifier')).json?.error).toBe(
      'invalid_grant',
    );
    // The failed attempt consumed the code: it cannot be redeemed again.
    expect((await redeem(first.code, first.verifier)).json).toEqual({
      error: 'invalid_grant',
      error_description: 'Bad Request',
    });
    const { code, verifier } = await consent('adele.vance@contoso.com');
    const tok = await redeem(code, verifier);
    expect(tok.status).toBe(200);
    expect(tok.json).toMatchObject({
      token_type: 'Bearer',
      refresh_token: expect.stringMatching(/^1\/\//),
      id_token: expect.any(String),
    });
    const claims = JSON.parse(Buffer.from(String(tok.json!.id_token).split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(claims).toMatchObject({
      email: 'adele.vance@contoso.com',
      hd: 'contoso.com',
      iss: emu.baseUrl,
      aud: emu.app.clientId,
    });
    const refresh = {
      client_id: emu.app.clientId,
      client_secret: emu.app.clientSecret,
      grant_type: 'refresh_token',
      refresh_token: String(tok.json!.refresh_token),
    };
    const again = await req('POST', '/token', { form: refresh });
    expect(again.status).toBe(200);
    expect(
      (await req('GET', '/calendar/v3/users/me/calendarList', { token: String(again.json!.access_token) })).status,
    ).toBe(200);
    expect((await req('POST', '/_emulator/revoke', { json: { email: 'adele.vance@contoso.com' } })).json).toMatchObject(
      { revoked: expect.any(Number) },
    );
    expect((await req('POST', '/token', { form: refresh })).json).toEqual({
      error: 'invalid_grant',
      error_description: 'Token has been expired or revoked.',
    });
    expect(
      (await req('GET', '/calendar/v3/users/me/calendarList', { token: String(again.json!.access_token) })).status,
    ).toBe(401);
  });

  it('a declined consent redirects with error=access_denied and the state', async () => {
    const q = {
      client_id: emu.app.clientId,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'openid',
      state: 'keep-me',
    };
    const back = await req('POST', '/o/oauth2/v2/auth/consent', { form: { ...q, decision: 'deny' } });
    const loc = new URL(back.location!);
    expect([loc.searchParams.get('error'), loc.searchParams.get('state')]).toEqual(['access_denied', 'keep-me']);
  });

  it('seeds a series with EXDATEs whose instances skip the excluded weeks, and syncs incrementally', async () => {
    const token = emu.oauth.mint('megan.bowen@contoso.com', emu.app.clientId, [
      'https://www.googleapis.com/auth/calendar',
    ]);
    const list = await req('GET', '/calendar/v3/calendars/primary/events?q=Weekly%20team%20sync', { token });
    const master = (list.json!.items as Array<{ id: string; recurrence?: string[] }>).find((e) => e.recurrence)!;
    expect(master.recurrence!.some((l) => l.startsWith('EXDATE;TZID=America/New_York:'))).toBe(true);
    const inst = await req('GET', `/calendar/v3/calendars/primary/events/${master.id}/instances?maxResults=100`, {
      token,
    });
    expect(inst.json!.items).toHaveLength(24); // COUNT=26 minus two EXDATEs
    const full = await req('GET', '/calendar/v3/calendars/primary/events?singleEvents=true&maxResults=2500', { token });
    const syncToken = String(full.json!.nextSyncToken);
    const made = await req('POST', '/calendar/v3/calendars/primary/events', {
      token,
      json: { summary: 'New', start: { dateTime: '2027-01-05T10:00:00Z' }, end: { dateTime: '2027-01-05T11:00:00Z' } },
    });
    await req('DELETE', `/calendar/v3/calendars/primary/events/${made.json!.id}`, { token });
    const inc = await req('GET', `/calendar/v3/calendars/primary/events?syncToken=${encodeURIComponent(syncToken)}`, {
      token,
    });
    expect(inc.json!.items).toEqual([
      { kind: 'calendar#event', etag: expect.any(String), id: made.json!.id, status: 'cancelled' },
    ]);
    await req('POST', '/_emulator/sync-tokens/invalidate', { json: {} });
    expect(
      (await req('GET', `/calendar/v3/calendars/primary/events?syncToken=${encodeURIComponent(syncToken)}`, { token }))
        .status,
    ).toBe(410);
  });

  it('pushes sync then exists messages to a watch channel; channels.stop ends them', async () => {
    const posts: IncomingHttpHeaders[] = [];
    const receiver = createServer((r, s) => {
      posts.push(r.headers);
      r.resume();
      s.end();
    });
    await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', ok));
    const token = emu.oauth.mint('alex.wilber@contoso.com', emu.app.clientId, [
      'https://www.googleapis.com/auth/calendar',
    ]);
    const ch = await req('POST', '/calendar/v3/calendars/primary/events/watch', {
      token,
      json: {
        id: 'chan-1',
        type: 'web_hook',
        address: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
        token: 'secret-state',
      },
    });
    expect(ch.json).toMatchObject({
      kind: 'api#channel',
      id: 'chan-1',
      resourceId: expect.any(String),
      expiration: expect.stringMatching(/^\d+$/),
    });
    await req('POST', '/calendar/v3/calendars/primary/events', {
      token,
      json: { summary: 'Ping', start: { date: '2027-02-01' }, end: { date: '2027-02-02' } },
    });
    await expect.poll(() => posts.length).toBe(2);
    expect(
      posts.map((h) => [h['x-goog-resource-state'], h['x-goog-message-number'], h['x-goog-channel-token']]),
    ).toEqual([
      ['sync', '1', 'secret-state'],
      ['exists', '2', 'secret-state'],
    ]);
    expect(
      (
        await req('POST', '/calendar/v3/channels/stop', {
          token,
          json: { id: 'chan-1', resourceId: ch.json!.resourceId },
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await req('POST', '/calendar/v3/channels/stop', {
          token,
          json: { id: 'chan-1', resourceId: ch.json!.resourceId },
        })
      ).status,
    ).toBe(404);
    await new Promise<void>((ok) => receiver.close(() => ok()));
  });

  it('lists room calendars as freeBusyReader entries, which minAccessRole=reader leaves out', async () => {
    const token = emu.oauth.mint('megan.bowen@contoso.com', emu.app.clientId, [
      'https://www.googleapis.com/auth/calendar',
    ]);
    type Entry = { id: string; accessRole: string; primary?: boolean };
    const all = (await req('GET', '/calendar/v3/users/me/calendarList', { token })).json!.items as Entry[];
    const rooms = all.filter((c) => c.accessRole === 'freeBusyReader');
    expect(rooms.length).toBeGreaterThan(0);
    expect(all.find((c) => c.primary)).toMatchObject({ id: 'megan.bowen@contoso.com', accessRole: 'owner' });
    const readable = await req('GET', '/calendar/v3/users/me/calendarList?minAccessRole=reader', { token });
    expect((readable.json!.items as Entry[]).map((c) => c.accessRole)).toEqual(['owner']);
    expect((await req('GET', '/calendar/v3/users/me/calendarList?minAccessRole=boss', { token })).status).toBe(400);
  });

  it('runs a multipart batch in order; a second change of the same event conflicts (409)', async () => {
    const token = emu.oauth.mint('megan.bowen@contoso.com', emu.app.clientId, [
      'https://www.googleapis.com/auth/calendar',
    ]);
    const part = (n: number, line: string, body?: unknown) =>
      [
        '--xyz',
        'Content-Type: application/http',
        `Content-ID: <p${n}>`,
        '',
        line,
        ...(body === undefined ? [''] : ['Content-Type: application/json', '', JSON.stringify(body)]),
      ].join('\r\n');
    const batch = async (parts: string[], contentType = 'multipart/mixed; boundary=xyz') => {
      const res = await fetch(`${emu.baseUrl}/batch/calendar/v3`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
        body: `${parts.join('\r\n')}\r\n--xyz--\r\n`,
        dispatcher: agent,
      });
      const text = await res.text();
      const b = boundaryOf(res.headers.get('content-type') ?? '');
      return { status: res.status, text, answers: b ? splitMultipart(text, b) : [] };
    };
    const created = await batch([
      part(1, 'POST /calendar/v3/calendars/primary/events', {
        summary: 'Batched',
        start: { dateTime: '2026-03-03T10:00:00Z' },
        end: { dateTime: '2026-03-03T11:00:00Z' },
      }),
      part(2, 'GET /calendar/v3/calendars/primary/events/doesnotexist'),
    ]);
    expect(created.status).toBe(200);
    expect(created.answers.map((a) => a.headers['content-id'])).toEqual(['<response-p1>', '<response-p2>']);
    const [ok, missing] = created.answers.map((a) => parseHttpMessage(a.body));
    expect(ok!.startLine).toMatch(/^HTTP\/1\.1 200/);
    const id = (JSON.parse(ok!.body) as { id: string }).id;
    expect(missing!.startLine).toMatch(/^HTTP\/1\.1 404/);
    const path = `/calendar/v3/calendars/primary/events/${id}`;
    const twice = await batch([
      part(1, `PATCH ${path}`, { summary: 'One' }),
      part(2, `PATCH ${path}`, { summary: 'Two' }),
    ]);
    const [first, second] = twice.answers.map((a) => parseHttpMessage(a.body));
    expect(first!.startLine).toMatch(/^HTTP\/1\.1 200/);
    expect(second!.startLine).toMatch(/^HTTP\/1\.1 409/);
    expect(JSON.parse(second!.body)).toEqual({
      error: {
        errors: [{ domain: 'global', reason: 'conflict', message: 'Conflict' }],
        code: 409,
        message: 'Conflict',
      },
    });
    expect((await req('GET', path, { token })).json!.summary).toBe('One');
    expect((await batch([part(1, `GET ${path}`)], 'application/json')).status).toBe(400);
  });

  it('throttles with 403 rateLimitExceeded when asked, and counts requests per route', async () => {
    const token = emu.oauth.mint('lynne.robbins@contoso.com', emu.app.clientId, [
      'https://www.googleapis.com/auth/calendar',
    ]);
    expect(
      (
        await req('PATCH', '/_emulator/faults', {
          json: { throttle: { enabled: true, requestsPerWindow: 1, windowSeconds: 60 } },
        })
      ).status,
    ).toBe(200);
    expect((await req('GET', '/calendar/v3/users/me/calendarList', { token })).status).toBe(200);
    const refused = await req('GET', '/calendar/v3/users/me/calendarList', { token });
    expect(refused.status).toBe(403);
    expect(refused.json!.error.errors[0]).toEqual({
      domain: 'usageLimits',
      reason: 'rateLimitExceeded',
      message: 'Rate Limit Exceeded',
    });
    expect((await req('PATCH', '/_emulator/faults', { json: { throttle: { status: 418 } } })).status).toBe(400);
    await req('PATCH', '/_emulator/faults', { json: { throttle: { enabled: false } } });
    const counts = (await req('GET', '/_emulator/requests')).json!.counters;
    expect(counts.byRoute['GET /calendar/v3/users/me/calendarList']).toBeGreaterThanOrEqual(2);
    expect(counts.byFault.throttle).toBeGreaterThanOrEqual(1);
  });
});
