// Scheduling on the mock provider: availability (fail closed), suggestions, rooms, proposals approved exactly once,
// rejection, expiry, permissions, connection errors, direct internal changes, templates and privacy mode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxEvents, startSchedulingHarness, type SchedulingHarness } from './scheduling-harness.js';

let h: SchedulingHarness;
beforeAll(async () => {
  h = await startSchedulingHarness({ allowSelfApprovalInternal: true, onlineMeetingByDefault: true });
});
afterAll(async () => h?.close());

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const call = async (
  who: { auth: { authorization: string } },
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH',
  url: string,
  payload?: object,
) => {
  const r = await h.app.inject({ method, url, headers: who.auth, ...(payload ? { payload } : {}) });
  return { status: r.statusCode, body: (r.body ? r.json() : null) as Json };
};

const MON = '2026-05-04';
const at = (hhmm: string, day = MON) => `${day}T${hhmm}:00.000Z`;

async function propose(extra: Json = {}) {
  return call(h.csm, 'POST', '/api/outlook/calendar/events', {
    subject: 'Acme sync',
    bodyHtml: '<p>Agenda</p><script>alert(1)</script>',
    start: at('17:00'),
    end: at('17:30'),
    attendees: [
      { email: 'megan@contoso.com', type: 'required' },
      { email: 'john@acmecorp.com', name: 'John', type: 'required' },
    ],
    room: 'room.rainier@contoso.com',
    ...extra,
  });
}

