import type { FastifyInstance } from 'fastify';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MailboxStore } from '../store.js';
import { corpusAvailable, NO_CORPUS } from '../../../conformance/corpus.js';
import { buildTestApp, conformanceCase, shapeDiff, tokenFor } from '../testing.js';
import calendarView from './calendar-view.js';
import delta from './delta.js';
import events from './events.js';

// The tests that compare with the shared corpus skip without it (saying so once, failing under CI).
const hasCorpus = corpusAvailable(
  'graph-conformance',
  'delta pages against the documented shapes (emulator/microsoft/graph/routes/delta.test.ts, 1 test)',
);

const ADELE = 'a0000000-0000-4000-8000-000000000001';
const h = { authorization: tokenFor(ADELE) };
const WINDOW = 'startDateTime=2026-11-01T00:00:00Z&endDateTime=2027-01-01T00:00:00Z';
const local = (u: string) => u.replace('https://graph.test', '');

let app: FastifyInstance;
let store: MailboxStore;

beforeEach(async () => {
  ({ app, store } = await buildTestApp([events, delta, calendarView]));
});

async function single(subject: string, day: number): Promise<string> {
  const d = `2026-11-${String(day).padStart(2, '0')}`;
  const r = await app.inject({
    method: 'POST',
    url: '/v1.0/me/events',
    headers: h,
    payload: {
      subject,
      start: { dateTime: `${d}T10:00:00`, timeZone: 'UTC' },
      end: { dateTime: `${d}T11:00:00`, timeZone: 'UTC' },
    },
  });
  return r.json().id as string;
}

/** A weekly series on Mondays 09:00 Berlin time, crossing nothing but covering Nov–Dec 2026. */
async function weekly(): Promise<Record<string, unknown>> {
  const r = await app.inject({
    method: 'POST',
    url: '/v1.0/me/events',
    headers: h,
    payload: {
      subject: 'Weekly sync',
      start: { dateTime: '2026-11-02T09:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2026-11-02T09:30:00', timeZone: 'W. Europe Standard Time' },
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
        range: { type: 'endDate', startDate: '2026-11-02', endDate: '2026-12-28' },
      },
    },
  });
  expect(r.statusCode).toBe(201);
  return r.json();
}

