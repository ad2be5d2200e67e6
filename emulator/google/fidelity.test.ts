// The Google emulator as the Calendar API v3 reference and Google's OAuth 2.0 pages describe it, beyond the shared
// examples: the front end's error bodies, push channel errors, conditional requests, calendarList incremental sync,
// deleted events (kept details, undelete, cancelled instances), and the token and revocation endpoints' errors.
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGoogleEmulator } from './server.js';
import { startGoogleTestEmulator, type GoogleTestEmulator } from './testing.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

let emu: RunningGoogleEmulator;
let agent: Agent;
let harness: GoogleTestEmulator;

const ADELE = 'adele.vance@contoso.com';
const MEGAN = 'megan.bowen@contoso.com';
const CALENDAR = 'https://www.googleapis.com/auth/calendar';
const tokenOf = (user: string, scopes = [CALENDAR], clientId = emu.app.clientId) =>
  emu.oauth.mint(user, clientId, scopes);

async function raw(
  method: string,
  path: string,
  opts: { token?: string | null; json?: unknown; headers?: Record<string, string>; form?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...opts.headers };
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
  const res = await fetch(`${emu.baseUrl}${path}`, { method, headers, body, dispatcher: agent });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: (text.startsWith('{') ? JSON.parse(text) : null) as Json | null,
  };
}

const call = (user: string, method: string, path: string, json?: unknown, headers?: Record<string, string>) =>
  raw(method, `/calendar/v3${path}`, { token: tokenOf(user), json, headers });

let slot = 0;
const at = () => {
  // Within events.list's default window (a year back, two ahead of the emulator clock).
  const start = Math.ceil(emu.clock.now() / 3_600_000) * 3_600_000 + 10 * 86_400_000 + slot++ * 3_600_000;
  return {
    start: { dateTime: new Date(start).toISOString() },
    end: { dateTime: new Date(start + 1_800_000).toISOString() },
  };
};

beforeAll(async () => {
  // Google's rules, not the loopback mode: watch addresses must be https.
  harness = await startGoogleTestEmulator();
  ({ emu, agent } = harness);
});
afterAll(async () => {
  await harness?.close();
});