describe('availability', () => {
  it('reads people and rooms, marks the external attendee unknown and builds the grid', async () => {
    const r = await call(
      h.csm,
      'GET',
      `/api/outlook/calendar/availability?start=${at('15:00')}&end=${at('19:00')}&attendees=megan@contoso.com&attendees=john@acmecorp.com&rooms=room.rainier@contoso.com&granularity=60&timeZone=America/Los_Angeles`,
    );
    expect(r.status).toBe(200);
    expect(r.body.completeness.text).toBe('3 of 4 calendars current; john@acmecorp.com unknown (not_found)');
    const john = r.body.grid.rows.find((x: Json) => x.email === 'john@acmecorp.com');
    expect(john.cells.every((c: Json) => c.status === 'unknown')).toBe(true);
    expect(r.body.grid.slots).toHaveLength(4);
    expect(r.body.grid.slots[0].local).toBe(`${MON}T08:00`);
    const adele = r.body.grid.rows.find((x: Json) => x.email === 'adele@contoso.com');
    // 15:00Z is 08:00 in Los Angeles (outside 09–17), 16:00Z is 09:00 (inside).
    expect(adele.cells.map((c: Json) => c.inWorkingHours)).toEqual([false, true, true, true]);
    expect(r.body.schedules.map((s: Json) => s.kind).sort()).toEqual(['attendee', 'attendee', 'organizer', 'room']);
  });

  it('treats a colleague whose connection needs re-authorisation as unknown, never free', async () => {
    await h.connections.setStatus(h.tenantId, h.manager.connectionId!, 'needs_reauth', { reason: 'invalid_grant' });
    h.container.mockWorld.mailboxes.delete('megan@contoso.com');
    try {
      const r = await call(
        h.csm,
        'GET',
        `/api/outlook/calendar/availability?start=${at('15:00')}&end=${at('16:00')}&attendees=megan@contoso.com`,
      );
      expect(r.status).toBe(200);
      expect(r.body.completeness.unknown).toEqual([{ email: 'megan@contoso.com', reason: 'needs_reauth' }]);
    } finally {
      h.container.mockWorld.addMailbox('megan@contoso.com', {
        workingHours: {
          daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
          startTime: '09:00:00',
          endTime: '17:00:00',
          timeZone: 'America/New_York',
        },
      });
      await h.connections.setStatus(h.tenantId, h.manager.connectionId!, 'active');
    }
  });

  it("falls back to a colleague's synced calendar only while it is current", async () => {
    const db = h.container.database.db;
    const cal = await db
      .selectFrom('calendars')
      .select(['id'])
      .where('connection_id', '=', h.manager.connectionId!)
      .executeTakeFirstOrThrow();
    await db
      .insertInto('meetings')
      .values({
        tenant_id: h.tenantId,
        user_id: h.manager.userId,
        calendar_id: cal.id,
        subject: 'Synced',
        start_at: at('15:30'),
        end_at: at('16:00'),
        show_as: 'busy',
        body: '',
        body_content_type: 'html',
        time_zone: 'UTC',
        is_all_day: false,
        attendees: '[]',
        sensitivity: 'normal',
        event_type: 'singleInstance',
        is_cancelled: false,
        response_status: 'accepted',
        customer_candidates: '[]',
      })
      .execute();
    const setSync = (ms: number) =>
      db
        .insertInto('calendar_sync_state')
        .values({ calendar_id: cal.id, tenant_id: h.tenantId, last_success_at: new Date(h.clock.now.getTime() - ms) })
        .onConflict((oc) =>
          oc.column('calendar_id').doUpdateSet({ last_success_at: new Date(h.clock.now.getTime() - ms) }),
        )
        .execute();
    const saved = h.container.mockWorld.mailboxes.get('megan@contoso.com')!;
    h.container.mockWorld.mailboxes.delete('megan@contoso.com');
    try {
      const q = `/api/outlook/calendar/availability?start=${at('15:00')}&end=${at('16:00')}&attendees=megan@contoso.com&granularity=30`;
      await setSync(5 * 60_000);
      const fresh = await call(h.csm, 'GET', q);
      expect(
        fresh.body.grid.rows.find((r: Json) => r.email === 'megan@contoso.com').cells.map((c: Json) => c.status),
      ).toEqual(['free', 'busy']);
      await setSync(2 * 3_600_000);
      const stale = await call(h.csm, 'GET', q);
      expect(stale.body.completeness.unknown).toEqual([{ email: 'megan@contoso.com', reason: 'stale_sync' }]);
    } finally {
      h.container.mockWorld.mailboxes.set('megan@contoso.com', saved);
      await db.deleteFrom('meetings').where('subject', '=', 'Synced').execute();
    }
  });

  it('answers 409 not_connected without a connection and 409 reconnect_required with a connect URL', async () => {
    const q = `/api/outlook/calendar/availability?start=${at('15:00')}&end=${at('16:00')}`;
    const a = await call(h.loner, 'GET', q);
    expect(a.status).toBe(409);
    expect(a.body.error.code).toBe('not_connected');
    await h.connections.setStatus(h.tenantId, h.csm.connectionId!, 'needs_reauth', { reason: 'invalid_grant' });
    try {
      const b = await call(h.csm, 'GET', q);
      expect(b.status).toBe(409);
      expect(b.body.error.code).toBe('reconnect_required');
      expect(b.body.error.details.connectUrl).toBe('http://calbridge.test/api/integrations/outlook/connect');
    } finally {
      await h.connections.setStatus(h.tenantId, h.csm.connectionId!, 'active');
    }
  });

  it('rejects a bad range with 400', async () => {
    const r = await call(h.csm, 'GET', `/api/outlook/calendar/availability?start=${at('16:00')}&end=${at('15:00')}`);
    expect(r.status).toBe(400);
  });
});