/** Follows a delta round to its deltaLink; returns every item and the deltaLink. */
async function round(
  url: string,
  pageSize = 3,
): Promise<{ items: Array<Record<string, unknown>>; deltaLink: string; pages: number }> {
  const items: Array<Record<string, unknown>> = [];
  let next: string | undefined = url;
  let pages = 0;
  for (;;) {
    const r = await app.inject({
      method: 'GET',
      url: next,
      headers: { ...h, prefer: `odata.maxpagesize=${pageSize}` },
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['preference-applied']).toBe(`odata.maxpagesize=${pageSize}`);
    const b = r.json();
    pages++;
    expect(b.value.length).toBeLessThanOrEqual(pageSize);
    items.push(...b.value);
    if (b['@odata.nextLink']) {
      expect(b['@odata.nextLink']).toMatch(/^https:\/\/graph\.test\/v1\.0\/me\/calendarView\/delta\?\$skiptoken=/);
      next = local(b['@odata.nextLink']);
    } else {
      expect(b['@odata.deltaLink']).toMatch(/^https:\/\/graph\.test\/v1\.0\/me\/calendarView\/delta\?\$deltatoken=/);
      return { items, deltaLink: local(b['@odata.deltaLink']), pages };
    }
  }
}

describe('series, occurrences and exceptions', () => {
  it('lists occurrences with stable ids, turns a patched occurrence into an exception, drops a deleted one', async () => {
    const master = await weekly();
    const url = `/v1.0/me/events/${String(master.id)}/instances?startDateTime=2026-11-01T00:00:00Z&endDateTime=2026-11-30T00:00:00Z`;
    const first = (await app.inject({ method: 'GET', url, headers: h })).json().value;
    expect(first).toHaveLength(4);
    expect(first[0]).toMatchObject({
      type: 'occurrence',
      seriesMasterId: master.id,
      start: { dateTime: '2026-11-02T08:00:00.0000000', timeZone: 'UTC' },
    });
    expect(first[0].originalStart).toBe('2026-11-02T08:00:00Z');
    const again = (await app.inject({ method: 'GET', url, headers: h })).json().value;
    expect(again.map((o: { id: string }) => o.id)).toEqual(first.map((o: { id: string }) => o.id));
    const patched = await app.inject({
      method: 'PATCH',
      url: `/v1.0/me/events/${first[1].id}`,
      headers: h,
      payload: {
        subject: 'Moved sync',
        start: { dateTime: '2026-11-09T11:00:00', timeZone: 'W. Europe Standard Time' },
        end: { dateTime: '2026-11-09T11:30:00', timeZone: 'W. Europe Standard Time' },
      },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      id: first[1].id,
      type: 'exception',
      seriesMasterId: master.id,
      subject: 'Moved sync',
    });
    expect((await app.inject({ method: 'DELETE', url: `/v1.0/me/events/${first[2].id}`, headers: h })).statusCode).toBe(
      204,
    );
    const after = (await app.inject({ method: 'GET', url, headers: h })).json().value;
    expect(after.map((o: { type: string; subject: string }) => `${o.type}:${o.subject}`)).toEqual([
      'occurrence:Weekly sync',
      'exception:Moved sync',
      'occurrence:Weekly sync',
    ]);
    const gotMaster = (
      await app.inject({ method: 'GET', url: `/v1.0/me/events/${after[0].seriesMasterId}`, headers: h })
    ).json();
    expect(gotMaster.type).toBe('seriesMaster');
    expect(gotMaster.recurrence.pattern.type).toBe('weekly');
  });

  it('drops exceptions when the series pattern changes and propagates deleted occurrences to attendees', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/v1.0/me/events',
      headers: h,
      payload: {
        subject: 'Team',
        start: { dateTime: '2026-11-02T09:00:00', timeZone: 'UTC' },
        end: { dateTime: '2026-11-02T09:30:00', timeZone: 'UTC' },
        recurrence: {
          pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
          range: { type: 'numbered', startDate: '2026-11-02', numberOfOccurrences: 4 },
        },
        attendees: [{ emailAddress: { address: 'megan.bowen@contoso.com' } }],
      },
    });
    const id = String(r.json().id);
    const url = `/v1.0/me/events/${id}/instances?startDateTime=2026-11-01T00:00:00Z&endDateTime=2026-12-01T00:00:00Z&$select=subject,type`;
    const occ = (await app.inject({ method: 'GET', url, headers: h })).json();
    expect(occ['@odata.context']).toContain(`/events('${encodeURIComponent(id)}')/instances(subject,type)`);
    await app.inject({ method: 'DELETE', url: `/v1.0/me/events/${occ.value[0].id}`, headers: h });
    const MEGAN = 'a0000000-0000-4000-8000-000000000002';
    const copy = store.listEvents(MEGAN)[0]!;
    expect(
      store.instances(MEGAN, copy.data.id!, Date.parse('2026-11-01T00:00:00Z'), Date.parse('2026-12-01T00:00:00Z')),
    ).toHaveLength(3);
    await app.inject({
      method: 'PATCH',
      url: `/v1.0/me/events/${occ.value[1].id}`,
      headers: h,
      payload: { subject: 'Special' },
    });
    expect(
      (await app.inject({ method: 'GET', url, headers: h })).json().value.map((v: { type: string }) => v.type),
    ).toEqual(['exception', 'occurrence', 'occurrence']);
    await app.inject({
      method: 'PATCH',
      url: `/v1.0/me/events/${id}`,
      headers: h,
      payload: {
        start: { dateTime: '2026-11-02T10:00:00', timeZone: 'UTC' },
        end: { dateTime: '2026-11-02T10:30:00', timeZone: 'UTC' },
      },
    });
    const after = (await app.inject({ method: 'GET', url, headers: h })).json().value;
    expect(after.map((v: { type: string }) => v.type)).toEqual([
      'occurrence',
      'occurrence',
      'occurrence',
      'occurrence',
    ]);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/v1.0/me/events/${id}/forward`,
          headers: h,
          payload: { ToRecipients: [{ emailAddress: { address: 'x@y.com' } }] },
        })
      ).statusCode,
    ).toBe(202);
  });

  it('keeps wall-clock time of a series across a DST change', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/v1.0/me/events',
      headers: h,
      payload: {
        subject: 'DST',
        start: { dateTime: '2026-10-19T09:00:00', timeZone: 'Pacific Standard Time' },
        end: { dateTime: '2026-10-19T10:00:00', timeZone: 'Pacific Standard Time' },
        recurrence: {
          pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
          range: { type: 'numbered', startDate: '2026-10-19', numberOfOccurrences: 4 },
        },
      },
    });
    const view = await app.inject({
      method: 'GET',
      url: '/v1.0/me/calendarView?startDateTime=2026-10-01T00:00:00Z&endDateTime=2026-12-01T00:00:00Z',
      headers: { ...h, prefer: 'outlook.timezone="Pacific Standard Time"' },
    });
    const starts = view
      .json()
      .value.filter((v: { seriesMasterId: string }) => v.seriesMasterId === r.json().id)
      .map((v: { start: { dateTime: string } }) => v.start.dateTime);
    expect(starts).toEqual([
      '2026-10-19T09:00:00.0000000',
      '2026-10-26T09:00:00.0000000',
      '2026-11-02T09:00:00.0000000',
      '2026-11-09T09:00:00.0000000',
    ]);
  });
});

describe('calendarView', () => {
  it('requires a window', async () => {
    const r = await app.inject({ method: 'GET', url: '/v1.0/me/calendarView', headers: h });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('ErrorInvalidParameter');
  });

  it('returns single events and expanded occurrences in the window, ordered by start', async () => {
    await single('A', 3);
    await weekly();
    const b = (
      await app.inject({
        method: 'GET',
        url: '/v1.0/me/calendarView?startDateTime=2026-11-01T00:00:00Z&endDateTime=2026-11-10T00:00:00Z',
        headers: h,
      })
    ).json();
    expect(b.value.map((v: { subject: string; type: string }) => `${v.subject}/${v.type}`)).toEqual([
      'Weekly sync/occurrence',
      'A/singleInstance',
      'Weekly sync/occurrence',
    ]);
    expect(b['@odata.context']).toContain('/calendarView');
  });
});

describe('calendarView/delta', () => {
  it('syncs fully, then returns only changes: updates as objects, deletions as @removed', async () => {
    const a = await single('A', 3);
    const b = await single('B', 4);
    await single('C', 5);
    const master = await weekly();
    const full = await round(`/v1.0/me/calendarView/delta?${WINDOW}`);
    expect(full.pages).toBeGreaterThan(1);
    expect(full.items).toHaveLength(3 + 9);
    expect(full.items.every((i) => i['@odata.type'] === '#microsoft.graph.event')).toBe(true);

    await app.inject({ method: 'PATCH', url: `/v1.0/me/events/${a}`, headers: h, payload: { subject: 'A2' } });
    await app.inject({ method: 'DELETE', url: `/v1.0/me/events/${b}`, headers: h });
    const d = await single('D', 6);
    const occ = full.items.find((i) => i.seriesMasterId === master.id)!;
    await app.inject({ method: 'DELETE', url: `/v1.0/me/events/${String(occ.id)}`, headers: h });

    const inc = await round(full.deltaLink);
    const byId = new Map(inc.items.map((i) => [i.id, i]));
    expect(byId.get(a)).toMatchObject({ subject: 'A2' });
    expect(byId.get(b)).toEqual({ '@odata.type': '#microsoft.graph.event', id: b, '@removed': { reason: 'deleted' } });
    expect(byId.get(d)).toMatchObject({ subject: 'D' });
    expect(byId.get(occ.id)).toMatchObject({ '@removed': { reason: 'deleted' } });

    const quiet = await round(inc.deltaLink);
    expect(quiet.items).toEqual([]);
  });

  it('has the documented page shapes (concept-delta-query-events-2 and -4)', async ({ skip }) => {
    skip(!hasCorpus, NO_CORPUS);
    await single('A', 3);
    await single('B', 4);
    await single('C', 5);
    const doc2 = await conformanceCase('concept-delta-query-events-2');
    const first = (
      await app.inject({
        method: 'GET',
        url: `/v1.0/me/calendarView/delta?${WINDOW}`,
        headers: { ...h, prefer: 'odata.maxpagesize=2' },
      })
    ).json();
    expect(shapeDiff(doc2.response!.body, first)).toEqual([]);
    const rest = await round(local(first['@odata.nextLink']), 2);
    const gone = rest.items.length ? String(first.value[0].id) : '';
    await app.inject({ method: 'DELETE', url: `/v1.0/me/events/${gone}`, headers: h });
    const doc4 = await conformanceCase('concept-delta-query-events-4');
    const inc = (
      await app.inject({ method: 'GET', url: rest.deltaLink, headers: { ...h, prefer: 'odata.maxpagesize=2' } })
    ).json();
    expect(Object.keys(inc)).toEqual(Object.keys(doc4.response!.body as object));
    expect(Object.keys(inc.value[0]).sort()).toEqual(
      Object.keys((doc4.response!.body as { value: object[] }).value[0]!).sort(),
    );
  });

  it('answers 410 SyncStateNotFound for invalidated or unknown tokens', async () => {
    await single('A', 3);
    const full = await round(`/v1.0/me/calendarView/delta?${WINDOW}`);
    store.invalidateDeltaTokens(ADELE);
    const r = await app.inject({ method: 'GET', url: full.deltaLink, headers: h });
    expect(r.statusCode).toBe(410);
    expect(r.json().error.code).toBe('SyncStateNotFound');
    const junk = await app.inject({
      method: 'GET',
      url: '/v1.0/me/calendarView/delta?$deltatoken=garbage',
      headers: h,
    });
    expect(junk.statusCode).toBe(410);
    const skip = await app.inject({
      method: 'GET',
      url: '/v1.0/me/calendarView/delta?$skiptoken=R0useyJrIjoibm9wZSIsIm8iOjB9',
      headers: h,
    });
    expect(skip.statusCode).toBe(410);
    const again = await round(`/v1.0/me/calendarView/delta?${WINDOW}`);
    expect(again.items).toHaveLength(1);
    store.load(store.toJSON());
    expect((await app.inject({ method: 'GET', url: again.deltaLink, headers: h })).statusCode).toBe(410);
  });

  it('pages through a 5,000-event mailbox, every event exactly once', async () => {
    const { seedBulk } = await import('../seed-events.js');
    seedBulk(store, ADELE, 5000, 7);
    const all = await round(
      `/v1.0/me/calendarView/delta?startDateTime=2025-01-01T00:00:00Z&endDateTime=2028-01-01T00:00:00Z`,
      500,
    );
    expect(all.items).toHaveLength(5000);
    expect(new Set(all.items.map((i) => i.id)).size).toBe(5000);
    expect(all.pages).toBe(10);
  });
});