describe('Google emulator: error bodies of the front end', () => {
  it('answers 401 required without credentials and 401 authError for a bad token, with status UNAUTHENTICATED', async () => {
    const none = await raw('GET', '/calendar/v3/users/me/calendarList', { token: null });
    expect(none.status).toBe(401);
    expect(none.json!.error).toMatchObject({
      code: 401,
      status: 'UNAUTHENTICATED',
      message: expect.stringMatching(/^Request is missing required authentication credential\./),
      errors: [
        {
          domain: 'global',
          reason: 'required',
          message: 'Login Required.',
          location: 'Authorization',
          locationType: 'header',
        },
      ],
    });
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
    const bad = await raw('GET', '/calendar/v3/users/me/calendarList', { token: 'ya29.not-a-token' });
    expect(bad.status).toBe(401);
    expect(bad.json!.error).toMatchObject({
      code: 401,
      status: 'UNAUTHENTICATED',
      message: expect.stringMatching(/^Request had invalid authentication credentials\./),
      errors: [{ reason: 'authError', message: 'Invalid Credentials', location: 'Authorization' }],
    });
    expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('answers 403 insufficientPermissions with status PERMISSION_DENIED for a token without a calendar scope', async () => {
    const t = tokenOf(ADELE, ['https://www.googleapis.com/auth/calendar.freebusy']);
    const res = await raw('GET', '/calendar/v3/calendars/primary/events', { token: t });
    expect(res.status).toBe(403);
    expect(res.json!.error).toEqual({
      code: 403,
      status: 'PERMISSION_DENIED',
      message: 'Request had insufficient authentication scopes.',
      errors: [{ domain: 'global', reason: 'insufficientPermissions', message: 'Insufficient Permission' }],
    });
  });
});

describe('Google emulator: push channel errors', () => {
  it('refuses a watch address that is not https (400 push.webhookUrlNotHttps)', async () => {
    const res = await call(ADELE, 'POST', '/calendars/primary/events/watch', {
      id: 'http-channel-1',
      type: 'web_hook',
      address: 'http://127.0.0.1:9/hook',
    });
    expect(res.status).toBe(400);
    expect(res.json!.error.errors[0]).toMatchObject({
      domain: 'global',
      reason: 'push.webhookUrlNotHttps',
      message: 'WebHook callback must be HTTPS: http://127.0.0.1:9/hook',
    });
    expect(emu.channels.active.has('http-channel-1')).toBe(false);
  });

  it('refuses a channel id the project used before, also after channels.stop (400 channelIdNotUnique)', async () => {
    const body = { id: 'reused-channel-1', type: 'web_hook', address: 'https://127.0.0.1:9/hook' };
    const first = await call(ADELE, 'POST', '/calendars/primary/events/watch', body);
    expect(first.status).toBe(200);
    const twice = await call(ADELE, 'POST', '/calendars/primary/events/watch', body);
    expect(twice.status).toBe(400);
    expect(twice.json!.error.errors[0]).toMatchObject({ reason: 'channelIdNotUnique' });
    const stop = await call(ADELE, 'POST', '/channels/stop', { id: body.id, resourceId: first.json!.resourceId });
    expect(stop.status).toBe(204);
    const afterStop = await call(ADELE, 'POST', '/calendars/primary/events/watch', body);
    expect(afterStop.status).toBe(400);
    expect(afterStop.json!.error.errors[0].reason).toBe('channelIdNotUnique');
    // Ids are unique within a project: another OAuth client may use the same one.
    const other = emu.registerApp({ redirectUris: ['https://other.example/cb'] });
    const elsewhere = await raw('POST', '/calendar/v3/calendars/primary/events/watch', {
      token: tokenOf(ADELE, [CALENDAR], other.clientId),
      json: body,
    });
    expect(elsewhere.status).toBe(200);
  });
});

describe('Google emulator: conditional requests', () => {
  it('answers 304 without a body when If-None-Match names the current etag (events.get, events.list)', async () => {
    const made = await call(ADELE, 'POST', '/calendars/primary/events', { summary: 'Etag', ...at() });
    const etag = String(made.json!.etag);
    const path = `/calendars/primary/events/${String(made.json!.id)}`;
    const same = await call(ADELE, 'GET', path, undefined, { 'if-none-match': etag });
    expect(same.status).toBe(304);
    expect(same.text).toBe('');
    expect(same.headers.get('etag')).toBe(etag);
    const changed = await call(ADELE, 'PATCH', path, { summary: 'Etag changed' });
    const fresh = await call(ADELE, 'GET', path, undefined, { 'if-none-match': etag });
    expect(fresh.status).toBe(200);
    expect(fresh.json).toMatchObject({ summary: 'Etag changed', etag: changed.json!.etag });
    const list = await call(ADELE, 'GET', '/calendars/primary/events');
    const again = await call(ADELE, 'GET', '/calendars/primary/events', undefined, {
      'if-none-match': String(list.json!.etag),
    });
    expect(again.status).toBe(304);
  });

  it('answers 304 for calendars.get and calendarList.get with their etag; a stale If-Match write is 412', async () => {
    const cal = await call(ADELE, 'GET', '/calendars/primary');
    expect(
      (await call(ADELE, 'GET', '/calendars/primary', undefined, { 'if-none-match': String(cal.json!.etag) })).status,
    ).toBe(304);
    const entry = await call(ADELE, 'GET', '/users/me/calendarList/primary');
    const cond = await call(ADELE, 'GET', '/users/me/calendarList/primary', undefined, {
      'if-none-match': String(entry.json!.etag),
    });
    expect(cond.status).toBe(304);
    const made = await call(ADELE, 'POST', '/calendars/primary/events', { summary: 'If-Match', ...at() });
    const path = `/calendars/primary/events/${String(made.json!.id)}`;
    await call(ADELE, 'PATCH', path, { summary: 'someone else' });
    const stale = await call(ADELE, 'PATCH', path, { summary: 'mine' }, { 'if-match': String(made.json!.etag) });
    expect(stale.status).toBe(412);
    expect(stale.json!.error.errors[0].reason).toBe('conditionNotMet');
  });
});

describe('Google emulator: calendarList incremental sync', () => {
  it('a syncToken gives the entries added or changed since, and removed ones as deleted: true', async () => {
    const full = await call(MEGAN, 'GET', '/users/me/calendarList');
    expect(full.status).toBe(200);
    const token = String(full.json!.nextSyncToken);
    const quiet = await call(MEGAN, 'GET', `/users/me/calendarList?syncToken=${token}`);
    expect(quiet.status).toBe(200);
    expect(quiet.json!.items).toEqual([]);
    // Adele shares her primary calendar with Megan as reader, and Megan creates a calendar of her own.
    await call(ADELE, 'POST', '/calendars/primary/acl', { role: 'reader', scope: { type: 'user', value: MEGAN } });
    const own = await call(MEGAN, 'POST', '/calendars', { summary: 'Sync me' });
    const inc = await call(MEGAN, 'GET', `/users/me/calendarList?syncToken=${token}`);
    expect(inc.status).toBe(200);
    expect((inc.json!.items as Json[]).map((e) => [e.id, e.accessRole, e.deleted ?? false]).sort()).toEqual(
      [
        [ADELE, 'reader', false],
        [String(own.json!.id), 'owner', false],
      ].sort(),
    );
    const next = String(inc.json!.nextSyncToken);
    // The share is removed and the calendar deleted: both come back as deleted entries.
    await call(ADELE, 'DELETE', `/calendars/primary/acl/${encodeURIComponent(`user:${MEGAN}`)}`);
    await call(MEGAN, 'DELETE', `/calendars/${encodeURIComponent(String(own.json!.id))}`);
    const gone = await call(MEGAN, 'GET', `/users/me/calendarList?syncToken=${next}`);
    expect((gone.json!.items as Json[]).map((e) => [e.id, e.deleted]).sort()).toEqual(
      [
        [ADELE, true],
        [String(own.json!.id), true],
      ].sort(),
    );
  });

  it('answers 410 fullSyncRequired for a token it cannot use, 400 for minAccessRole with a token, and pages', async () => {
    const expired = await call(MEGAN, 'GET', '/users/me/calendarList?syncToken=CNDHzIWDx70CENDHzIWDx70CGAU=');
    expect(expired.status).toBe(410);
    expect(expired.json!.error.errors[0]).toMatchObject({
      domain: 'calendar',
      reason: 'fullSyncRequired',
      location: 'syncToken',
    });
    const token = String((await call(MEGAN, 'GET', '/users/me/calendarList')).json!.nextSyncToken);
    // Another user's token is not this user's list.
    expect((await call(ADELE, 'GET', `/users/me/calendarList?syncToken=${token}`)).status).toBe(410);
    const withRole = await call(MEGAN, 'GET', `/users/me/calendarList?syncToken=${token}&minAccessRole=reader`);
    expect(withRole.status).toBe(400);
    const a = await call(ADELE, 'POST', '/calendars', { summary: 'Page A' });
    await call(ADELE, 'POST', '/calendars', { summary: 'Page B' });
    const first = await call(ADELE, 'GET', '/users/me/calendarList?maxResults=1&minAccessRole=owner');
    expect(first.json!.items).toHaveLength(1);
    expect(first.json!.nextPageToken).toEqual(expect.any(String));
    expect(first.json!.nextSyncToken).toBeUndefined();
    const ids: string[] = [String(first.json!.items[0].id)];
    let page = first;
    while (page.json!.nextPageToken) {
      page = await call(
        ADELE,
        'GET',
        `/users/me/calendarList?maxResults=1&minAccessRole=owner&pageToken=${String(page.json!.nextPageToken)}`,
      );
      ids.push(...(page.json!.items as Json[]).map((e) => String(e.id)));
    }
    expect(ids).toContain(String(a.json!.id));
    expect(page.json!.nextSyncToken).toEqual(expect.any(String));
  });
});

describe('Google emulator: deleted and cancelled events', () => {
  it("keeps a deleted event's details on its organizer's calendar and restores it on status confirmed", async () => {
    const made = await call(ADELE, 'POST', '/calendars/primary/events', {
      summary: 'Undelete me',
      location: 'Room 1',
      attendees: [{ email: MEGAN }],
      ...at(),
    });
    const id = String(made.json!.id);
    const sync = String((await call(ADELE, 'GET', '/calendars/primary/events')).json!.nextSyncToken);
    expect((await call(ADELE, 'DELETE', `/calendars/primary/events/${id}`)).status).toBe(204);
    const got = await call(ADELE, 'GET', `/calendars/primary/events/${id}`);
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({ id, status: 'cancelled', summary: 'Undelete me', location: 'Room 1' });
    // An incremental sync without showDeleted reports the deletion by id only.
    const inc = await call(ADELE, 'GET', `/calendars/primary/events?syncToken=${sync}`);
    expect((inc.json!.items as Json[]).find((e) => e.id === id)).toEqual({
      kind: 'calendar#event',
      etag: expect.any(String),
      id,
      status: 'cancelled',
    });
    // The attendee's copy was cancelled by the organizer: id only.
    expect((await call(MEGAN, 'GET', `/calendars/primary/events/${id}`)).json).toMatchObject({
      id,
      status: 'cancelled',
    });
    expect((await call(MEGAN, 'GET', `/calendars/primary/events/${id}`)).json!.summary).toBeUndefined();
    // A write other than a restore is 410 deleted; status confirmed restores it, for the attendee too.
    expect((await call(ADELE, 'PATCH', `/calendars/primary/events/${id}`, { summary: 'x' })).status).toBe(410);
    const back = await call(ADELE, 'PATCH', `/calendars/primary/events/${id}`, { status: 'confirmed' });
    expect(back.status).toBe(200);
    expect(back.json).toMatchObject({ id, status: 'confirmed', summary: 'Undelete me' });
    const listed = await call(ADELE, 'GET', '/calendars/primary/events');
    expect((listed.json!.items as Json[]).some((e) => e.id === id)).toBe(true);
    expect((await call(MEGAN, 'GET', `/calendars/primary/events/${id}`)).json).toMatchObject({
      status: 'confirmed',
      summary: 'Undelete me',
    });
  });

  it('lists cancelled instances of a live series without showDeleted when singleEvents is false', async () => {
    const series = await call(ADELE, 'POST', '/calendars/primary/events', {
      summary: 'Weekly',
      start: { dateTime: '2031-07-07T10:00:00', timeZone: 'Europe/Berlin' },
      end: { dateTime: '2031-07-07T10:30:00', timeZone: 'Europe/Berlin' },
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
    });
    const master = String(series.json!.id);
    const window = 'timeMin=2031-07-01T00:00:00Z&timeMax=2031-08-15T00:00:00Z';
    const instances = await call(ADELE, 'GET', `/calendars/primary/events/${master}/instances?${window}`);
    const second = String(instances.json!.items[1].id);
    expect((await call(ADELE, 'DELETE', `/calendars/primary/events/${second}`)).status).toBe(204);
    const masters = await call(ADELE, 'GET', `/calendars/primary/events?${window}`);
    const ids = (masters.json!.items as Json[]).map((e) => [e.id, e.status]);
    expect(ids).toContainEqual([master, 'confirmed']);
    expect(ids).toContainEqual([second, 'cancelled']);
    // Expanded (singleEvents) without showDeleted, the cancelled instance is left out.
    const single = await call(ADELE, 'GET', `/calendars/primary/events?${window}&singleEvents=true`);
    expect((single.json!.items as Json[]).map((e) => e.id)).not.toContain(second);
  });
});

describe('Google emulator: recurring writes', () => {
  it('refuses a recurring timed event without start.timeZone (400 required), an offset alone is not enough', async () => {
    const res = await call(ADELE, 'POST', '/calendars/primary/events', {
      summary: 'No zone',
      start: { dateTime: '2031-08-04T10:00:00+02:00' },
      end: { dateTime: '2031-08-04T10:30:00+02:00' },
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
    });
    expect(res.status).toBe(400);
    expect(res.json!.error.errors[0]).toMatchObject({
      reason: 'required',
      message: 'Missing time zone definition for start time.',
    });
  });

  it("patches one instance into an exception and answers an invitee's instance response to the organizer", async () => {
    const series = await call(ADELE, 'POST', '/calendars/primary/events', {
      summary: 'Daily sync',
      start: { dateTime: '2031-08-11T09:00:00', timeZone: 'Europe/Berlin' },
      end: { dateTime: '2031-08-11T09:30:00', timeZone: 'Europe/Berlin' },
      recurrence: ['RRULE:FREQ=DAILY;COUNT=3'],
      attendees: [{ email: MEGAN }],
    });
    const master = String(series.json!.id);
    const window = 'timeMin=2031-08-10T00:00:00Z&timeMax=2031-08-20T00:00:00Z';
    const inst = (await call(ADELE, 'GET', `/calendars/primary/events/${master}/instances?${window}`)).json!
      .items as Json[];
    const moved = await call(ADELE, 'PATCH', `/calendars/primary/events/${inst[1]!.id}`, {
      summary: 'Moved',
      start: { dateTime: '2031-08-12T11:00:00', timeZone: 'Europe/Berlin' },
      end: { dateTime: '2031-08-12T11:30:00', timeZone: 'Europe/Berlin' },
    });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ id: inst[1]!.id, recurringEventId: master, summary: 'Moved' });
    expect(moved.json!.originalStartTime.dateTime).toBe(inst[1]!.originalStartTime.dateTime);
    // The invitee answers the third instance only (attendees carry the whole list, only their own entry changes).
    const theirs = (await call(MEGAN, 'GET', `/calendars/primary/events/${master}/instances?${window}`)).json!
      .items as Json[];
    const mine = (theirs[2]!.attendees as Json[]).map((a) =>
      a.email === MEGAN ? { ...a, responseStatus: 'declined', comment: 'Away' } : a,
    );
    const answered = await call(MEGAN, 'PATCH', `/calendars/primary/events/${theirs[2]!.id}?sendUpdates=all`, {
      attendees: mine,
    });
    expect(answered.status).toBe(200);
    const after = (await call(ADELE, 'GET', `/calendars/primary/events/${master}/instances?${window}`)).json!
      .items as Json[];
    const megan = (e: Json) => (e.attendees as Json[]).find((a) => a.email === MEGAN)?.responseStatus;
    expect(after.map(megan)).toEqual(['needsAction', 'needsAction', 'declined']);
  });
});