describe('suggested times and rooms', () => {
  it("uses calbridge's engine for a provider without findMeetingTimes, inside everyone's working hours", async () => {
    const r = await call(h.csm, 'POST', '/api/outlook/calendar/findmeetingtimes', {
      attendees: [{ email: 'megan@contoso.com' }],
      rooms: ['room.baker@contoso.com'],
      window: { start: at('00:00'), end: at('23:59') },
      durationMinutes: 60,
      maxCandidates: 3,
    });
    expect(r.status).toBe(200);
    expect(r.body.engine).toBe('calbridge');
    // Adele works 16:00–24:00Z (LA), Megan 13:00–21:00Z (NY): the overlap is 16:00–21:00Z.
    for (const s of r.body.suggestions) {
      expect(s.start >= at('16:00') && s.end <= at('21:00')).toBe(true);
      expect(s.rooms).toEqual(['room.baker@contoso.com']);
    }
    expect(r.body.suggestions[0].start).toBe(at('16:00'));
  });

  it('answers 422 unsatisfiable with the reason when nothing fits', async () => {
    const r = await call(h.csm, 'POST', '/api/outlook/calendar/findmeetingtimes', {
      attendees: [{ email: 'megan@contoso.com' }],
      window: { start: at('02:00'), end: at('05:00') },
      durationMinutes: 60,
    });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('unsatisfiable');
    expect(r.body.error.details.reason).toBe('organizerUnavailable');
  });

  it('lists rooms with capacity and building filters', async () => {
    expect((await call(h.csm, 'GET', '/api/outlook/calendar/rooms')).body.items).toHaveLength(2);
    const big = await call(h.csm, 'GET', '/api/outlook/calendar/rooms?minCapacity=10');
    expect(big.body.items.map((x: Json) => x.email)).toEqual(['room.rainier@contoso.com']);
    const b2 = await call(h.csm, 'GET', '/api/outlook/calendar/rooms?building=2');
    expect(b2.body.items.map((x: Json) => x.email)).toEqual(['room.baker@contoso.com']);
  });
});

