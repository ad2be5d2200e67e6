// Conformance fixtures: turn documented entities into emulator objects (events, series, meetings, calendars, …).
import type { Harness, HttpResult } from './harness.js';

/** Event properties a client may write (the docs' response bodies are turned into create requests with these). */
const WRITABLE_EVENT = [
  'subject',
  'body',
  'start',
  'end',
  'location',
  'locations',
  'attendees',
  'recurrence',
  'isOnlineMeeting',
  'onlineMeetingProvider',
  'allowNewTimeProposals',
  'isAllDay',
  'showAs',
  'importance',
  'sensitivity',
  'categories',
  'reminderMinutesBeforeStart',
  'isReminderOn',
  'responseRequested',
  'hideAttendees',
];

export class SetupError extends Error {
  override name = 'SetupError';
}

function ok(res: HttpResult, what: string): Record<string, unknown> {
  if (res.status < 200 || res.status >= 300) {
    const err = (res.json as { error?: { code?: string; message?: string } } | null)?.error;
    throw new SetupError(`setup (${what}) got ${res.status}${err ? ` ${err.code}: ${err.message}` : ''}`);
  }
  return (res.json ?? {}) as Record<string, unknown>;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** True when a documented object looks like an event. */
export function looksLikeEvent(v: unknown): boolean {
  if (!isObj(v)) return false;
  return [
    'subject',
    'start',
    'organizer',
    'attendees',
    'reminderMinutesBeforeStart',
    'isOnlineMeeting',
    'seriesMasterId',
  ].some((k) => k in v);
}

/** A create request for an event like `doc`, placed at `startIso` (UTC, no offset) when `doc` has no start. */
export function eventInput(doc: Record<string, unknown>, startIso = '2030-01-07T10:00:00'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of WRITABLE_EVENT) if (k in doc && doc[k] !== null) out[k] = structuredClone(doc[k]);
  if (Array.isArray(out.attendees)) {
    out.attendees = (out.attendees as Array<Record<string, unknown>>).map((a) => ({
      type: a.type ?? 'required',
      emailAddress: a.emailAddress,
    }));
  }
  if (isObj(out.body) && typeof out.body.content !== 'string')
    out.body = { contentType: out.body.contentType ?? 'text', content: '' };
  if (typeof out.onlineMeetingProvider === 'string' && !out.isOnlineMeeting) delete out.onlineMeetingProvider;
  for (const k of ['start', 'end'] as const) {
    const v = out[k];
    if (!isObj(v) || typeof v.dateTime !== 'string' || !/^\d{4}-\d\d-\d\dT/.test(v.dateTime)) delete out[k];
  }
  if (!out.start || !out.end) {
    const start = Date.parse(`${startIso}Z`);
    out.start = { dateTime: startIso, timeZone: 'UTC' };
    out.end = { dateTime: new Date(start + 3600_000).toISOString().slice(0, 19), timeZone: 'UTC' };
  }
  if (typeof out.subject !== 'string') out.subject = 'Conformance event';
  if (isObj(out.recurrence))
    out.recurrence = normaliseRecurrence(
      out.recurrence,
      String((out.start as { dateTime: string }).dateTime).slice(0, 10),
    );
  return out;
}

/** Completes a documented recurrence (a pattern or range alone) so that a series can be created from it. */
export function normaliseRecurrence(r: Record<string, unknown>, startDate: string): Record<string, unknown> {
  const pattern = isObj(r.pattern)
    ? { ...r.pattern }
    : { type: 'weekly', interval: 1, daysOfWeek: [weekday(startDate)] };
  const range = isObj(r.range) ? { ...r.range } : { type: 'noEnd', startDate };
  if (typeof range.startDate !== 'string' || !/^\d{4}-\d\d-\d\d$/.test(range.startDate)) range.startDate = startDate;
  return { pattern, range };
}

export function weekday(date: string): string {
  return (
    ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'][
      new Date(`${date}T12:00:00Z`).getUTCDay()
    ] ?? 'monday'
  );
}

export async function createEvent(
  h: Harness,
  input: Record<string, unknown>,
  opts: { calendarId?: string; token?: string } = {},
): Promise<Record<string, unknown>> {
  const path = opts.calendarId ? `me/calendars/${encodeURIComponent(opts.calendarId)}/events` : 'me/events';
  return ok(await h.graph('POST', path, { body: input, token: opts.token }), 'create event');
}

