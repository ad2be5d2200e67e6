// Scheduling writes name the event's calendar: a meeting in a colleague's calendar shared with the organizer is
// changed and cancelled there, and a cancel the provider cannot perform (the calendar no longer shared) is an
// error shown to the user, never recorded as done; only a provider that confirms the event is gone counts as done.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxEvents, startSchedulingHarness, type SchedulingHarness } from './scheduling-harness.js';

let h: SchedulingHarness;
let sharedCalendarId: string;
let megansCalendar: string;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const call = async (
  who: { auth: { authorization: string } },
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  payload?: object,
) => {
  const r = await h.app.inject({ method, url, headers: who.auth, ...(payload ? { payload } : {}) });
  return { status: r.statusCode, body: (r.body ? r.json() : null) as Json };
};
const at = (hhmm: string, day: string) => `${day}T${hhmm}:00.000Z`;

beforeAll(async () => {
  h = await startSchedulingHarness({ allowSelfApprovalInternal: true });
  const world = h.container.mockWorld;
  megansCalendar = world.defaultCalendar('megan@contoso.com');
  world.shareCalendar('megan@contoso.com', megansCalendar, 'adele@contoso.com', 'write');
  const provider = h.container.providers.forConnection('MICROSOFT', {
    tenantId: h.tenantId,
    userId: h.csm.userId,
    connectionId: h.csm.connectionId!,
    mailbox: h.csm.email,
  });
  await h.connections.replaceCalendars(h.tenantId, h.csm.userId, h.csm.connectionId!, await provider.listCalendars());
  const row = await h.container.database.db
    .selectFrom('calendars')
    .select('id')
    .where('connection_id', '=', h.csm.connectionId!)
    .where('provider_calendar_id', '=', megansCalendar)
    .executeTakeFirstOrThrow();
  sharedCalendarId = row.id;
});
afterAll(async () => h?.close());

/** A meeting the CSM books in Megan's shared calendar; approved by the CSM (internal) or the manager (external). */
async function bookInSharedCalendar(day: string, external: boolean): Promise<string> {
  const p = await call(h.csm, 'POST', '/api/outlook/calendar/events', {
    subject: external ? 'Acme review' : 'Team prep',
    bodyHtml: '<p>Agenda</p>',
    start: at('14:00', day),
    end: at('15:00', day),
    attendees: external ? [{ email: 'john@acmecorp.com', type: 'required' }] : [],
    calendarId: sharedCalendarId,
  });
  expect(p.status, JSON.stringify(p.body)).toBe(201);
  const approver = external ? h.manager : h.csm;
  const a = await call(approver, 'POST', `/api/proposals/${p.body.id}/approve`);
  expect(a.status, JSON.stringify(a.body)).toBe(200);
  return a.body.result.meetingId as string;
}

/** Whether calbridge still records the meeting. */
const recorded = async (meetingId: string) =>
  (await h.container.database.db.selectFrom('meetings').select('id').where('id', '=', meetingId).execute()).length ===
  1;

const inMegansCalendar = (meetingId: string) =>
  mailboxEvents(h, 'megan@contoso.com').find((e) => e.externalId === meetingId && e.calendarId === megansCalendar);

describe('scheduling writes in a shared calendar', () => {
  it('changes and cancels a meeting in the calendar it lives in', async () => {
    const id = await bookInSharedCalendar('2026-05-12', false);
    expect(inMegansCalendar(id)).toBeDefined();
    const put = await call(h.csm, 'PUT', `/api/outlook/calendar/events/${id}`, { subject: 'Team prep (moved)' });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(inMegansCalendar(id)!.subject).toBe('Team prep (moved)');
    const del = await call(h.csm, 'DELETE', `/api/outlook/calendar/events/${id}`);
    expect(del.status, JSON.stringify(del.body)).toBe(204);
    expect(inMegansCalendar(id)).toBeUndefined();
    expect(await recorded(id)).toBe(false);
  });

  it('a cancel the provider cannot perform is an error, and the meeting stays (direct and approved)', async () => {
    const direct = await bookInSharedCalendar('2026-05-13', false);
    const approved = await bookInSharedCalendar('2026-05-14', true);
    const proposal = await call(h.csm, 'DELETE', `/api/outlook/calendar/events/${approved}`);
    expect(proposal.status).toBe(202);
    // Megan stops sharing her calendar: its events cannot be reached through the CSM's connection any more.
    h.container.mockWorld.mailboxes.get('megan@contoso.com')!.calendars.get(megansCalendar)!.sharedWith!.clear();

    const del = await call(h.csm, 'DELETE', `/api/outlook/calendar/events/${direct}`);
    expect(del.status).toBe(409);
    expect(del.body.error.code).toBe('event_unreachable');
    expect(await recorded(direct)).toBe(true);
    expect(inMegansCalendar(direct)).toBeDefined();

    const a = await call(h.manager, 'POST', `/api/proposals/${proposal.body.proposal.id}/approve`);
    expect(a.status).toBe(409);
    expect(a.body.error.code).toBe('event_unreachable');
    const rec = await call(h.manager, 'GET', `/api/proposals/${proposal.body.proposal.id}`);
    expect(rec.body).toMatchObject({ status: 'pending', error: 'event_unreachable' });
    expect(await recorded(approved)).toBe(true);
    expect(inMegansCalendar(approved)).toBeDefined();
  });

  it('a cancel of an event the provider confirms gone is done', async () => {
    h.container.mockWorld.shareCalendar('megan@contoso.com', megansCalendar, 'adele@contoso.com', 'write');
    const id = await bookInSharedCalendar('2026-05-15', false);
    h.container.mockWorld.remove(inMegansCalendar(id)!.id);
    const del = await call(h.csm, 'DELETE', `/api/outlook/calendar/events/${id}`);
    expect(del.status, JSON.stringify(del.body)).toBe(204);
    expect(await recorded(id)).toBe(false);
  });
});