describe('Google emulator: OAuth token and revocation endpoints', () => {
  const client = () => ({ client_id: emu.app.clientId, client_secret: emu.app.clientSecret });

  it('names the missing parameter (invalid_request) and tells an unknown client from a wrong secret', async () => {
    const noCode = await raw('POST', '/token', {
      form: { ...client(), grant_type: 'authorization_code', redirect_uri: emu.app.redirectUris[0]! },
    });
    expect(noCode.status).toBe(400);
    expect(noCode.json).toEqual({ error: 'invalid_request', error_description: 'Missing required parameter: code' });
    const noRedirect = await raw('POST', '/token', {
      form: { ...client(), grant_type: 'authorization_code', code: '4/x' },
    });
    expect(noRedirect.json).toEqual({
      error: 'invalid_request',
      error_description: 'Missing required parameter: redirect_uri',
    });
    const noRefresh = await raw('POST', '/token', { form: { ...client(), grant_type: 'refresh_token' } });
    expect(noRefresh.json).toEqual({
      error: 'invalid_request',
      error_description: 'Missing required parameter: refresh_token',
    });
    const unknown = await raw('POST', '/token', {
      form: {
        client_id: 'nobody.apps.googleusercontent.com',
        client_secret: 'x',
        grant_type: 'refresh_token',
        refresh_token: '1//x',
      },
    });
    expect(unknown.status).toBe(401);
    expect(unknown.json).toEqual({ error: 'invalid_client', error_description: 'The OAuth client was not found.' });
    const wrong = await raw('POST', '/token', {
      form: { client_id: emu.app.clientId, client_secret: 'wrong', grant_type: 'refresh_token', refresh_token: '1//x' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ error: 'invalid_client', error_description: 'Unauthorized' });
    const grant = await raw('POST', '/token', { form: { ...client(), grant_type: 'password' } });
    expect(grant.json).toEqual({ error: 'unsupported_grant_type', error_description: 'Invalid grant_type: password' });
  });

  it('revokes by access token (the grant ends) and answers 400 invalid_token for a token already revoked', async () => {
    const t = tokenOf(ADELE);
    expect((await raw('GET', '/calendar/v3/users/me/calendarList', { token: t })).status).toBe(200);
    const ok = await raw('POST', `/revoke?token=${encodeURIComponent(t)}`, { form: {} });
    expect(ok.status).toBe(200);
    expect((await raw('GET', '/calendar/v3/users/me/calendarList', { token: t })).status).toBe(401);
    const again = await raw('POST', '/revoke', { form: { token: t } });
    expect(again.status).toBe(400);
    expect(again.json).toEqual({ error: 'invalid_token', error_description: 'Token expired or revoked' });
    const none = await raw('POST', '/revoke', { form: {} });
    expect(none.status).toBe(400);
    expect(none.json!.error).toBe('invalid_request');
    // GET works too.
    const viaGet = await raw('GET', `/revoke?token=${encodeURIComponent(tokenOf(MEGAN))}`);
    expect(viaGet.status).toBe(200);
  });
});

describe('Google emulator: settings sync and colors', () => {
  it('pages settings and a syncToken gives only the settings changed since (410 for a token it cannot use)', async () => {
    const first = await call(MEGAN, 'GET', '/users/me/settings?maxResults=5');
    expect(first.status).toBe(200);
    expect(first.json!.items).toHaveLength(5);
    expect(first.json!.nextSyncToken).toBeUndefined();
    const ids = (first.json!.items as Json[]).map((s) => String(s.id));
    let page = first;
    while (page.json!.nextPageToken) {
      page = await call(MEGAN, 'GET', `/users/me/settings?maxResults=5&pageToken=${String(page.json!.nextPageToken)}`);
      ids.push(...(page.json!.items as Json[]).map((s) => String(s.id)));
    }
    expect(ids).toContain('timezone');
    const token = String(page.json!.nextSyncToken);
    expect((await call(MEGAN, 'GET', `/users/me/settings?syncToken=${token}`)).json!.items).toEqual([]);
    // The user changes their time zone (in Google Calendar's settings page).
    emu.store.users.get(MEGAN)!.timeZone = 'Asia/Tokyo';
    const inc = await call(MEGAN, 'GET', `/users/me/settings?syncToken=${token}`);
    expect(inc.json!.items).toEqual([
      { kind: 'calendar#setting', etag: expect.any(String), id: 'timezone', value: 'Asia/Tokyo' },
    ]);
    const bad = await call(MEGAN, 'GET', '/users/me/settings?syncToken=not-a-token');
    expect(bad.status).toBe(410);
    expect(bad.json!.error.errors[0].reason).toBe('fullSyncRequired');
    expect((await call(ADELE, 'GET', `/users/me/settings?syncToken=${token}`)).status).toBe(410);
  });

  it('serves the calendar and event color palettes the list entries and events refer to', async () => {
    const res = await call(ADELE, 'GET', '/colors');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      kind: 'calendar#colors',
      updated: '2012-02-14T00:00:00.000Z',
      calendar: { '1': { background: '#ac725e', foreground: '#1d1d1d' }, '24': { background: '#a47ae2' } },
      event: { '1': { background: '#a4bdfc' }, '11': { background: '#dc2127' } },
    });
    const entry = await call(ADELE, 'GET', '/users/me/calendarList/primary');
    expect(res.json!.calendar[String(entry.json!.colorId)].background).toBe(entry.json!.backgroundColor);
  });
});