/** A meeting organised by the other seeded user with "me" as attendee; returns my copy of it. */
export async function createInvite(h: Harness, doc: Record<string, unknown>): Promise<Record<string, unknown>> {
  const subject = `Invite ${Math.random().toString(36).slice(2, 10)}`;
  const input = eventInput({
    ...doc,
    subject,
    attendees: [{ type: 'required', emailAddress: { address: h.me.mail, name: h.me.displayName } }],
  });
  await createEvent(h, input, { token: h.otherToken });
  return findBySubject(h, subject, h.token);
}

/**
 * A meeting I organise whose attendee (the other seeded user) answered tentatively with a new time proposal,
 * as the documented attendee did; returns my (the organiser's) event.
 */
export async function createProposal(h: Harness, doc: Record<string, unknown>): Promise<Record<string, unknown>> {
  const proposal = (doc.attendees as Array<Record<string, unknown>>).find((a) =>
    isObj(a.proposedNewTime),
  )?.proposedNewTime;
  const subject = `Proposal ${Math.random().toString(36).slice(2, 10)}`;
  const input = eventInput({
    ...doc,
    subject,
    allowNewTimeProposals: true,
    attendees: [{ type: 'required', emailAddress: { address: h.other.mail, name: h.other.displayName } }],
  });
  const mine = await createEvent(h, input);
  const copy = await findBySubject(h, subject, h.otherToken);
  ok(
    await h.graph('POST', `me/events/${encodeURIComponent(String(copy.id))}/tentativelyAccept`, {
      token: h.otherToken,
      body: { comment: 'How about this time?', sendResponse: true, proposedNewTime: proposal },
    }),
    'propose a new time',
  );
  return mine;
}

/**
 * A meeting request in my mailbox: the other seeded user invites me to an event like `doc`, and the invitation
 * lands in my messages; returns that message's id.
 */
export async function createInvitationMessage(h: Harness, doc: Record<string, unknown>): Promise<string> {
  const copy = await createInvite(h, doc);
  const list = ok(await h.graph('GET', 'me/messages?$top=50'), 'list messages');
  const found = (list.value as Array<Record<string, unknown>> | undefined)?.find((m) => m.subject === copy.subject);
  if (!found) throw new SetupError('setup: the meeting request did not appear in the mailbox');
  return String(found.id);
}

/** The event with `subject` in the calendar of the token's user. */
async function findBySubject(h: Harness, subject: string, token: string): Promise<Record<string, unknown>> {
  const list = ok(
    await h.graph('GET', `me/events?$filter=${encodeURIComponent(`subject eq '${subject}'`)}`, { token }),
    'find meeting copy',
  );
  let found = (list.value as Array<Record<string, unknown>> | undefined)?.find((e) => e.subject === subject);
  if (!found) {
    const all = ok(await h.graph('GET', 'me/events?$top=1000', { token }), 'list events');
    found = (all.value as Array<Record<string, unknown>> | undefined)?.find((e) => e.subject === subject);
  }
  if (!found) throw new SetupError('setup: the attendee copy of the meeting did not appear in the calendar');
  return found;
}

export async function createCalendar(h: Harness, name: string): Promise<Record<string, unknown>> {
  return ok(
    await h.graph('POST', 'me/calendars', { body: { name: `${name} ${Math.random().toString(36).slice(2, 6)}` } }),
    'create calendar',
  );
}

/** A sharing permission on my default calendar (the permission API has no create in v1.0: the store makes it). */
export function createPermission(h: Harness): string {
  const cal = h.emu.store.defaultCalendar(h.me.id);
  return h.emu.store.sharePermission(h.me.id, cal.id, h.other.mail, 'read').id;
}

/** A subscription to my events delivered to the harness receiver. */
export async function createSubscription(
  h: Harness,
  extra: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  return ok(
    await h.graph('POST', 'subscriptions', {
      body: {
        changeType: 'created,updated,deleted',
        notificationUrl: `${h.receiver.url}/notify`,
        lifecycleNotificationUrl: `${h.receiver.url}/lifecycle`,
        resource: 'me/events',
        expirationDateTime: new Date(h.emu.clock.now() + 86_400_000).toISOString(),
        clientState: 'conformance-client-state',
        ...extra,
      },
    }),
    'create subscription',
  );
}

/** Email address of a seeded room or room list, read through the Places API. */
export async function placeAddress(h: Harness, kind: 'room' | 'roomList'): Promise<string> {
  const list = ok(await h.graph('GET', `places/microsoft.graph.${kind.toLowerCase()}`), `list ${kind}s`);
  const first = (list.value as Array<{ emailAddress?: string }> | undefined)?.[0]?.emailAddress;
  if (!first) throw new SetupError(`setup: the seed has no ${kind}`);
  return first;
}
