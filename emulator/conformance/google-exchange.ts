// Google http-exchange cases: the fixtures a documented request needs (its event, series, calendars, a valid
// sync/page token, a real code or refresh token, a channel), the request sent, and the checks of the answer.
import { createHash } from 'node:crypto';
import type { CaseOutcome, ConformanceCase } from './cases.js';
import type { GoogleHarness } from './google-harness.js';
import { compareGoogleShape, compareSentValues } from './google-compare.js';
import type { HttpResult } from './harness.js';

/** The docs' placeholders, replaced before sending (the cases keep them as written). */
const ATTENDEE = 'sam@example.com';
const OWNER = 'alex@example.com';
const VALID_ID = /^[a-v0-9]{5,1024}$/;

interface Prepared {
  method: string;
  path: string;
  headers: Record<string, string>;
  json?: unknown;
  form?: string;
  user: string | null;
  /** Request body paths whose values are not expected back (they were examples the runner replaced). */
  skip: Set<string>;
}

function replaceDeep(v: unknown, map: Record<string, string>): unknown {
  if (typeof v === 'string') return map[v] ?? v;
  if (Array.isArray(v)) return v.map((x) => replaceDeep(x, map));
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaceDeep(x, map)]));
  return v;
}

const ok = (s: number | null | undefined) => s === null || s === undefined || (s >= 200 && s < 300);

/** A series in the caller's calendar with one instance; returns [master id, first instance id]. */
function series(h: GoogleHarness, user: string, masterId: string): [string, string] {
  h.putEvent(user, masterId, {
    summary: 'Recurring event',
    start: { dateTime: '2011-06-03T10:00:00-07:00', timeZone: 'America/Los_Angeles' },
    end: { dateTime: '2011-06-03T10:25:00-07:00', timeZone: 'America/Los_Angeles' },
    recurrence: ['RRULE:FREQ=WEEKLY;UNTIL=20110701T170000Z'],
    attendees: [
      { email: user, responseStatus: 'accepted', organizer: true },
      { email: ATTENDEE, responseStatus: 'needsAction' },
    ],
  });
  return [masterId, `${masterId}_20110603T170000Z`];
}

async function calendarApi(h: GoogleHarness, c: ConformanceCase, url: URL): Promise<Prepared> {
  const req = c.request!;
  const m = /^\/calendar\/v3\/calendars\/([^/]+)\/events(?:\/([^/]+))?(?:\/(instances))?$/.exec(url.pathname);
  const calId = m ? decodeURIComponent(m[1]!) : 'primary';
  const user = h.ensureUser(calId === 'primary' ? OWNER : calId);
  h.ensureUser(ATTENDEE);
  const headers: Record<string, string> = { authorization: `Bearer ${h.token(user)}` };
  for (const [k, v] of Object.entries(req.headers))
    if (/^(if-match|if-none-match)$/i.test(k)) headers[k.toLowerCase()] = v;
  const map: Record<string, string> = { attendeeEmail: ATTENDEE, userEmail: user };
  const skip = new Set<string>();
  let path = url.pathname;
  const eventId = m?.[2] && m[2] !== 'watch' ? decodeURIComponent(m[2]) : null;
  const expected = c.response?.status;
  if (eventId && (m?.[3] === 'instances' || !VALID_ID.test(eventId))) {
    // A placeholder instance id (or an instances listing): a series is created and its ids replace the placeholders.
    const [master, instance] = series(h, user, VALID_ID.test(eventId) ? eventId : 'recurringeventid0001');
    map.recurringEventId = master;
    map[eventId] = m?.[3] === 'instances' ? master : instance;
    path = path.replace(`/events/${m![2]}`, `/events/${map[eventId]}`);
    skip.add('id');
  } else if (eventId && req.method !== 'POST') {
    const fixture = h.putEvent(user, eventId, {
      summary: 'Fixture',
      attendees: [{ email: ATTENDEE, responseStatus: 'needsAction' }],
    });
    if (headers['if-match'] && ok(expected)) headers['if-match'] = h.emu.store.etag(fixture);
  }
  const body = replaceDeep(req.body, map) as Record<string, unknown> | null;
  // A documented listing: its items are the calendar's events.
  const docItems = (c.response?.body as { items?: Array<Record<string, unknown>> } | null)?.items;
  if (req.method === 'GET' && !eventId && Array.isArray(docItems))
    for (const it of docItems)
      if (typeof it.id === 'string' && it.kind === 'calendar#event')
        h.putEvent(user, it.id, {
          summary: String(it.summary ?? ''),
          start: it.start as object,
          end: it.end as object,
        });
  if (req.method === 'POST' && body && typeof body.id === 'string' && expected === 409) h.putEvent(user, body.id, {});
  const q = new URLSearchParams(url.search);
  if (q.has('syncToken') && ok(expected)) {
    // A valid token from a full sync, then a dozen changes so the incremental round has pages.
    const full = (
      await h.request('GET', `/calendar/v3/calendars/${encodeURIComponent(calId)}/events?singleEvents=true`, {
        headers,
      })
    ).json as { nextSyncToken?: string };
    q.set('syncToken', full.nextSyncToken ?? '');
    for (let i = 0; i < 12; i++)
      h.putEvent(user, `syncchange${i.toString().padStart(4, '0')}`, { summary: `Change ${i}` });
  }
  const search = q.toString();
  return {
    method: req.method,
    path: `${path}${search ? `?${search}` : ''}`,
    headers,
    json: body ?? undefined,
    user,
    skip,
  };
}

