// The calendar API's canonical paths (/api/calendar/...) and their deprecated aliases (/api/outlook/calendar/...):
// every aliased route answers the same request with the same status and body at both paths, the alias adds
// `Deprecation` and `Link` headers, and the OpenAPI document describes the alias as the canonical operation, deprecated.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALENDAR_PREFIX, OUTLOOK_CALENDAR_ALIAS_PREFIX } from '../../src/http/route-aliases.js';
import { startSchedulingHarness, type Person, type SchedulingHarness } from './scheduling-harness.js';

let h: SchedulingHarness;
beforeAll(async () => {
  h = await startSchedulingHarness({ allowSelfApprovalInternal: true, onlineMeetingByDefault: true });
});
afterAll(async () => h?.close());

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
interface Req {
  method: Method;
  /** Relative to the prefix, e.g. `/events?limit=1`. */
  path: string;
  who?: Person | null;
  payload?: object;
  headers?: Record<string, string>;
}
/** 0: the canonical path's run, 1: the alias's. A case makes its own fixtures per run when its request changes state. */
type Run = 0 | 1;
type Case = (run: Run) => Promise<Req>;

const MON = '2026-05-04';
const at = (hhmm: string, day = MON) => `${day}T${hhmm}:00.000Z`;

async function send(prefix: string, r: Req): Promise<LightMyRequestResponse> {
  const who = r.who === undefined ? h.csm : r.who;
  return h.app.inject({
    method: r.method,
    url: `${prefix}${r.path}`,
    headers: { ...(who ? who.auth : {}), ...r.headers },
    ...(r.payload ? { payload: r.payload } : {}),
  });
}

/** Keys whose values each run makes anew: write times (the database's clock, not the harness's). */
const VOLATILE = new Set(['createdAt', 'updatedAt']);
/** What identifies the objects a run created: UUIDs, the mock provider's event ids and change keys. */
const ID =
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|evt-\d{6}|(?<=")[0-9a-f]{8}-[0-9a-z]{1,6}(?=")/gi;

/**
 * The body with what differs between two equal requests by construction replaced: the request id, write times
 * (VOLATILE), and the ids of the objects each run created (ID) by their order of first appearance, so references
 * between them still compare.
 */
function normalized(res: LightMyRequestResponse): unknown {
  if (!res.body) return null;
  const ids = new Map<string, string>();
  const text = res.body.replace(ID, (u) => {
    if (!ids.has(u)) ids.set(u, `<id ${ids.size}>`);
    return ids.get(u)!;
  });
  return JSON.parse(text, (k, v: unknown) =>
    VOLATILE.has(k) && v !== null ? `<${k}>` : k === 'requestId' ? '<request id>' : v,
  ) as unknown;
}

/** A meeting of the CSM on the calendar (proposed and self-approved: internal attendees only), with a body. */
async function meeting(day: string, subject: string): Promise<string> {
  const p = await send(CALENDAR_PREFIX, {
    method: 'POST',
    path: '/events',
    payload: {
      subject,
      bodyHtml: '<p>Agenda</p>',
      start: at('14:00', day),
      end: at('15:00', day),
      attendees: [{ email: 'megan@contoso.com' }],
    },
  });
  expect(p.statusCode).toBe(201);
  const a = await h.app.inject({
    method: 'POST',
    url: `/api/proposals/${(p.json() as Json).id}/approve`,
    headers: h.csm.auth,
  });
  expect(a.statusCode).toBe(200);
  return (a.json() as Json).result.meetingId as string;
}

const NO_SUCH = '0b6f0a5e-0000-4000-8000-000000000000';
let listed: string;

/**
 * Per aliased operation (`METHOD /path` as OpenAPI spells it, relative to the prefixes): requests with the status both
 * paths answer them with.
 */