describe('Google emulator: a watched calendar that is deleted', () => {
  it('sends not_exists to its channels and ends them', async () => {
    const made = await call(ADELE, 'POST', '/calendars', { summary: 'Watched then deleted' });
    const id = String(made.json!.id);
    const ch = await call(ADELE, 'POST', `/calendars/${encodeURIComponent(id)}/events/watch`, {
      id: 'gone-channel-1',
      type: 'web_hook',
      address: 'https://127.0.0.1:9/hook',
    });
    expect(ch.status).toBe(200);
    expect((await call(ADELE, 'DELETE', `/calendars/${encodeURIComponent(id)}`)).status).toBe(204);
    expect(emu.channels.deliveries.filter((d) => d.channelId === 'gone-channel-1').map((d) => d.state)).toEqual([
      'sync',
      'not_exists',
    ]);
    expect(emu.channels.active.has('gone-channel-1')).toBe(false);
  });
});

describe('Google emulator: events.move', () => {
  it('moves an event to another calendar (new organizer, same id) and leaves a cancelled event behind', async () => {
    const target = await call(ADELE, 'POST', '/calendars', { summary: 'Move target' });
    const dest = String(target.json!.id);
    const made = await call(ADELE, 'POST', '/calendars/primary/events', { summary: 'Moving', ...at() });
    const id = String(made.json!.id);
    const sync = String((await call(ADELE, 'GET', '/calendars/primary/events')).json!.nextSyncToken);
    const moved = await call(
      ADELE,
      'POST',
      `/calendars/primary/events/${id}/move?destination=${encodeURIComponent(dest)}`,
    );
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ id, summary: 'Moving', organizer: { email: dest, self: true } });
    expect((await call(ADELE, 'GET', `/calendars/${encodeURIComponent(dest)}/events/${id}`)).json!.summary).toBe(
      'Moving',
    );
    // The original organizer is not an attendee: a cancelled event with only its id stays behind.
    const left = await call(ADELE, 'GET', `/calendars/primary/events/${id}`);
    expect(left.json).toEqual({ kind: 'calendar#event', etag: expect.any(String), id, status: 'cancelled' });
    const inc = await call(ADELE, 'GET', `/calendars/primary/events?syncToken=${sync}`);
    expect((inc.json!.items as Json[]).map((e) => [e.id, e.status])).toContainEqual([id, 'cancelled']);
  });

  it('needs a destination and moves whole events only (not an instance)', async () => {
    const made = await call(ADELE, 'POST', '/calendars/primary/events', {
      summary: 'Series',
      start: { dateTime: '2031-09-01T09:00:00', timeZone: 'UTC' },
      end: { dateTime: '2031-09-01T09:30:00', timeZone: 'UTC' },
      recurrence: ['RRULE:FREQ=DAILY;COUNT=3'],
    });
    const id = String(made.json!.id);
    const none = await call(ADELE, 'POST', `/calendars/primary/events/${id}/move`);
    expect(none.status).toBe(400);
    expect(none.json!.error.errors[0]).toMatchObject({ reason: 'required', location: 'destination' });
    const instance = await call(
      ADELE,
      'POST',
      `/calendars/primary/events/${id}_20310902T090000Z/move?destination=${MEGAN}`,
    );
    expect(instance.status).toBe(400);
    expect(instance.json!.error.errors[0].reason).toBe('cannotChangeOrganizerOfInstance');
    // A calendar the caller cannot write is refused (Megan's primary is free/busy only to Adele).
    expect((await call(ADELE, 'POST', `/calendars/primary/events/${id}/move?destination=${MEGAN}`)).status).toBe(404);
  });
});