async function watchOrStop(h: GoogleHarness, c: ConformanceCase, url: URL, p: Prepared): Promise<Prepared> {
  const body = { ...(p.json as Record<string, unknown>) };
  if (url.pathname.endsWith('/events/watch')) {
    body.address = `${h.receiver.url}${new URL(String(body.address)).pathname}`;
    if (typeof body.expiration === 'number') body.expiration = h.emu.clock.now() + 86_400_000;
    p.skip.add('address');
  }
  if (url.pathname.endsWith('/channels/stop')) {
    const user = h.ensureUser(OWNER);
    p.headers = { authorization: `Bearer ${h.token(user)}` };
    const ch = await h.request('POST', '/calendar/v3/calendars/primary/events/watch', {
      headers: p.headers,
      json: { id: body.id, type: 'web_hook', address: `${h.receiver.url}/notifications` },
    });
    body.resourceId = (ch.json as { resourceId?: string }).resourceId;
  }
  return { ...p, json: body };
}

async function freeBusy(h: GoogleHarness, c: ConformanceCase, p: Prepared): Promise<Prepared> {
  const docCalendars =
    (
      (c.response?.body ?? {}) as {
        calendars?: Record<string, { busy?: Array<{ start: string; end: string }>; errors?: unknown }>;
      }
    ).calendars ?? {};
  const user = h.ensureUser(OWNER);
  for (const [key, entry] of Object.entries(docCalendars)) {
    if (entry.errors) continue;
    const owner = key === 'primary' ? user : h.ensureUser(key);
    (entry.busy ?? []).forEach((b, i) =>
      h.putEvent(owner, `busyfixture${i.toString().padStart(4, '0')}`, {
        start: { dateTime: b.start },
        end: { dateTime: b.end },
      }),
    );
  }
  return { ...p, headers: { authorization: `Bearer ${h.token(user)}` } };
}