describe('proposals', () => {
  it('creates a pending proposal with a preview; nothing reaches a calendar before approval', async () => {
    const before = mailboxEvents(h, 'adele@contoso.com').length;
    const r = await propose();
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('pending');
    expect(r.body.preview.subject).toBe('Acme sync');
    expect(r.body.preview.bodyHtml).not.toContain('<script');
    expect(r.body.preview.teams).toBe(true);
    expect(r.body.preview.room).toBe('Rainier');
    const megan = r.body.preview.attendees.find((a: Json) => a.email === 'megan@contoso.com');
    expect(megan).toMatchObject({ timeZone: 'America/New_York', localStart: `${MON}T13:00 EDT`, availability: 'free' });
    expect(r.body.preview.attendees.find((a: Json) => a.email === 'john@acmecorp.com')).toMatchObject({
      external: true,
      timeZone: null,
      availability: 'unknown',
    });
    expect(r.body.expiresAt).toBe('2026-05-04T12:00:00.000Z');
    expect(mailboxEvents(h, 'adele@contoso.com').length).toBe(before);
    const read = (await call(h.csm, 'GET', `/api/proposals/${r.body.id}`)).body;
    expect(read.preview.subject).toBe('Acme sync');
    // the answer's approvers are the ones the proposal was announced to: the same as a later read shows
    expect(r.body.approvers.length).toBeGreaterThan(0);
    expect(r.body.approvers).toEqual(read.approvers);
    expect(r.body.approval).toEqual(read.approval);
  });

  it('does not let the creator approve a meeting with external attendees', async () => {
    const p = await propose();
    const r = await call(h.csm, 'POST', `/api/proposals/${p.body.id}/approve`);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('self_approval_not_allowed');
    expect(r.body.error.details.reason).toBe('external_attendees_need_second_approver');
  });

  it('approves exactly once under concurrent double clicks and retries', async () => {
    const p = await propose({ start: at('18:00'), end: at('18:30') });
    const countOf = (mb: string) => mailboxEvents(h, mb).filter((e) => e.start === at('18:00')).length;
    const results = await Promise.all(
      [1, 2, 3].map(() => call(h.manager, 'POST', `/api/proposals/${p.body.id}/approve`)),
    );
    for (const r of results) expect(r.status).toBe(200);
    const again = await call(h.manager, 'POST', `/api/proposals/${p.body.id}/approve`);
    expect(new Set([...results, again].map((r) => JSON.stringify(r.body.result))).size).toBe(1);
    expect(countOf('adele@contoso.com')).toBe(1);
    expect(countOf('megan@contoso.com')).toBe(1);
    expect(countOf('room.rainier@contoso.com')).toBe(1);
    const ev = mailboxEvents(h, 'adele@contoso.com').find((e) => e.start === at('18:00'))!;
    expect(ev.onlineMeeting?.joinUrl).toBeTruthy();
    expect(ev.externalId).toBe(again.body.result.meetingId);
    expect(again.body).toMatchObject({ status: 'approved', decidedBy: h.manager.userId });
    const db = h.container.database.db;
    const meeting = await db
      .selectFrom('meetings')
      .selectAll()
      .where('id', '=', again.body.result.meetingId)
      .executeTakeFirstOrThrow();
    expect(meeting).toMatchObject({ origin: 'calbridge', provider_event_id: ev.id, provider_change_key: ev.changeKey });
    const link = await db
      .selectFrom('outlook_calendar_sync')
      .selectAll()
      .where('meeting_id', '=', meeting.id)
      .executeTakeFirstOrThrow();
    expect(link).toMatchObject({ sync_direction: 'outbound', outlook_event_id: ev.id, change_key: ev.changeKey });
    const audit = await h.container.audit.list(h.tenantId, { limit: 50, action: 'proposal.approved' });
    expect(audit.filter((a) => a.targetId === p.body.id)).toHaveLength(1);
    expect(audit.find((a) => a.targetId === p.body.id)!.details).toMatchObject({ approvedBy: h.manager.userId });
  });

  it('fails with 422 room_unavailable when the room was taken after the proposal, and stays pending', async () => {
    const p = await propose({ start: at('20:00'), end: at('20:30') });
    const other = h.container.providers.forConnection('MICROSOFT', {
      tenantId: h.tenantId,
      userId: h.manager.userId,
      connectionId: h.manager.connectionId!,
      mailbox: 'megan@contoso.com',
    });
    await other.createEvent({
      event: {
        subject: 'Grabbed',
        start: at('20:00'),
        end: at('21:00'),
        attendees: [{ email: 'room.rainier@contoso.com', type: 'resource' }],
      },
    });
    const r = await call(h.manager, 'POST', `/api/proposals/${p.body.id}/approve`);
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('room_unavailable');
    expect((await call(h.manager, 'GET', `/api/proposals/${p.body.id}`)).body).toMatchObject({
      status: 'pending',
      error: 'room_unavailable',
    });
    expect(mailboxEvents(h, 'adele@contoso.com').filter((e) => e.start === at('20:00'))).toHaveLength(0);
  });

  it('rejects: then approval answers 409 proposal_not_pending', async () => {
    const p = await propose();
    const r = await call(h.manager, 'POST', `/api/proposals/${p.body.id}/reject`);
    expect(r.body).toMatchObject({ status: 'rejected', decidedBy: h.manager.userId });
    const a = await call(h.manager, 'POST', `/api/proposals/${p.body.id}/approve`);
    expect(a.status).toBe(409);
    expect(a.body.error.code).toBe('proposal_not_pending');
  });

  it('expires after proposalTtlHours: approval answers 409 proposal_expired', async () => {
    const p = await propose();
    h.clock.now = new Date(h.clock.now.getTime() + 73 * 3_600_000);
    try {
      const a = await call(h.manager, 'POST', `/api/proposals/${p.body.id}/approve`);
      expect(a.status).toBe(409);
      expect(a.body.error.code).toBe('proposal_expired');
      expect((await call(h.manager, 'GET', `/api/proposals/${p.body.id}`)).body.status).toBe('expired');
    } finally {
      h.clock.now = new Date('2026-05-01T12:00:00Z');
    }
  });

  it('lets the creator approve an internal-only meeting when the tenant allows self-approval', async () => {
    const p = await propose({
      attendees: [{ email: 'megan@contoso.com' }],
      room: null,
      start: at('22:00'),
      end: at('22:30'),
    });
    expect(p.body.preview.teams).toBe(true);
    const a = await call(h.csm, 'POST', `/api/proposals/${p.body.id}/approve`);
    expect(a.status).toBe(200);
    expect(a.body.result.action).toBe('create');
  });

  it('lists pending proposals and 404s another tenant', async () => {
    const list = await call(h.manager, 'GET', '/api/proposals?status=pending');
    expect(list.body.items.length).toBeGreaterThan(0);
    expect(list.body.items.every((p: Json) => p.status === 'pending')).toBe(true);
    const k = await h.container.tenants.createApiKey(
      (await h.container.tenants.createTenant({ name: 'Other', calendarProvider: 'MICROSOFT' })).id,
      'x@other.com',
    );
    const r = await call(
      { auth: { authorization: `Bearer ${k.apiKey}` } },
      'GET',
      `/api/proposals/${list.body.items[0].id}`,
    );
    expect(r.status).toBe(404);
  });
});