const CASES: Record<string, Array<[status: number, make: Case]>> = {
  'GET /events': [
    [
      200,
      async () => ({
        method: 'GET',
        path: `/events?start=${at('00:00', '2026-05-05')}&end=${at('23:59', '2026-05-05')}`,
      }),
    ],
    [400, async () => ({ method: 'GET', path: '/events?limit=0' })],
  ],
  'POST /events': [
    [
      201,
      async () => ({
        method: 'POST',
        path: '/events',
        payload: {
          subject: 'Acme sync',
          start: at('17:00'),
          end: at('17:30'),
          attendees: [{ email: 'megan@contoso.com' }, { email: 'john@acmecorp.com', name: 'John' }],
          room: 'room.rainier@contoso.com',
        },
      }),
    ],
    [400, async () => ({ method: 'POST', path: '/events', payload: { subject: 'No times', attendees: [] } })],
  ],
  'PUT /events/{id}': [
    [
      200,
      async () => ({
        method: 'PUT',
        path: `/events/${await meeting('2026-05-06', 'Internal')}`,
        payload: { subject: 'Renamed' },
      }),
    ],
    [
      202,
      async () => ({
        method: 'PUT',
        path: `/events/${await meeting('2026-05-06', 'External')}`,
        payload: { attendees: [{ email: 'megan@contoso.com' }, { email: 'john@acmecorp.com' }] },
      }),
    ],
    [
      412,
      async () => ({
        method: 'PUT',
        path: `/events/${await meeting('2026-05-06', 'Stale')}`,
        headers: { 'if-match': 'old' },
        payload: { subject: 'x' },
      }),
    ],
    [404, async () => ({ method: 'PUT', path: `/events/${NO_SUCH}`, payload: { subject: 'x' } })],
  ],
  'DELETE /events/{id}': [
    [204, async () => ({ method: 'DELETE', path: `/events/${await meeting('2026-05-07', 'Gone')}` })],
    [400, async () => ({ method: 'DELETE', path: '/events/not-a-uuid' })],
  ],
  'POST /events/{id}/rsvp': [
    // The CSM organizes the meeting: only invitees answer it.
    [
      409,
      async () => ({
        method: 'POST',
        path: `/events/${await meeting('2026-05-07', 'Own')}/rsvp`,
        payload: { response: 'accepted' },
      }),
    ],
    [404, async () => ({ method: 'POST', path: `/events/${NO_SUCH}/rsvp`, payload: { response: 'declined' } })],
    [400, async () => ({ method: 'POST', path: `/events/${NO_SUCH}/rsvp`, payload: { response: 'maybe' } })],
  ],
  'GET /events/{id}/body': [
    [200, async () => ({ method: 'GET', path: `/events/${listed}/body` })],
    [404, async () => ({ method: 'GET', path: `/events/${NO_SUCH}/body` })],
  ],
  'GET /availability': [
    [
      200,
      async () => ({
        method: 'GET',
        path: `/availability?start=${at('15:00')}&end=${at('19:00')}&attendees=megan@contoso.com&attendees=john@acmecorp.com&rooms=room.rainier@contoso.com&granularity=60&timeZone=America/Los_Angeles`,
      }),
    ],
    [409, async () => ({ method: 'GET', path: `/availability?start=${at('15:00')}&end=${at('16:00')}`, who: h.loner })],
    [400, async () => ({ method: 'GET', path: `/availability?start=${at('16:00')}&end=${at('15:00')}` })],
  ],
  'POST /findmeetingtimes': [
    [
      200,
      async () => ({
        method: 'POST',
        path: '/findmeetingtimes',
        payload: {
          attendees: [{ email: 'megan@contoso.com' }],
          window: { start: at('13:00'), end: at('23:00') },
          durationMinutes: 30,
        },
      }),
    ],
    [400, async () => ({ method: 'POST', path: '/findmeetingtimes', payload: { attendees: [] } })],
  ],
  'GET /rooms': [
    [200, async () => ({ method: 'GET', path: '/rooms' })],
    [200, async () => ({ method: 'GET', path: '/rooms?minCapacity=10' })],
  ],
  'GET /sync-status': [[200, async () => ({ method: 'GET', path: '/sync-status' })]],
  'POST /sync': [
    // A sync already queued is not queued twice: each run asks for another user's calendars (both have the same).
    [202, async (run) => ({ method: 'POST', path: '/sync', who: [h.csm, h.manager][run], payload: { full: true } })],
    [404, async () => ({ method: 'POST', path: '/sync', payload: { calendarId: NO_SUCH } })],
  ],
};

