// Conformance runner for the Google corpus (../shared/google-calendar/cases): every case against a freshly reset
// in-process Google emulator; exchanges, error bodies provoked from the emulator, push notifications, fragments,
// typed structures, the authorization page and its redirects.
import { boundaryOf, parseHttpMessage, splitMultipart } from '../google/batch.js';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { loadCases, type CaseOutcome, type ConformanceCase } from './cases.js';
import { compareGoogleShape, compareStructure } from './google-compare.js';
import { runGoogleExchange } from './google-exchange.js';
import { GoogleHarness, int64Properties } from './google-harness.js';

/** The Google cases' extra fields (see the corpus README). */
type GoogleCase = Omit<ConformanceCase, 'kind' | 'request'> & {
  kind: ConformanceCase['kind'] | 'authorization-request' | 'redirect';
  request: (NonNullable<ConformanceCase['request']> & { query?: Record<string, string> }) | null;
};

const OWNER = 'alex@example.com';
const na = (c: GoogleCase, detail: string): CaseOutcome => ({ id: c.id, outcome: 'na', detail });
const fail = (c: GoogleCase, detail: string): CaseOutcome => ({ id: c.id, outcome: 'fail', detail });
const pass = (c: GoogleCase): CaseOutcome => ({ id: c.id, outcome: 'pass' });

/** Provokes the documented error from the emulator and compares the whole error object. */
async function runErrorBody(h: GoogleHarness, c: GoogleCase): Promise<CaseOutcome> {
  const doc = c.response?.body as { error: { code: number; message: string; errors: Array<Record<string, string>> } };
  const reason = doc.error.errors[0]?.reason ?? '';
  const auth = { authorization: `Bearer ${h.token(OWNER)}` };
  let res;
  if (['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded'].includes(reason)) {
    h.emu.faults.update({
      throttle: {
        enabled: true,
        requestsPerWindow: 1,
        windowSeconds: 60,
        status: c.response!.status as 403 | 429,
        reason: reason as 'quotaExceeded',
        retryAfterSeconds: null,
      },
    });
    await h.request('GET', '/calendar/v3/users/me/calendarList', { headers: auth });
    res = await h.request('GET', '/calendar/v3/users/me/calendarList', { headers: auth });
  } else if (reason === 'backendError') {
    h.emu.faults.update({ errors: { rate: 1, statuses: [c.response!.status as 500] } });
    res = await h.request('GET', '/calendar/v3/users/me/calendarList', { headers: auth });
  } else if (reason === 'forbiddenForNonOrganizer') {
    h.ensureUser('sam@example.com');
    const ev = await h.request('POST', '/calendar/v3/calendars/primary/events', {
      headers: auth,
      json: {
        summary: 'Shared',
        start: { dateTime: '2026-03-03T10:00:00Z' },
        end: { dateTime: '2026-03-03T11:00:00Z' },
        attendees: [{ email: 'sam@example.com' }],
      },
    });
    const id = (ev.json as { id: string }).id;
    res = await h.request('PATCH', `/calendar/v3/calendars/primary/events/${id}`, {
      headers: { authorization: `Bearer ${h.token('sam@example.com')}` },
      json: { guestsCanModify: true },
    });
  } else if (reason === 'conflict') {
    // Two batched changes of one event: the second conflicts with the first.
    const ev = await h.request('POST', '/calendar/v3/calendars/primary/events', {
      headers: auth,
      json: {
        summary: 'Batched',
        start: { dateTime: '2026-03-03T10:00:00Z' },
        end: { dateTime: '2026-03-03T11:00:00Z' },
      },
    });
    const id = (ev.json as { id: string }).id;
    const part = (n: number, summary: string) =>
      [
        '--b1',
        'Content-Type: application/http',
        `Content-ID: <item${n}>`,
        '',
        `PATCH /calendar/v3/calendars/primary/events/${id}`,
        'Content-Type: application/json',
        '',
        JSON.stringify({ summary }),
      ].join('\r\n');
    const batch = await h.request('POST', '/batch/calendar/v3', {
      headers: auth,
      raw: {
        body: `${part(1, 'First')}\r\n${part(2, 'Second')}\r\n--b1--\r\n`,
        contentType: 'multipart/mixed; boundary=b1',
      },
    });
    const boundary = boundaryOf(batch.headers['content-type']);
    if (batch.status !== 200 || !boundary)
      return fail(c, `batch answered ${batch.status}: ${batch.text.slice(0, 200)}`);
    const answers = splitMultipart(batch.text, boundary).map((p) => parseHttpMessage(p.body));
    if (answers.length !== 2 || !answers[0]!.startLine.startsWith('HTTP/1.1 200'))
      return fail(c, `batch parts: ${answers.map((a) => a.startLine).join(' | ')}`);
    const second = answers[1]!;
    let json: unknown;
    try {
      json = JSON.parse(second.body) as unknown;
    } catch {
      return fail(c, `the conflicting part's body is not JSON: ${second.body.slice(0, 200)}`);
    }
    res = { status: Number(second.startLine.split(' ')[1]), json, text: second.body };
  } else return fail(c, `no way to provoke reason '${reason}'`);
  if (res.status !== c.response!.status)
    return fail(c, `status ${res.status}, expected ${c.response!.status}: ${res.text.slice(0, 200)}`);
  const got = (res.json as typeof doc | null)?.error;
  if (!got || got.code !== doc.error.code || got.message !== doc.error.message)
    return fail(c, `error ${JSON.stringify(got)} differs from the documented one`);
  for (const [k, v] of Object.entries(doc.error.errors[0] ?? {}))
    if (got.errors[0]?.[k] !== v)
      return fail(c, `errors[0].${k}: got ${JSON.stringify(got.errors[0]?.[k])}, expected ${JSON.stringify(v)}`);
  return pass(c);
}