describe('events API', () => {
  it('pages through a range with the right total on every page, and previews a long body', async () => {
    const day = '2026-05-12';
    const long = `<p>${'Notes on the renewal. '.repeat(2000)}</p>`;
    const ids: string[] = [];
    for (const [i, hh] of ['09', '10', '11'].entries()) {
      const p = await propose({
        subject: `Paging ${i}`,
        bodyHtml: i === 0 ? long : '<p>Short</p>',
        attendees: [{ email: 'megan@contoso.com' }],
        room: null,
        start: at(`${hh}:00`, day),
        end: at(`${hh}:30`, day),
      });
      const a = await call(h.csm, 'POST', `/api/proposals/${p.body.id}/approve`);
      ids.push(a.body.result.meetingId as string);
    }
    const page = (offset: number) =>
      call(h.csm, 'GET', `/api/calendar/events?start=${day}T00:00:00Z&end=${day}T23:59:00Z&limit=2&offset=${offset}`);
    const first = await page(0);
    expect(first.body).toMatchObject({ total: 3, limit: 2, offset: 0 });
    expect(first.body.items.map((e: { id: string }) => e.id)).toEqual(ids.slice(0, 2));
    expect(first.body.items[0].bodyPreview).toMatch(/^Notes on the renewal\. Notes/);
    expect(first.body.items[0].bodyPreview.length).toBe(255);
    const last = await page(2);
    expect(last.body).toMatchObject({ total: 3, offset: 2 });
    expect(last.body.items.map((e: { id: string }) => e.id)).toEqual(ids.slice(2));
    const past = await page(4);
    expect(past.body).toMatchObject({ total: 3, offset: 4, items: [] });
  });

  it('lists synced meetings with range and customer filters and paging; internal changes apply directly', async () => {
    const p = await propose({
      attendees: [{ email: 'megan@contoso.com' }],
      room: null,
      start: at('14:00', '2026-05-05'),
      end: at('15:00', '2026-05-05'),
    });
    const a = await call(h.csm, 'POST', `/api/proposals/${p.body.id}/approve`);
    const id = a.body.result.meetingId as string;
    const list = await call(
      h.csm,
      'GET',
      `/api/outlook/calendar/events?start=2026-05-05T00:00:00Z&end=2026-05-06T00:00:00Z&limit=1`,
    );
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1, limit: 1, offset: 0 });
    expect(list.body.items[0]).toMatchObject({ id, subject: 'Acme sync', origin: 'calbridge' });
    const put = await call(h.csm, 'PUT', `/api/outlook/calendar/events/${id}`, { subject: 'Renamed' });
    expect(put.status).toBe(200);
    expect(put.body.event.subject).toBe('Renamed');
    expect(mailboxEvents(h, 'adele@contoso.com').find((e) => e.externalId === id)!.subject).toBe('Renamed');
    const stale = await h.app.inject({
      method: 'PUT',
      url: `/api/outlook/calendar/events/${id}`,
      headers: { ...h.csm.auth, 'if-match': 'old' },
      payload: { subject: 'x' },
    });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().error.code).toBe('conflict');
    const ext = await call(h.csm, 'PUT', `/api/outlook/calendar/events/${id}`, {
      attendees: [{ email: 'megan@contoso.com' }, { email: 'john@acmecorp.com' }],
    });
    expect(ext.status).toBe(202);
    expect(ext.body.proposal).toMatchObject({ kind: 'update', status: 'pending' });
    const del = await call(h.csm, 'DELETE', `/api/outlook/calendar/events/${id}`);
    expect(del.status).toBe(204);
    expect(mailboxEvents(h, 'adele@contoso.com').find((e) => e.externalId === id)).toBeUndefined();
    expect((await call(h.csm, 'GET', `/api/outlook/calendar/events/${id}`)).status).toBe(404);
  });
});