describe('Google emulator: refresh tokens on later authorizations', () => {
  const REDIRECT = () => emu.app.redirectUris[0]!;
  async function codeFor(user: string, prompt?: string): Promise<string> {
    const q = new URLSearchParams({
      client_id: emu.app.clientId,
      redirect_uri: REDIRECT(),
      response_type: 'code',
      scope: `openid email ${CALENDAR}`,
      access_type: 'offline',
      ...(prompt ? { prompt } : {}),
    });
    const page = await raw('GET', `/o/oauth2/v2/auth?${q.toString()}`);
    expect(page.status).toBe(200);
    const back = await fetch(`${emu.baseUrl}/o/oauth2/v2/auth/consent`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...Object.fromEntries(q), account: user, decision: 'allow' }).toString(),
      dispatcher: agent,
      redirect: 'manual',
    });
    return new URL(back.headers.get('location')!).searchParams.get('code')!;
  }
  const redeem = async (code: string) =>
    (
      await raw('POST', '/token', {
        form: {
          client_id: emu.app.clientId,
          client_secret: emu.app.clientSecret,
          redirect_uri: REDIRECT(),
          grant_type: 'authorization_code',
          code,
        },
      })
    ).json!;

  it('returns a refresh token on the first offline exchange only, unless prompt=consent asks again', async () => {
    const user = 'nestor.wilke@contoso.com';
    const first = await redeem(await codeFor(user));
    expect(first.refresh_token).toEqual(expect.stringMatching(/^1\/\//));
    const second = await redeem(await codeFor(user));
    expect(second.access_token).toEqual(expect.any(String));
    expect(second.refresh_token).toBeUndefined();
    // The first refresh token still works.
    const refreshed = await raw('POST', '/token', {
      form: {
        client_id: emu.app.clientId,
        client_secret: emu.app.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: String(first.refresh_token),
      },
    });
    expect(refreshed.status).toBe(200);
    const forced = await redeem(await codeFor(user, 'consent'));
    expect(forced.refresh_token).toEqual(expect.stringMatching(/^1\/\//));
  });
});

describe('Google emulator: events.list and events.get parameters', () => {
  it('filters by shared extended properties, event types and free text over attendees and organizer', async () => {
    const tag = `t${Date.now().toString(36)}`;
    const a = await call(ADELE, 'POST', '/calendars/primary/events', {
      summary: 'Shared prop',
      extendedProperties: { shared: { deal: tag }, private: { mine: tag } },
      attendees: [{ email: 'wile.coyote@acmecorp.com', displayName: `Wile ${tag}` }],
      ...at(),
    });
    await call(ADELE, 'POST', '/calendars/primary/events', { summary: 'Other', ...at() });
    const ids = async (query: string) =>
      ((await call(ADELE, 'GET', `/calendars/primary/events?${query}`)).json!.items as Json[]).map((e) => e.id);
    expect(await ids(`sharedExtendedProperty=deal%3D${tag}`)).toEqual([a.json!.id]);
    // A shared constraint does not match a private property of the same name and value.
    expect(await ids(`sharedExtendedProperty=mine%3D${tag}`)).toEqual([]);
    expect(await ids(`q=${tag}`)).toEqual([a.json!.id]);
    expect(await ids(`q=acmecorp.com%20${tag}`)).toEqual([a.json!.id]);
    expect(await ids(`q=${tag}&eventTypes=focusTime`)).toEqual([]);
    expect(await ids(`q=${tag}&eventTypes=default&eventTypes=focusTime`)).toEqual([a.json!.id]);
  });

  it('cuts attendees to the caller with maxAttendees and says so with attendeesOmitted', async () => {
    const made = await call(ADELE, 'POST', '/calendars/primary/events', {
      summary: 'Many guests',
      attendees: [{ email: ADELE }, { email: MEGAN }, { email: 'wile.coyote@acmecorp.com' }],
      ...at(),
    });
    const id = String(made.json!.id);
    const got = await call(ADELE, 'GET', `/calendars/primary/events/${id}?maxAttendees=1`);
    expect(got.json!.attendeesOmitted).toBe(true);
    expect(got.json!.attendees).toEqual([expect.objectContaining({ email: ADELE, self: true })]);
    const all = await call(ADELE, 'GET', `/calendars/primary/events/${id}?maxAttendees=3`);
    expect(all.json!.attendees).toHaveLength(3);
    expect(all.json!.attendeesOmitted).toBeUndefined();
    const listed = await call(ADELE, 'GET', `/calendars/primary/events?q=Many%20guests&maxAttendees=2`);
    expect((listed.json!.items as Json[]).find((e) => e.id === id)).toMatchObject({ attendeesOmitted: true });
  });

  it('refuses showDeleted=false with a syncToken and values outside the documented enumerations and ranges', async () => {
    const token = String((await call(ADELE, 'GET', '/calendars/primary/events')).json!.nextSyncToken);
    const sd = await call(ADELE, 'GET', `/calendars/primary/events?syncToken=${token}&showDeleted=false`);
    expect(sd.status).toBe(400);
    expect(sd.json!.error.errors[0].location).toBe('showDeleted');
    const order = await call(ADELE, 'GET', '/calendars/primary/events?orderBy=start');
    expect(order.status).toBe(400);
    expect(order.json!.error.errors[0]).toEqual({
      domain: 'global',
      reason: 'invalidParameter',
      message: "Invalid value 'start'. Values must match the following regular expression: 'startTime|updated'",
      locationType: 'parameter',
      location: 'orderBy',
    });
    const cdv = await call(ADELE, 'POST', '/calendars/primary/events?conferenceDataVersion=2', { ...at() });
    expect(cdv.status).toBe(400);
    expect(cdv.json!.error.errors[0]).toMatchObject({
      reason: 'invalidParameter',
      message: "Invalid value '2'. Values must be within the range: [0, 1]",
      location: 'conferenceDataVersion',
    });
    const made = await call(ADELE, 'POST', '/calendars/primary/events', { summary: 'Keep', ...at() });
    const del = await call(ADELE, 'DELETE', `/calendars/primary/events/${String(made.json!.id)}?sendUpdates=everyone`);
    expect(del.status).toBe(400);
    expect(del.json!.error.errors[0].location).toBe('sendUpdates');
    expect((await call(ADELE, 'GET', `/calendars/primary/events/${String(made.json!.id)}`)).json!.status).toBe(
      'confirmed',
    );
    const role = await call(ADELE, 'GET', '/users/me/calendarList?minAccessRole=admin');
    expect(role.status).toBe(400);
    expect(role.json!.error.errors[0]).toMatchObject({ reason: 'invalidParameter', location: 'minAccessRole' });
  });
});

describe('Google emulator: more documented parameters', () => {
  it('opens a channel for params.ttl seconds when no expiration is given', async () => {
    const now = emu.clock.now();
    const ch = await call(ADELE, 'POST', '/calendars/primary/events/watch', {
      id: 'ttl-channel-1',
      type: 'web_hook',
      address: 'https://127.0.0.1:9/hook',
      params: { ttl: '3600' },
    });
    expect(ch.status).toBe(200);
    const expiration = Number(ch.json!.expiration);
    expect(expiration).toBeGreaterThanOrEqual(now + 3_600_000);
    expect(expiration).toBeLessThan(now + 3_700_000);
  });

  it('events.instances with originalStart returns that one instance', async () => {
    const made = await call(ADELE, 'POST', '/calendars/primary/events', {
      summary: 'Daily',
      start: { dateTime: '2031-10-01T09:00:00', timeZone: 'Europe/Berlin' },
      end: { dateTime: '2031-10-01T09:30:00', timeZone: 'Europe/Berlin' },
      recurrence: ['RRULE:FREQ=DAILY;COUNT=5'],
    });
    const id = String(made.json!.id);
    const one = await call(
      ADELE,
      'GET',
      `/calendars/primary/events/${id}/instances?originalStart=${encodeURIComponent('2031-10-03T09:00:00+02:00')}`,
    );
    expect(one.status).toBe(200);
    expect((one.json!.items as Json[]).map((e) => e.id)).toEqual([`${id}_20311003T070000Z`]);
  });

  it('names a missing authorization parameter, and refuses a refresh token of another client (unauthorized_client)', async () => {
    const page = await raw('GET', `/o/oauth2/v2/auth?response_type=code&scope=openid&client_id=${emu.app.clientId}`);
    expect(page.status).toBe(400);
    expect(page.text).toContain('invalid_request');
    expect(page.text).toContain('Missing required parameter: redirect_uri');
    const noClient = await raw('GET', '/o/oauth2/v2/auth?response_type=code&scope=openid&redirect_uri=https%3A%2F%2Fx');
    expect(noClient.text).toContain('Missing required parameter: client_id');
    // A refresh token issued to the demo app, presented by another registered client.
    const q = new URLSearchParams({
      client_id: emu.app.clientId,
      redirect_uri: emu.app.redirectUris[0]!,
      response_type: 'code',
      scope: CALENDAR,
      access_type: 'offline',
      prompt: 'consent',
    });
    await raw('GET', `/o/oauth2/v2/auth?${q.toString()}`);
    const back = await fetch(`${emu.baseUrl}/o/oauth2/v2/auth/consent`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...Object.fromEntries(q), account: MEGAN, decision: 'allow' }).toString(),
      dispatcher: agent,
      redirect: 'manual',
    });
    const code = new URL(back.headers.get('location')!).searchParams.get('code')!;
    const tok = await raw('POST', '/token', {
      form: {
        client_id: emu.app.clientId,
        client_secret: emu.app.clientSecret,
        redirect_uri: emu.app.redirectUris[0]!,
        grant_type: 'authorization_code',
        code,
      },
    });
    const other = emu.registerApp({ redirectUris: ['https://other.example/cb2'] });
    const wrong = await raw('POST', '/token', {
      form: {
        client_id: other.clientId,
        client_secret: other.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: String(tok.json!.refresh_token),
      },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ error: 'unauthorized_client', error_description: 'Unauthorized' });
  });
});