type Doc = { paths: Record<string, Record<string, Json>> };
let doc: Doc;
beforeAll(async () => {
  doc = (await h.app.inject({ url: '/docs/json' })).json() as Doc;
  listed = await meeting('2026-05-05', 'Listed');
});

/** The aliased operations of the served document, as `METHOD /path` relative to the prefixes. */
const aliasedOperations = () =>
  Object.entries(doc.paths)
    .filter(([p]) => p.startsWith(`${OUTLOOK_CALENDAR_ALIAS_PREFIX}/`))
    .flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.slice(OUTLOOK_CALENDAR_ALIAS_PREFIX.length)}`),
    )
    .sort();

describe('the calendar API at /api/calendar and its /api/outlook/calendar aliases', () => {
  it('has a case here for every aliased operation of the OpenAPI document', () => {
    expect(aliasedOperations()).toEqual(Object.keys(CASES).sort());
    expect(aliasedOperations()).toHaveLength(11);
  });

  it('documents each alias as its canonical operation, deprecated and pointing to the canonical path', () => {
    for (const op of aliasedOperations()) {
      const [method, path] = op.split(' ') as [string, string];
      const m = method.toLowerCase();
      const canonical = doc.paths[`${CALENDAR_PREFIX}${path}`]?.[m];
      const alias = doc.paths[`${OUTLOOK_CALENDAR_ALIAS_PREFIX}${path}`]![m]!;
      expect(canonical, op).toBeDefined();
      expect(canonical!.deprecated, op).toBeUndefined();
      expect(alias.deprecated, op).toBe(true);
      expect(alias.description, op).toContain(`Deprecated alias of \`${method} ${CALENDAR_PREFIX}${path}\``);
      const { deprecated: _d, description: _a, ...aliasRest } = alias;
      const { description: _c, ...canonicalRest } = canonical!;
      expect(aliasRest, op).toEqual(canonicalRest);
    }
  });

  for (const [op, cases] of Object.entries(CASES))
    it(`${op}: the same status and body at both paths; the alias says it is deprecated`, async () => {
      for (const [i, [status, make]] of cases.entries()) {
        // One run after the other (each makes its fixtures first), so the two requests never race.
        const canonical = await send(CALENDAR_PREFIX, await make(0));
        const alias = await send(OUTLOOK_CALENDAR_ALIAS_PREFIX, await make(1));
        const label = `${op} #${i}`;
        expect(canonical.statusCode, label).toBe(status);
        expect(alias.statusCode, label).toBe(status);
        expect(normalized(alias), label).toEqual(normalized(canonical));
        expect(canonical.headers.deprecation, label).toBeUndefined();
        expect(canonical.headers.link, label).toBeUndefined();
        expect(alias.headers.deprecation, label).toBe('true');
        expect(alias.headers.link, label).toMatch(new RegExp(`^<${CALENDAR_PREFIX}/[^>]+>; rel="successor-version"$`));
      }
    });

  it('answers an unauthenticated request alike at both paths, the alias with its headers', async () => {
    const [canonical, alias] = [
      await send(CALENDAR_PREFIX, { method: 'GET', path: `/events/${NO_SUCH}/body`, who: null }),
      await send(OUTLOOK_CALENDAR_ALIAS_PREFIX, { method: 'GET', path: `/events/${NO_SUCH}/body`, who: null }),
    ];
    expect(canonical.statusCode).toBe(401);
    expect(alias.statusCode).toBe(401);
    expect(normalized(alias)).toEqual(normalized(canonical));
    expect(alias.headers.deprecation).toBe('true');
    expect(alias.headers.link).toBe(`<${CALENDAR_PREFIX}/events/${NO_SUCH}/body>; rel="successor-version"`);
  });
});