describe('changes that notify external attendees', () => {
  it('are proposals: an approved update changes the event, an approved cancellation removes it', async () => {
    const p = await propose({ room: null, start: at('15:00', '2026-05-07'), end: at('15:30', '2026-05-07') });
    const id = (await call(h.manager, 'POST', `/api/proposals/${p.body.id}/approve`)).body.result.meetingId as string;
    const ev = () => mailboxEvents(h, 'adele@contoso.com').find((e) => e.externalId === id);
    const upd = await call(h.csm, 'PUT', `/api/outlook/calendar/events/${id}`, {
      start: at('16:00', '2026-05-07'),
      end: at('16:30', '2026-05-07'),
    });
    expect(upd.status).toBe(202);
    expect(upd.body.proposal.preview).toMatchObject({
      action: 'update',
      notifiesExternal: true,
      start: at('16:00', '2026-05-07'),
    });
    expect(ev()!.start).toBe(at('15:00', '2026-05-07'));
    const ok = await call(h.manager, 'POST', `/api/proposals/${upd.body.proposal.id}/approve`);
    expect(ok.status).toBe(200);
    expect(ev()!.start).toBe(at('16:00', '2026-05-07'));
    const listed = await call(
      h.csm,
      'GET',
      `/api/outlook/calendar/events?start=${at('00:00', '2026-05-07')}&end=${at('23:59', '2026-05-07')}`,
    );
    expect(listed.body.items.find((x: Json) => x.id === id).start).toBe(at('16:00', '2026-05-07'));
    const del = await call(h.csm, 'DELETE', `/api/outlook/calendar/events/${id}`);
    expect(del.status).toBe(202);
    expect(ev()).toBeDefined();
    expect((await call(h.manager, 'POST', `/api/proposals/${del.body.proposal.id}/approve`)).status).toBe(200);
    expect(ev()).toBeUndefined();
    expect(
      await h.container.database.db.selectFrom('meetings').select('id').where('id', '=', id).execute(),
    ).toHaveLength(0);
  });

  it('documents every scheduling route in the OpenAPI document', async () => {
    const doc = (await h.app.inject({ url: '/docs/json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/outlook/calendar/events',
        '/api/outlook/calendar/events/{id}',
        '/api/outlook/calendar/availability',
        '/api/outlook/calendar/findmeetingtimes',
        '/api/outlook/calendar/rooms',
        '/api/templates',
        '/api/templates/{id}',
        '/api/proposals',
        '/api/proposals/{id}',
        '/api/proposals/{id}/approve',
        '/api/proposals/{id}/reject',
        '/api/customers/{id}/schedule',
      ]),
    );
  });
});