describe('Google emulator: calendarList and settings channels', () => {
  const states = (id: string) => emu.channels.deliveries.filter((d) => d.channelId === id).map((d) => d.state);

  it('calendarList.watch notifies when the list changes (a calendar shared, one created), not on event changes', async () => {
    const ch = await call(MEGAN, 'POST', '/users/me/calendarList/watch', {
      id: 'list-channel-1',
      type: 'web_hook',
      address: 'https://127.0.0.1:9/hook',
    });
    expect(ch.status).toBe(200);
    expect(ch.json).toMatchObject({
      kind: 'api#channel',
      id: 'list-channel-1',
      resourceUri: expect.stringContaining('/users/me/calendarList'),
    });
    await call(MEGAN, 'POST', '/calendars/primary/events', { summary: 'Not a list change', ...at() });
    expect(states('list-channel-1')).toEqual(['sync']);
    await call(ADELE, 'POST', '/calendars/primary/acl', { role: 'reader', scope: { type: 'user', value: MEGAN } });
    expect(states('list-channel-1')).toEqual(['sync', 'exists']);
    await call(ADELE, 'DELETE', `/calendars/primary/acl/${encodeURIComponent(`user:${MEGAN}`)}`);
    expect(states('list-channel-1')).toEqual(['sync', 'exists', 'exists']);
    const stop = await call(MEGAN, 'POST', '/channels/stop', { id: 'list-channel-1', resourceId: ch.json!.resourceId });
    expect(stop.status).toBe(204);
  });

  it('settings.watch notifies when a setting changes', async () => {
    const ch = await call(ADELE, 'POST', '/users/me/settings/watch', {
      id: 'settings-channel-1',
      type: 'web_hook',
      address: 'https://127.0.0.1:9/hook',
    });
    expect(ch.status).toBe(200);
    emu.store.users.get(ADELE)!.timeZone = 'America/Chicago';
    await call(ADELE, 'GET', '/users/me/settings/timezone');
    expect(states('settings-channel-1')).toEqual(['sync', 'exists']);
  });
});

