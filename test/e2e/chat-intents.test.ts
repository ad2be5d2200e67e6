// Chat that understands intent, end to end against both emulators over HTTP (calbridge's real providers, database,
// parser and services): a slot picked from an answer prepares the proposal, an equivalent pending proposal is
// answered instead of a second one, "cancel my meeting with Acme" prepares a cancellation (not a new meeting) and
// "move my Acme meeting to …" a move, both performed only when an approver (approver role) approves them:
// Microsoft Graph deletes / patches the organizer's event, Google events.delete / patch with sendUpdates.
// Several matching meetings are listed to choose from. The history of the conversation is kept per user.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/domain/errors.js';
import { connectionApi } from '../support/connection-app.js';
import { followGoogleAuthorize, startGoogleApp, type GoogleTestApp } from '../support/google.js';
import { mondayAfter, startSchedulingE2E, type Caller, type SchedulingE2E } from './scheduling-harness.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Inject = (
  auth: { authorization: string },
  method: 'GET' | 'POST',
  url: string,
  payload?: object,
) => Promise<{ status: number; body: Json }>;

const injector =
  (app: { inject: (o: object) => Promise<{ statusCode: number; body: string; json: () => unknown }> }): Inject =>
  async (auth, method, url, payload) => {
    const r = await app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
    return { status: r.statusCode, body: (r.body ? r.json() : null) as Json };
  };