/** Opens a channel to the local receiver, changes the calendar, and checks the POST Google would send. */
async function runNotification(h: GoogleHarness, c: GoogleCase): Promise<CaseOutcome> {
  const doc = Object.fromEntries(Object.entries(c.request?.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const auth = { authorization: `Bearer ${h.token(OWNER)}` };
  const path = new URL(c.request!.url).pathname;
  const watch = await h.request('POST', '/calendar/v3/calendars/primary/events/watch', {
    headers: auth,
    json: {
      id: doc['x-goog-channel-id'],
      type: 'web_hook',
      address: `${h.receiver.url}${path}`,
      token: doc['x-goog-channel-token'],
    },
  });
  if (watch.status !== 200) return fail(c, `watch answered ${watch.status}: ${watch.text.slice(0, 200)}`);
  const state = doc['x-goog-resource-state'] ?? 'exists';
  if (state === 'exists') h.putEvent(OWNER, 'notifychange0001', { summary: 'Changed' });
  const post = await h.receiver.waitFor((p) => p.headers['x-goog-resource-state'] === state);
  if (!post) return fail(c, `no '${state}' notification reached the receiver`);
  for (const name of Object.keys(doc)) if (post.headers[name] === undefined) return fail(c, `header ${name} missing`);
  const ch = watch.json as { resourceId: string };
  const checks: Array<[string, boolean]> = [
    ['x-goog-channel-id', post.headers['x-goog-channel-id'] === doc['x-goog-channel-id']],
    ['x-goog-channel-token', post.headers['x-goog-channel-token'] === doc['x-goog-channel-token']],
    ['x-goog-resource-id', post.headers['x-goog-resource-id'] === ch.resourceId],
    ['x-goog-message-number', /^\d+$/.test(String(post.headers['x-goog-message-number']))],
    ['x-goog-channel-expiration', !Number.isNaN(Date.parse(String(post.headers['x-goog-channel-expiration'])))],
    ['x-goog-resource-uri', String(post.headers['x-goog-resource-uri']).includes('/calendar/v3/calendars/')],
    ['path', post.path === path],
  ];
  const bad = checks.find(([, good]) => !good);
  return bad ? fail(c, `${bad[0]} does not follow from the channel`) : pass(c);
}

/** The authorization page (consent), then the redirect with code and state; with PKCE, the code needs the verifier. */
async function runAuthorization(h: GoogleHarness, c: GoogleCase): Promise<CaseOutcome> {
  const q = new URLSearchParams(c.request!.query ?? {});
  if (q.get('login_hint')) h.ensureUser(q.get('login_hint')!);
  else h.ensureUser(OWNER);
  const page = await h.request('GET', `/o/oauth2/v2/auth?${q.toString()}`);
  if (page.status !== 200 || !page.text.includes('<form')) return fail(c, `consent page: status ${page.status}`);
  for (const s of (q.get('scope') ?? '').split(' '))
    if (!page.text.includes(s)) return fail(c, `consent page does not list ${s}`);
  const form = new URLSearchParams(q);
  form.set('decision', 'allow');
  form.set('account', q.get('login_hint') ?? OWNER);
  const back = await h.request('POST', '/o/oauth2/v2/auth/consent', { form: form.toString() });
  const loc = back.headers.location ? new URL(back.headers.location) : null;
  if (back.status !== 302 || !loc || `${loc.origin}${loc.pathname}` !== q.get('redirect_uri'))
    return fail(c, `consent did not redirect to the redirect_uri (${back.status})`);
  if (loc.searchParams.get('state') !== q.get('state') || !loc.searchParams.get('code'))
    return fail(c, 'the redirect lacks the state or the code');
  if (q.get('code_challenge')) {
    // RFC 7636 Appendix B: the verifier whose S256 challenge the case uses.
    const verifier = GoogleHarness.RFC7636_VERIFIER;
    if (createHash('sha256').update(verifier).digest('base64url') !== q.get('code_challenge'))
      return na(c, 'the challenge is not the RFC 7636 example; its verifier is unknown');
    const app = h.emu.oauth.apps.get(q.get('client_id')!)!;
    const token = await h.request('POST', '/token', {
      form: new URLSearchParams({
        code: loc.searchParams.get('code')!,
        client_id: app.clientId,
        client_secret: app.clientSecret,
        redirect_uri: q.get('redirect_uri')!,
        grant_type: 'authorization_code',
        code_verifier: verifier,
      }).toString(),
    });
    if (token.status !== 200 || !(token.json as { refresh_token?: string }).refresh_token)
      return fail(c, `code redemption with the verifier: ${token.status} ${token.text.slice(0, 200)}`);
  }
  return pass(c);
}

/** The redirect back to the app when the user declines: same query parameters as documented. */
async function runRedirect(h: GoogleHarness, c: GoogleCase): Promise<CaseOutcome> {
  const doc = new URL(c.request!.url);
  const redirect = `${doc.origin}${doc.pathname}`;
  const form = new URLSearchParams({
    client_id: 'your_client_id',
    redirect_uri: redirect,
    response_type: 'code',
    scope: 'openid email',
    state: 'st',
    decision: 'deny',
  });
  const back = await h.request('POST', '/o/oauth2/v2/auth/consent', { form: form.toString() });
  const loc = back.headers.location ? new URL(back.headers.location) : null;
  if (back.status !== 302 || !loc || `${loc.origin}${loc.pathname}` !== redirect)
    return fail(c, `no redirect to ${redirect} (${back.status})`);
  for (const [k, v] of doc.searchParams)
    if (loc.searchParams.get(k) !== v) return fail(c, `${k}=${loc.searchParams.get(k)}, expected ${v}`);
  return pass(c);
}

/** Fragments and structures: the emulator's answer to the request that yields them. */
async function runData(h: GoogleHarness, c: GoogleCase, int64: Set<string>): Promise<CaseOutcome> {
  const auth = { authorization: `Bearer ${h.token(OWNER)}` };
  h.ensureUser('sam@example.com');
  h.putEvent(OWNER, 'datafixture0001', { summary: 'Fixture' });
  const isFreeBusy = /freebusy/.test(c.api);
  const isRequest = isFreeBusy && /request/i.test(c.title + c.id);
  if (isRequest) {
    const now = new Date(h.emu.clock.now());
    const body = {
      timeMin: now.toISOString(),
      timeMax: new Date(now.getTime() + 86_400_000).toISOString(),
      timeZone: 'UTC',
      groupExpansionMax: 10,
      calendarExpansionMax: 10,
      items: [{ id: 'primary' }],
    };
    const d = compareStructure(c.data, body, new Set());
    if (d) return fail(c, `runner request does not follow the structure: ${d}`);
    const res = await h.request('POST', '/calendar/v3/freeBusy', { headers: auth, json: body });
    return res.status === 200
      ? pass(c)
      : fail(c, `a request built from the structure was refused: ${res.status} ${res.text.slice(0, 200)}`);
  }
  const res = isFreeBusy
    ? await h.request('POST', '/calendar/v3/freeBusy', {
        headers: auth,
        json: {
          timeMin: '2026-03-03T00:00:00Z',
          timeMax: '2026-03-04T00:00:00Z',
          items: [{ id: 'primary' }, { id: 'nobody@unknown.example' }],
        },
      })
    : await h.request('GET', '/calendar/v3/calendars/primary/events?maxResults=250', { headers: auth });
  if (res.status !== 200) return fail(c, `status ${res.status}`);
  if (c.kind === 'json-fragment')
    return compareGoogleShape(c.data, res.json, int64)
      ? fail(c, String(compareGoogleShape(c.data, res.json, int64)))
      : pass(c);
  // "X and Y are mutually exclusive" in the notes: one of them is enough.
  const optional = new Set<string>();
  const m = /(\w+) and (\w+) are mutually exclusive/.exec(c.notes);
  if (m) for (const k of [m[1]!, m[2]!]) if (!(k in (res.json as object))) optional.add(k);
  const d = compareStructure(c.data, res.json, optional);
  return d ? fail(c, d) : pass(c);
}

async function runOne(h: GoogleHarness, c: GoogleCase, int64: Set<string>): Promise<CaseOutcome> {
  switch (c.kind) {
    case 'http-exchange':
      if (!c.request) return na(c, 'no request documented');
      return runGoogleExchange(h, c as ConformanceCase, int64);
    case 'error-body':
      return runErrorBody(h, c);
    case 'notification':
      return runNotification(h, c);
    case 'authorization-request':
      return runAuthorization(h, c);
    case 'redirect':
      return runRedirect(h, c);
    case 'json-fragment':
    case 'resource-representation':
      return runData(h, c, int64);
    case 'webhook-validation':
      return na(c, 'Google push channels have no validation handshake (a Graph-only case kind)');
    default:
      return na(c, `case kind '${String(c.kind)}' has no Google runner`);
  }
}

/** Runs every Google case in `dir`; the emulator is reset before each case. */
export async function runGoogleConformance(
  dir: string,
  opts: { only?: (id: string) => boolean; onResult?: (r: CaseOutcome) => void } = {},
): Promise<CaseOutcome[]> {
  const cases = (loadCases(dir) as unknown as GoogleCase[]).filter((c) => !opts.only || opts.only(c.id));
  const int64 = int64Properties(join(dirname(dir), 'calendar-v3-discovery.json'));
  const h = await GoogleHarness.start();
  const results: CaseOutcome[] = [];
  try {
    for (const c of cases) {
      let r: CaseOutcome;
      try {
        await h.reset();
        r = await runOne(h, c, int64);
      } catch (e) {
        r = fail(c, `runner error: ${(e as Error).message}`);
      }
      results.push(r);
      opts.onResult?.(r);
    }
  } finally {
    await h.close();
  }
  return results;
}