describe('Google emulator: paths the API does not have', () => {
  it("answers Google's JSON 404 notFound for users/<someone else>/… and other unknown Calendar paths", async () => {
    for (const path of [`/users/${encodeURIComponent(MEGAN)}/calendarList`, '/calendar/primary/events']) {
      const res = await call(ADELE, 'GET', path);
      expect(res.status, path).toBe(404);
      expect(res.json, path).toEqual({
        error: {
          errors: [{ domain: 'global', reason: 'notFound', message: 'Not Found' }],
          code: 404,
          message: 'Not Found',
        },
      });
    }
  });
});

describe('Google emulator: calendarList insert, patch, update and delete', () => {
  const SCOTT = 'nestor.wilke@contoso.com';
  it("keeps each user's own settings of their list and reports them to sync", async () => {
    const before = String((await call(SCOTT, 'GET', '/users/me/calendarList')).json!.nextSyncToken);
    // A colleague's calendar, visible as free/busy within the domain, put on the list.
    const added = await call(SCOTT, 'POST', '/users/me/calendarList', { id: ADELE, colorId: '3' });
    expect(added.status).toBe(200);
    expect(added.json).toMatchObject({
      id: ADELE,
      accessRole: 'freeBusyReader',
      colorId: '3',
      backgroundColor: '#f83a22',
    });
    const patched = await call(SCOTT, 'PATCH', `/users/me/calendarList/${encodeURIComponent(ADELE)}`, {
      summaryOverride: 'Adele (busy times)',
      hidden: true,
    });
    expect(patched.json).toMatchObject({ summaryOverride: 'Adele (busy times)', hidden: true, colorId: '3' });
    expect(patched.json!.selected).toBeUndefined();
    const ids = async (q = '') =>
      ((await call(SCOTT, 'GET', `/users/me/calendarList${q}`)).json!.items as Json[]).map((e) => e.id);
    expect(await ids()).not.toContain(ADELE);
    expect(await ids('?showHidden=true')).toContain(ADELE);
    const inc = await call(SCOTT, 'GET', `/users/me/calendarList?syncToken=${before}`);
    expect((inc.json!.items as Json[]).map((e) => [e.id, e.hidden])).toEqual([[ADELE, true]]);
    const next = String(inc.json!.nextSyncToken);
    // update replaces the user's settings: the override and the colour go.
    const replaced = await call(SCOTT, 'PUT', `/users/me/calendarList/${encodeURIComponent(ADELE)}`, { hidden: false });
    expect(replaced.json!.summaryOverride).toBeUndefined();
    expect(replaced.json!.colorId).toBe('7');
    expect((await call(SCOTT, 'DELETE', `/users/me/calendarList/${encodeURIComponent(ADELE)}`)).status).toBe(204);
    expect(await ids('?showHidden=true')).not.toContain(ADELE);
    expect((await call(SCOTT, 'GET', `/users/me/calendarList/${encodeURIComponent(ADELE)}`)).status).toBe(404);
    const gone = await call(SCOTT, 'GET', `/users/me/calendarList?syncToken=${next}`);
    expect((gone.json!.items as Json[]).map((e) => [e.id, e.deleted])).toEqual([[ADELE, true]]);
  });

  it('refuses to take the primary calendar off its list, an unknown calendar and an unknown colour', async () => {
    expect((await call(SCOTT, 'DELETE', '/users/me/calendarList/primary')).status).toBe(400);
    expect((await call(SCOTT, 'POST', '/users/me/calendarList', { id: 'nobody@nowhere.example' })).status).toBe(404);
    expect((await call(SCOTT, 'PATCH', '/users/me/calendarList/primary', { colorId: '99' })).status).toBe(400);
  });
});