/** The customer the conversation is about (a stakeholder outside the tenant: every change needs an approval). */
async function acme(call: Inject, auth: { authorization: string }): Promise<string> {
  const r = await call(auth, 'POST', '/api/customers', {
    name: 'Acme Corp',
    domains: ['acmecorp.com'],
    stakeholders: [{ email: 'wile.coyote@acmecorp.com', name: 'Wile Coyote' }],
  });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

const longDate = (day: string) => DateTime.fromISO(day, { zone: 'UTC' }).toFormat('LLLL d, yyyy');

/**
 * The walk both providers share: schedule (slot picked) twice → one proposal; approve; a second meeting; cancel →
 * choose among two → cancellation proposal, asked twice → one; approve → the event is gone at the provider; move the
 * other to the next day at 15:00 → approve → the event moved at the provider.
 */
async function walk(o: {
  call: Inject;
  organizer: { authorization: string };
  approver: { authorization: string };
  day: string;
  /** The event at the provider, read over HTTP: null when it is gone. */
  eventAt: (providerEventId: string) => Promise<{ start: string } | null>;
}) {
  const { call, organizer, approver, day } = o;
  const chat = async (payload: object) => {
    const r = await call(organizer, 'POST', '/api/chat', { timeZone: 'UTC', ...payload });
    expect(r.status).toBe(200);
    return r.body;
  };
  const accountId = await acme(call, organizer);

  // A slot picked from a find-time answer prepares the proposal at that time.
  const first = await chat({
    message: 'Find time for a meeting with Acme Corp next week',
    accountId,
    start: `${day}T10:00:00Z`,
  });
  expect(first.intent).toBe('schedule_meeting');
  expect(first.proposal).toMatchObject({
    action: 'create',
    status: 'pending',
    duplicate: false,
    start: `${day}T10:00:00.000Z`,
  });
  // The same request in words: the pending proposal is the answer, no second one.
  const again = await chat({ message: `Schedule a meeting with Acme Corp on ${longDate(day)} at 10am` });
  expect(again.proposal).toMatchObject({ id: first.proposal.id, duplicate: true });
  expect(again.reply).toMatch(/already have a pending proposal/);
  const pending = await call(organizer, 'GET', '/api/proposals?status=pending&mine=true');
  expect(pending.body.items.map((p: Json) => p.id)).toEqual([first.proposal.id]);

  const approved1 = await call(approver, 'POST', `/api/proposals/${first.proposal.id}/approve`);
  expect(approved1.status).toBe(200);
  const eventA = approved1.body.result.providerEventId as string;
  expect(await o.eventAt(eventA)).not.toBeNull();
  const second = await chat({ message: `Schedule a meeting with Acme Corp on ${longDate(day)} at 2pm` });
  expect(second.proposal).toMatchObject({ action: 'create', duplicate: false, start: `${day}T14:00:00.000Z` });
  const approved2 = await call(approver, 'POST', `/api/proposals/${second.proposal.id}/approve`);
  expect(approved2.status).toBe(200);
  const eventB = approved2.body.result.providerEventId as string;

  // Cancel: two Acme meetings match, so the answer lists them and prepares nothing.
  const which = await chat({ message: 'Cancel my meeting with Acme Corp' });
  expect(which.intent).toBe('cancel_meeting');
  expect(which.proposal).toBeUndefined();
  expect(which.meetings.map((m: Json) => m.start)).toEqual([`${day}T10:00:00.000Z`, `${day}T14:00:00.000Z`]);
  const cancel = await chat({ message: 'Cancel my meeting with Acme Corp', meetingId: which.meetings[0].id });
  expect(cancel.proposal).toMatchObject({
    action: 'delete',
    status: 'pending',
    duplicate: false,
    start: `${day}T10:00:00.000Z`,
  });
  expect(cancel.reply).toMatch(/cancellation/);
  // Asked again (now with the time): the cancellation already pending is the answer.
  const cancelAgain = await chat({ message: `cancel my meeting with Acme Corp on ${longDate(day)} at 10am` });
  expect(cancelAgain.proposal).toMatchObject({ id: cancel.proposal.id, action: 'delete', duplicate: true });
  // Nothing happened at the provider before the approval; the organizer may not approve it herself.
  expect(await o.eventAt(eventA)).not.toBeNull();
  expect((await call(organizer, 'POST', `/api/proposals/${cancel.proposal.id}/approve`)).status).toBe(403);
  const cancelled = await call(approver, 'POST', `/api/proposals/${cancel.proposal.id}/approve`);
  expect(cancelled.status).toBe(200);
  expect(cancelled.body).toMatchObject({ status: 'approved', result: { action: 'delete' } });
  expect(await o.eventAt(eventA)).toBeNull();

  // Move without a new time: times to pick from, each with its reason, and nothing prepared yet.
  const offer = await chat({ message: 'Postpone my meeting with Acme Corp' });
  expect(offer).toMatchObject({ intent: 'reschedule_meeting', meetingId: which.meetings[1].id });
  expect(offer.proposal).toBeUndefined();
  expect(offer.slots.length).toBeGreaterThan(0);
  for (const s of offer.slots) {
    expect(s.reason).toEqual(expect.any(String));
    expect(s.start).not.toBe(`${day}T14:00:00.000Z`);
  }

  // Move: the one Acme meeting left goes to the next day at 15:00, as a proposal first.
  const next = DateTime.fromISO(day, { zone: 'UTC' }).plus({ days: 1 }).toISODate()!;
  const move = await chat({ message: `Move my meeting with Acme Corp to ${longDate(next)} at 3pm` });
  expect(move.intent).toBe('reschedule_meeting');
  expect(move.proposal).toMatchObject({
    action: 'update',
    duplicate: false,
    start: `${next}T15:00:00.000Z`,
    end: `${next}T15:30:00.000Z`,
    previousStart: `${day}T14:00:00.000Z`,
  });
  const moveAgain = await chat({ message: `Reschedule the meeting with Acme Corp to ${longDate(next)} at 3pm` });
  expect(moveAgain.proposal).toMatchObject({ id: move.proposal.id, duplicate: true });
  expect((await o.eventAt(eventB))?.start).toBe(`${day}T14:00:00.000Z`);
  const moved = await call(approver, 'POST', `/api/proposals/${move.proposal.id}/approve`);
  expect(moved.status).toBe(200);
  expect((await o.eventAt(eventB))?.start).toBe(`${next}T15:00:00.000Z`);

  // Nothing left to cancel for Acme on the first day; the answer says so and prepares nothing.
  const none = await chat({ message: `Cancel my meeting with Acme Corp on ${longDate(day)}` });
  expect(none).toMatchObject({ intent: 'cancel_meeting', errorCode: 'meeting_not_found' });
  expect(none.proposal).toBeUndefined();
}

/**
 * Repeating meetings in chat: each request prepares a series proposal (nothing is created before approval) whose card
 * and reply say how it repeats; asked twice, the pending one is the answer; approved, the provider holds the series
 * (its occurrences, synced back, are read through the calendar API).
 */
async function series(o: {
  call: Inject;
  organizer: { authorization: string };
  approver: { authorization: string };
  organizerId: string;
  now: number;
  sync: () => Promise<unknown>;
}) {
  const { call, organizer, approver } = o;
  const chat = async (message: string) => {
    const r = await call(organizer, 'POST', '/api/chat', { timeZone: 'UTC', message });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };
  const g = await call(organizer, 'POST', '/api/customers', {
    name: 'Globex',
    domains: ['globex.com'],
    stakeholders: [{ email: 'hank.scorpio@globex.com', name: 'Hank Scorpio' }],
  });
  expect(g.status).toBe(201);
  const today = DateTime.fromMillis(o.now, { zone: 'UTC' });
  /**
   * The first `weekday` (1 Monday … 7 Sunday) at `hour`:00 UTC still ahead of now: today's when the hour is to come
   * ("every Tuesday at 10am" said on a Tuesday at 00:30 starts that morning), as the parser reads it.
   */
  const next = (weekday: number, hour: number) => {
    let d = today.set({ hour, minute: 0, second: 0, millisecond: 0 });
    while (d.weekday !== weekday || d.toMillis() <= o.now) d = d.plus({ days: 1 });
    return d;
  };
  const occurrences = async (subject: string, from: DateTime) => {
    await o.sync();
    const range = `start=${encodeURIComponent(from.minus({ days: 1 }).toISO()!)}&end=${encodeURIComponent(from.plus({ days: 60 }).toISO()!)}`;
    const items = (await call(organizer, 'GET', `/api/calendar/events?${range}&limit=200`)).body.items as Json[];
    // the series whose first meeting is `from` (another series may share the template's subject)
    const mine = items.filter((e) => e.userId === o.organizerId && e.subject === subject && !e.isCancelled);
    const master = mine.find((e) => Date.parse(e.start) === from.toMillis())?.seriesMasterId;
    expect(master, `no occurrence of "${subject}" at ${from.toISO()}`).toBeTruthy();
    return mine
      .filter((e) => e.seriesMasterId === master)
      .map((e) => e.start as string)
      .sort();
  };
  const approve = async (id: string) => {
    const r = await call(approver, 'POST', `/api/proposals/${id}/approve`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };

  // "every Tuesday for 6 weeks": six Tuesdays
  const tue = next(2, 10);
  const qbr = await chat('Schedule a QBR with Globex every Tuesday for 6 weeks at 10am');
  expect(qbr.intent).toBe('schedule_meeting');
  expect(qbr.proposal).toMatchObject({
    action: 'create',
    status: 'pending',
    duplicate: false,
    repeat: 'Every Tuesday, 6 times',
    start: tue.toISO({ suppressMilliseconds: false }),
  });
  expect(qbr.reply).toMatch(/series proposal .* every Tuesday, 6 times, first on/);
  expect(qbr.reply).toMatch(/Nothing has been sent/);
  const again = await chat('Schedule a QBR with Globex every Tuesday for 6 weeks at 10am');
  expect(again.proposal).toMatchObject({ id: qbr.proposal.id, duplicate: true, repeat: 'Every Tuesday, 6 times' });
  const view = await call(organizer, 'GET', `/api/proposals/${qbr.proposal.id}`);
  expect(view.body.recurrence).toMatchObject({ frequency: 'weekly', daysOfWeek: ['tuesday'], count: 6 });
  const approved = await approve(qbr.proposal.id);
  const tues = await occurrences(approved.preview.subject, tue);
  expect(tues).toEqual([0, 1, 2, 3, 4, 5].map((w) => tue.plus({ weeks: w }).toISO({ suppressMilliseconds: false })));

  // "weekly … on Mondays until <date>": Mondays up to and including that date
  const mon = next(1, 11);
  const last = mon.plus({ weeks: 3 });
  const sync = await chat(`weekly sync with Globex on Mondays at 11am until ${last.toFormat('LLLL d, yyyy')}`);
  expect(sync.proposal).toMatchObject({
    duplicate: false,
    start: mon.toISO({ suppressMilliseconds: false }),
    repeat: `Every Monday, until ${last.toFormat('d LLLL yyyy')}`,
  });
  const mondays = await occurrences((await approve(sync.proposal.id)).preview.subject, mon);
  expect(mondays).toEqual([0, 1, 2, 3].map((w) => mon.plus({ weeks: w }).toISO({ suppressMilliseconds: false })));

  // "daily … for 10 days": ten days in a row
  const standup = await chat('daily standup with Globex for 10 days at 8am for 15 minutes');
  const first = DateTime.fromISO(standup.proposal.start, { zone: 'UTC' });
  expect(first.toFormat('HH:mm')).toBe('08:00');
  expect(standup.proposal).toMatchObject({ repeat: 'Every day, 10 times', duplicate: false });
  expect(Date.parse(standup.proposal.end) - Date.parse(standup.proposal.start)).toBe(15 * 60_000);
  const days = await occurrences((await approve(standup.proposal.id)).preview.subject, first);
  expect(days).toEqual(
    [...Array(10).keys()].map((d) => first.plus({ days: d }).toISO({ suppressMilliseconds: false })),
  );

  // a series the providers cannot write is an answer, not an error; nothing is prepared
  const past = await chat(
    `Schedule a meeting with Globex every Tuesday at 9am until ${today.minus({ days: 30 }).toFormat('LLLL d, yyyy')}`,
  );
  expect(past).toMatchObject({ intent: 'schedule_meeting', errorCode: 'invalid_recurrence' });
  expect(past.proposal).toBeUndefined();
}

describe('chat intents with Outlook (Microsoft 365 emulator)', () => {
  let h: SchedulingE2E;
  let adele: Caller;
  let megan: Caller;
  let lynne: Caller;
  let call: Inject;

  beforeAll(async () => {
    h = await startSchedulingE2E({}, { minimalSeed: true });
    call = injector(h.app as never);
    adele = await h.connect('adele.vance@contoso.com');
    megan = await h.user('megan.bowen@contoso.com', 'approver');
    lynne = await h.user('alex.wilber@contoso.com');
  }, 120_000);
  afterAll(async () => h?.close());

  it('prepares, de-duplicates, cancels and moves meetings through approval (Graph)', async () => {
    const day = mondayAfter(h.t.emu.clock.now(), 1);
    const upn = 'adele.vance@contoso.com';
    const id = h.t.emu.directory.getUser(upn)!.id;
    await walk({
      call,
      organizer: adele.auth,
      approver: megan.auth,
      day,
      // Graph GET /users/{id}/events/{id} over HTTP through calbridge's provider is what approvals call; the
      // emulator's mailbox is read here to see what Graph would answer.
      eventAt: async (eventId) => {
        const ev = h.t.emu.store.getEvent(id, eventId);
        return ev && !ev.data.isCancelled ? { start: new Date(ev.startMs).toISOString() } : null;
      },
    });
  }, 120_000);

  it('keeps each user’s history on the server, newest last, and another user sees none of it', async () => {
    const mine = await call(adele.auth, 'GET', '/api/chat/history?limit=4');
    expect(mine.status).toBe(200);
    expect(mine.body.items).toHaveLength(4);
    expect(mine.body.items.map((e: Json) => e.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(mine.body.items[3].answer).toMatchObject({ intent: 'cancel_meeting', errorCode: 'meeting_not_found' });
    expect(mine.body.items[2]).toMatchObject({ role: 'user', answer: null, picked: null });
    // The first message of the walk picked a slot: the history says which.
    const all0 = (await call(adele.auth, 'GET', '/api/chat/history')).body.items[0];
    expect(all0).toMatchObject({ role: 'user', picked: { start: expect.stringMatching(/T10:00:00/) } });
    const all = await call(adele.auth, 'GET', '/api/chat/history');
    expect(all.body.items).toHaveLength(20); // ten messages and their answers
    expect((await call(lynne.auth, 'GET', '/api/chat/history')).body.items).toEqual([]);
    expect((await call(adele.auth, 'GET', '/api/chat/history?limit=500')).status).toBe(400);
    const cleared = await h.app.inject({ method: 'DELETE', url: '/api/chat/history', headers: adele.auth });
    expect(cleared.statusCode).toBe(200);
    expect((await call(adele.auth, 'GET', '/api/chat/history')).body.items).toEqual([]);
  });

  it('prepares repeating meetings as series proposals; approved, Graph holds the series', async () => {
    await series({
      call,
      organizer: adele.auth,
      approver: megan.auth,
      organizerId: adele.userId,
      now: h.runtime.clock.now().getTime(),
      sync: () => h.runtime.sync.sync.syncUser(h.tenantId, adele.userId),
    });
  }, 120_000);
});

describe('chat intents with Google Calendar (Google emulator)', () => {
  const LOGIN = 'lynne.robbins@contoso.com';
  const APPROVER = 'megan.bowen@contoso.com';
  let h: GoogleTestApp;
  const api = connectionApi('google');
  let organizer: { authorization: string };
  let approver: { authorization: string };

  beforeAll(async () => {
    h = await startGoogleApp({ minimalSeed: true, accessTokenSeconds: 3600 });
    await api.signUp(h, { name: 'Contoso (Google)', calendarProvider: 'GOOGLE' }, LOGIN);
    organizer = { authorization: `Bearer ${(await h.container.tenants.createApiKey(api.tenantId, LOGIN)).apiKey}` };
    const k = await h.container.tenants.createApiKey(api.tenantId, APPROVER, { role: 'approver' });
    approver = { authorization: `Bearer ${k.apiKey}` };
    const q = await followGoogleAuthorize(h.t.agent, (await api.connectUrl(LOGIN)).toString());
    expect((await api.callback(q)).statusCode).toBe(302);
  }, 120_000);
  afterAll(async () => h?.close());

  it('prepares, de-duplicates, cancels and moves meetings through approval (Google Calendar API)', async () => {
    const provider = await api.provider(h, 'GOOGLE');
    await walk({
      call: injector(h.app as never),
      organizer,
      approver,
      day: mondayAfter(Date.now(), 1),
      // events.get over HTTP: a deleted event answers not_found.
      eventAt: async (eventId) => {
        try {
          const ev = await provider.getEvent(eventId);
          return ev.isCancelled ? null : { start: new Date(ev.start).toISOString() };
        } catch (e) {
          if (isAppError(e, 'not_found')) return null;
          throw e;
        }
      },
    });
  }, 120_000);

  it('prepares repeating meetings as series proposals; approved, Google Calendar holds the series', async () => {
    const who = await h.container.tenants.createApiKey(api.tenantId, LOGIN);
    await series({
      call: injector(h.app as never),
      organizer,
      approver,
      organizerId: who.userId,
      now: h.runtime.clock.now().getTime(),
      sync: () => h.runtime.sync.sync.syncUser(api.tenantId, who.userId),
    });
  }, 120_000);
});