describe('templates and scheduling from a customer', () => {
  it('seeds QBR, kickoff and check-in once; CRUD; deleted defaults stay deleted', async () => {
    const list = await call(h.csm, 'GET', '/api/templates');
    expect(list.body.items.map((t: Json) => t.key).sort()).toEqual(['check-in', 'kickoff', 'qbr']);
    const created = await call(h.csm, 'POST', '/api/templates', {
      name: 'Renewal',
      subjectTemplate: '{customer} renewal',
      bodyHtml: '<b>Hi</b><img src=x onerror=alert(1)>',
      durationMinutes: 45,
    });
    expect(created.status).toBe(201);
    expect(created.body.bodyHtml).not.toContain('onerror');
    expect(
      (await call(h.csm, 'POST', '/api/templates', { name: 'renewal', subjectTemplate: 'x', durationMinutes: 30 }))
        .status,
    ).toBe(409);
    const kickoff = list.body.items.find((t: Json) => t.key === 'kickoff');
    expect((await call(h.csm, 'DELETE', `/api/templates/${kickoff.id}`)).status).toBe(204);
    const after = await call(h.csm, 'GET', '/api/templates');
    expect(after.body.items.map((t: Json) => t.name).sort()).toEqual([
      'Check-in',
      'Quarterly business review',
      'Renewal',
    ]);
    expect(
      (await call(h.csm, 'PATCH', `/api/templates/${created.body.id}`, { durationMinutes: 50 })).body.durationMinutes,
    ).toBe(50);
    expect(
      (await call(h.csm, 'POST', '/api/templates', { name: 'Bad', subjectTemplate: 'x', durationMinutes: 1 })).status,
    ).toBe(400);
  });

  it('schedules from a customer: stakeholders by template role, customer linked, template subject and Teams', async () => {
    const cust = await call(h.csm, 'POST', '/api/customers', {
      name: 'Acme Corp',
      domains: ['acmecorp.com'],
      stakeholders: [
        { email: 'john@acmecorp.com', name: 'John Doe', role: 'VP Operations' },
        { email: 'ann@acmecorp.com', name: 'Ann Lee', role: 'Engineer' },
      ],
    });
    const r = await call(h.csm, 'POST', `/api/customers/${cust.body.id}/schedule`, {
      templateKey: 'qbr',
      start: at('17:00', '2026-05-06'),
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ customerId: cust.body.id, status: 'pending' });
    expect(r.body.preview.subject).toBe('Acme Corp quarterly business review');
    expect(r.body.preview.end).toBe(at('18:00', '2026-05-06'));
    expect(r.body.preview.teams).toBe(true);
    expect(r.body.preview.attendees.map((a: Json) => a.email)).toEqual(['john@acmecorp.com']);
    const all = await call(h.csm, 'POST', `/api/customers/${cust.body.id}/schedule`, {
      templateKey: 'check-in',
      start: at('17:00', '2026-05-06'),
      onlineMeeting: false,
    });
    expect(all.body.preview.attendees.map((a: Json) => a.email).sort()).toEqual([
      'ann@acmecorp.com',
      'john@acmecorp.com',
    ]);
    expect(all.body.preview.teams).toBe(false);
    const a = await call(h.manager, 'POST', `/api/proposals/${r.body.id}/approve`);
    const m = await h.container.database.db
      .selectFrom('meetings')
      .selectAll()
      .where('id', '=', a.body.result.meetingId)
      .executeTakeFirstOrThrow();
    expect(m).toMatchObject({ customer_id: cust.body.id, manual_customer: true });
  });
});

describe('privacy mode', () => {
  it('creates private events without the client name and counts the buffer after sessions', async () => {
    const p = await startSchedulingHarness({ privacyMode: true, bufferMinutes: 15, allowSelfApprovalInternal: true });
    try {
      const c = await p.app.inject({
        method: 'POST',
        url: '/api/customers',
        headers: p.csm.auth,
        payload: {
          name: 'Jane Client',
          domains: ['mail.example'],
          stakeholders: [{ email: 'jane@mail.example', name: 'Jane Client' }],
        },
      });
      const r = await p.app.inject({
        method: 'POST',
        url: `/api/customers/${c.json().id}/schedule`,
        headers: p.csm.auth,
        payload: { templateKey: 'check-in', start: at('17:00'), subject: 'Session with Jane Client' },
      });
      const prev = r.json().preview;
      expect(prev.subject).not.toContain('Jane');
      expect(prev.subject).toMatch(/Session with Client [0-9A-F]{8}/);
      expect(prev.bodyHtml).not.toContain('Jane');
      expect(prev.sensitivity).toBe('private');
      await p.app.inject({ method: 'POST', url: `/api/proposals/${r.json().id}/approve`, headers: p.manager.auth });
      expect(mailboxEvents(p, 'adele@contoso.com')[0]!.sensitivity).toBe('private');
      // A session 17:00–17:30Z: with a 15-minute buffer, 17:30 is not offered; 17:45 would be on a 30-minute grid → 18:00.
      const f = await p.app.inject({
        method: 'POST',
        url: '/api/outlook/calendar/findmeetingtimes',
        headers: p.csm.auth,
        payload: {
          attendees: [],
          window: { start: at('17:00'), end: at('19:00') },
          durationMinutes: 30,
          maxCandidates: 10,
        },
      });
      const starts = (f.json().suggestions as Json[]).map((s) => s.start);
      expect(starts).not.toContain(at('17:30'));
      expect(starts[0]).toBe(at('18:00'));
    } finally {
      await p.close();
    }
  });
});