/** A real code (or refresh token) for the docs' token requests. */
async function oauthToken(h: GoogleHarness, c: ConformanceCase): Promise<Prepared> {
  const form = new URLSearchParams(
    c.request?.bodyRaw ?? new URLSearchParams(c.request?.body as Record<string, string>).toString(),
  );
  const expected = c.response?.status;
  const docScope = ((c.response?.body ?? {}) as { scope?: string }).scope ?? 'https://www.googleapis.com/auth/calendar';
  if (ok(expected) && (form.get('grant_type') === 'authorization_code' || form.get('grant_type') === 'refresh_token')) {
    const redirect = form.get('redirect_uri') ?? 'https://oauth2.example.com/code';
    const verifier = form.get('code_verifier');
    h.ensureUser(OWNER);
    const q = new URLSearchParams({
      client_id: form.get('client_id')!,
      redirect_uri: redirect,
      response_type: 'code',
      scope: docScope,
      access_type: 'offline',
      state: 's',
      login_hint: OWNER,
    });
    if (verifier) {
      q.set('code_challenge', createHash('sha256').update(verifier).digest('base64url'));
      q.set('code_challenge_method', 'S256');
    }
    h.emu.oauth.autoConsent = true;
    const r = await h.request('GET', `/o/oauth2/v2/auth?${q.toString()}`);
    const code = new URL(r.headers.location ?? 'https://x/').searchParams.get('code') ?? '';
    if (form.get('grant_type') === 'authorization_code') form.set('code', code);
    else {
      const t = await h.request('POST', '/token', {
        form: new URLSearchParams({
          code,
          client_id: form.get('client_id')!,
          client_secret: form.get('client_secret')!,
          redirect_uri: redirect,
          grant_type: 'authorization_code',
        }).toString(),
      });
      form.set('refresh_token', (t.json as { refresh_token?: string }).refresh_token ?? '');
    }
  }
  return { method: 'POST', path: '/token', headers: {}, form: form.toString(), user: null, skip: new Set() };
}

export async function runGoogleExchange(
  h: GoogleHarness,
  c: ConformanceCase,
  int64: Set<string>,
): Promise<CaseOutcome> {
  const req = c.request!;
  const url = new URL(req.url);
  let p: Prepared;
  if (url.pathname === '/token') p = await oauthToken(h, c);
  else if (url.pathname.startsWith('/calendar/v3/calendars/')) p = await calendarApi(h, c, url);
  else {
    const user = h.ensureUser(OWNER);
    p = {
      method: req.method,
      path: url.pathname + url.search,
      headers: { authorization: `Bearer ${h.token(user)}` },
      json: req.body ?? undefined,
      user,
      skip: new Set(),
    };
  }
  if (url.pathname.endsWith('/events/watch') || url.pathname.endsWith('/channels/stop'))
    p = await watchOrStop(h, c, url, p);
  if (url.pathname === '/calendar/v3/freeBusy') p = await freeBusy(h, c, p);
  const res: HttpResult = await h.request(p.method, p.path, { headers: p.headers, json: p.json, form: p.form });
  return check(c, p, res, int64);
}

function check(c: ConformanceCase, p: Prepared, res: HttpResult, int64: Set<string>): CaseOutcome {
  const fail = (detail: string): CaseOutcome => ({ id: c.id, outcome: 'fail', detail });
  const want = c.response?.status ?? null;
  if (want !== null ? res.status !== want : res.status < 200 || res.status >= 300)
    return fail(`status ${res.status}, expected ${want ?? '2xx'}: ${res.text.slice(0, 300)}`);
  const r = c.response;
  if (r && r.body !== null && r.body !== undefined && !r.bodyUnspecified) {
    const d = compareGoogleShape(r.body, res.json, int64);
    if (d) return fail(d);
  }
  const err = (r?.body as { error?: { errors?: Array<{ reason?: string }> } } | null)?.error;
  const gotErr = (res.json as { error?: { errors?: Array<{ reason?: string }> } } | null)?.error;
  if (err?.errors?.[0]?.reason && gotErr?.errors?.[0]?.reason !== err.errors[0].reason)
    return fail(`reason ${gotErr?.errors?.[0]?.reason}, expected ${err.errors[0].reason}`);
  if (
    typeof r?.body === 'object' &&
    r.body &&
    typeof (r.body as { error?: unknown }).error === 'string' &&
    (res.json as { error?: unknown })?.error !== (r.body as { error?: unknown }).error
  )
    return fail(`error ${(res.json as { error?: unknown })?.error}, expected ${(r.body as { error?: unknown }).error}`);
  if (
    res.status >= 200 &&
    res.status < 300 &&
    p.json &&
    res.json &&
    p.method !== 'DELETE' &&
    !p.path.startsWith('/calendar/v3/channels') &&
    !p.path.startsWith('/calendar/v3/freeBusy')
  ) {
    const documented = r && r.body !== null && r.body !== undefined && !r.bodyUnspecified ? r.body : undefined;
    const d = compareSentValues(p.json, res.json, p.skip, documented);
    if (d) return fail(`value not stored as sent: ${d}`);
  }
  return { id: c.id, outcome: 'pass' };
}