describe('Google emulator: calendars patch, update and clear', () => {
  it("changes a calendar's own properties (owner only) and clears a primary calendar", async () => {
    const made = await call(MEGAN, 'POST', '/calendars', { summary: 'Props' });
    const path = `/calendars/${encodeURIComponent(String(made.json!.id))}`;
    const etag = String((await call(MEGAN, 'GET', path)).json!.etag);
    const patched = await call(MEGAN, 'PATCH', path, { location: 'Berlin', timeZone: 'Europe/Berlin' });
    expect(patched.json).toMatchObject({ summary: 'Props', location: 'Berlin', timeZone: 'Europe/Berlin' });
    expect((await call(MEGAN, 'GET', path, undefined, { 'if-none-match': etag })).status).toBe(200);
    expect((await call(MEGAN, 'PUT', path, { location: 'x' })).status).toBe(400);
    const put = await call(MEGAN, 'PUT', path, { summary: 'Renamed' });
    expect(put.json).toMatchObject({ summary: 'Renamed' });
    expect(put.json!.location).toBeUndefined();
    // A writer may not change the calendar itself.
    await call(MEGAN, 'POST', `${path}/acl`, { role: 'writer', scope: { type: 'user', value: ADELE } });
    const writer = await call(ADELE, 'PATCH', path, { summary: 'Not mine' });
    expect(writer.status).toBe(403);
    expect(writer.json!.error.errors[0].reason).toBe('requiredAccessLevel');
    // The primary calendar's time zone is its owner's.
    await call(MEGAN, 'PATCH', '/calendars/primary', { timeZone: 'Australia/Sydney' });
    expect((await call(MEGAN, 'GET', '/users/me/settings/timezone')).json!.value).toBe('Australia/Sydney');
    // clear: every event of the primary calendar goes; the invitations it sent are cancelled.
    const ev = await call(MEGAN, 'POST', '/calendars/primary/events', {
      summary: 'To clear',
      attendees: [{ email: ADELE }],
      ...at(),
    });
    expect((await call(MEGAN, 'POST', `${path}/clear`)).status).toBe(400);
    expect((await call(MEGAN, 'POST', '/calendars/primary/clear')).status).toBe(204);
    const left = await call(MEGAN, 'GET', '/calendars/primary/events');
    expect(left.json!.items).toEqual([]);
    expect((await call(ADELE, 'GET', `/calendars/primary/events/${String(ev.json!.id)}`)).json!.status).toBe(
      'cancelled',
    );
  });
});
