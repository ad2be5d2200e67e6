// Calendar v3 JSON output of stored events (kind, etag, htmlLink, self flags) and input validation of event bodies.
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { badRequest, GoogleApiError, required } from './errors.js';
import type { GAttendee, GCalendar, GDateTime, GEvent, GUser, PendingConference } from './model.js';
import { recurrenceProblem } from './recurrence.js';
import type { GoogleStore } from './store.js';

/** The event as the API returns it to `viewer` (the calendar's owner). */
export function eventJson(
  store: GoogleStore,
  cal: GCalendar,
  e: GEvent,
  opts: { idOnlyWhenDeleted?: boolean; maxAttendees?: number } = {},
): Record<string, unknown> {
  const { seq: _seq, pendingConference: _pending, deletedHere: _deletedHere, ...rest } = e;
  const dt = (d: GDateTime): GDateTime => {
    if (!d.dateTime) return d;
    const hasOffset = /(Z|[+-]\d\d:?\d\d)$/.test(d.dateTime);
    const parsed = hasOffset
      ? DateTime.fromISO(d.dateTime, { setZone: true })
      : DateTime.fromISO(d.dateTime, { zone: d.timeZone ?? cal.timeZone });
    const shown = d.timeZone ? parsed.setZone(d.timeZone) : parsed;
    return { ...d, dateTime: shown.toISO({ suppressMilliseconds: true })! };
  };
  const self = <T extends { email: string }>(x: T): T | (T & { self: true }) =>
    x.email.toLowerCase() === cal.id ? { ...x, self: true as const } : x;
  // A deleted event is reported by id only (cancelled instances keep their fields: they are exceptions), except one
  // deleted through this calendar, whose details stay so it can be restored — not in an incremental sync that did not
  // ask for showDeleted (`idOnlyWhenDeleted`).
  if (e.status === 'cancelled' && !e.recurringEventId && (!e.deletedHere || opts.idOnlyWhenDeleted))
    return { kind: 'calendar#event', etag: store.etag(e), id: e.id, status: 'cancelled' };
  return {
    kind: 'calendar#event',
    etag: store.etag(e),
    ...rest,
    start: dt(e.start),
    end: dt(e.end),
    ...(e.originalStartTime ? { originalStartTime: dt(e.originalStartTime) } : {}),
    htmlLink: `https://calendar.google.com/calendar/event?eid=${Buffer.from(`${e.id} ${cal.id}`).toString('base64url')}`,
    creator: self(e.creator),
    organizer: self(e.organizer),
    ...attendeesShown(e, cal, opts.maxAttendees, self),
  };
}

/**
 * The attendees as shown: all of them, or — when there are more than `maxAttendees` — only the calendar's own entry,
 * with `attendeesOmitted: true`.
 */
function attendeesShown(
  e: GEvent,
  cal: GCalendar,
  max: number | undefined,
  self: <T extends { email: string }>(x: T) => T | (T & { self: true }),
): { attendees?: GAttendee[]; attendeesOmitted?: true } {
  if (!e.attendees) return {};
  if (max === undefined || e.attendees.length <= max) return { attendees: e.attendees.map((a) => self(a)) };
  const mine = e.attendees.filter((a) => a.email.toLowerCase() === cal.id).map((a) => self(a));
  return { ...(mine.length > 0 ? { attendees: mine } : {}), attendeesOmitted: true };
}

function checkDateTime(dt: unknown, field: string): GDateTime {
  if (!dt || typeof dt !== 'object') throw required(field);
  const d = dt as GDateTime;
  if (d.date !== undefined) {
    if (!DateTime.fromISO(d.date).isValid || !/^\d{4}-\d{2}-\d{2}$/.test(d.date))
      throw badRequest('Invalid start time.');
    return { date: d.date, ...(d.timeZone ? { timeZone: d.timeZone } : {}) };
  }
  if (typeof d.dateTime !== 'string') throw required(field);
  const hasOffset = /(Z|[+-]\d\d:?\d\d)$/.test(d.dateTime);
  if (!hasOffset && !d.timeZone)
    throw new GoogleApiError(400, 'timeRangeEmpty', 'Missing time zone definition for start time.');
  if (d.timeZone && !DateTime.local().setZone(d.timeZone).isValid)
    throw badRequest(`Invalid time zone definition for ${field}.`);
  if (!DateTime.fromISO(d.dateTime, { zone: d.timeZone ?? 'utc' }).isValid) throw badRequest(`Invalid ${field}.`);
  return { dateTime: d.dateTime, ...(d.timeZone ? { timeZone: d.timeZone } : {}) };
}

const STATUSES = new Set(['needsAction', 'declined', 'tentative', 'accepted']);

function attendeesOf(
  input: unknown,
  organizer: string,
  users: Map<string, GUser>,
  previous?: GAttendee[],
): GAttendee[] | undefined {
  if (input === undefined) return undefined;
  if (!Array.isArray(input)) throw badRequest('Invalid attendees.');
  return input.map((raw: Partial<GAttendee>) => {
    if (!raw || typeof raw.email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(raw.email))
      throw badRequest('Invalid attendee email.');
    const email = raw.email.toLowerCase();
    const before = previous?.find((p) => p.email.toLowerCase() === email);
    const isRoom = users.get(email)?.kind === 'room';
    return {
      email,
      ...(raw.displayName
        ? { displayName: raw.displayName }
        : users.get(email)
          ? { displayName: users.get(email)!.name }
          : {}),
      ...(raw.optional ? { optional: true } : {}),
      ...(raw.resource || isRoom ? { resource: true } : {}),
      ...(email === organizer ? { organizer: true } : {}),
      responseStatus:
        raw.responseStatus && STATUSES.has(raw.responseStatus)
          ? raw.responseStatus
          : (before?.responseStatus ?? (email === organizer ? 'accepted' : isRoom ? 'accepted' : 'needsAction')),
    };
  });
}

/** Applies an insert/update/patch body onto `base` (a new or existing event), validating what it touches. */
export function applyBody(
  base: GEvent,
  body: Record<string, unknown>,
  ctx: {
    organizer: string;
    users: Map<string, GUser>;
    conferenceTypes: string[];
    conferenceDataVersion: number;
    replace: boolean;
    supportsAttachments?: boolean;
    /** How new conferences are created (see GoogleFaultConfig.conference); immediate success when absent. */
    conference?: { pendingReads: number; outcome: 'success' | 'failure' };
  },
): GEvent {
  const e: GEvent = ctx.replace
    ? {
        ...base,
        summary: undefined,
        description: undefined,
        location: undefined,
        attendees: undefined,
        recurrence: undefined,
        transparency: undefined,
        visibility: undefined,
        extendedProperties: undefined,
        colorId: undefined,
        reminders: { useDefault: true },
      }
    : { ...base };
  if (body.start !== undefined || ctx.replace) e.start = checkDateTime(body.start, 'start');
  if (body.end !== undefined || ctx.replace) e.end = checkDateTime(body.end, 'end');
  if ((e.start.date === undefined) !== (e.end.date === undefined))
    throw badRequest('Start and end times must either both be date or both be dateTime.');
  for (const k of ['summary', 'description', 'location', 'colorId'] as const)
    if (typeof body[k] === 'string') e[k] = body[k] as string;
  if (body.transparency === 'opaque' || body.transparency === 'transparent') e.transparency = body.transparency;
  if (typeof body.visibility === 'string') e.visibility = body.visibility as GEvent['visibility'];
  if (body.status === 'tentative' || body.status === 'confirmed') e.status = body.status;
  // Cancelling one instance of a series: the instance becomes a cancelled exception.
  if (body.status === 'cancelled' && base.recurringEventId) e.status = 'cancelled';
  for (const k of ['guestsCanInviteOthers', 'guestsCanModify', 'guestsCanSeeOtherGuests'] as const)
    if (typeof body[k] === 'boolean') e[k] = body[k] as boolean;
  if (body.attachments !== undefined && ctx.supportsAttachments) {
    if (
      !Array.isArray(body.attachments) ||
      body.attachments.some((a: { fileUrl?: unknown }) => typeof a?.fileUrl !== 'string')
    )
      throw badRequest('Invalid attachment.');
    e.attachments = (body.attachments as Array<Record<string, unknown>>).slice(0, 25).map((a) => ({ ...a }));
  }
  if (body.recurrence !== undefined) {
    if (!Array.isArray(body.recurrence) || body.recurrence.some((l) => typeof l !== 'string'))
      throw badRequest('Invalid recurrence rule.');
    const problem = recurrenceProblem(body.recurrence as string[]);
    if (problem) throw badRequest(problem);
    e.recurrence = body.recurrence as string[];
    // A recurring timed event needs start.timeZone, an offset alone is not enough: 400 with reason `required`
    // (integrators quote "Google API error (400 required): Missing time zone definition for start time.").
    if (!e.start.date && !e.start.timeZone)
      throw new GoogleApiError(400, 'required', 'Missing time zone definition for start time.');
  }
  if (body.reminders && typeof body.reminders === 'object') e.reminders = body.reminders as GEvent['reminders'];
  if (body.extendedProperties && typeof body.extendedProperties === 'object') {
    const x = body.extendedProperties as GEvent['extendedProperties'];
    e.extendedProperties = {
      private: { ...base.extendedProperties?.private, ...x?.private },
      shared: { ...base.extendedProperties?.shared, ...x?.shared },
    };
  }
  const att = attendeesOf(body.attendees, ctx.organizer, ctx.users, base.attendees);
  if (att) e.attendees = att;
  if (body.conferenceData !== undefined && ctx.conferenceDataVersion >= 1)
    e.conferenceData = conference(body.conferenceData, base, ctx.conferenceTypes, e, ctx.conference);
  const durationOk = e.start.date
    ? e.end.date! > e.start.date
    : Date.parse(DateTime.fromISO(e.end.dateTime!, { zone: e.end.timeZone ?? 'utc' }).toISO()!) >=
      Date.parse(DateTime.fromISO(e.start.dateTime!, { zone: e.start.timeZone ?? 'utc' }).toISO()!);
  if (!durationOk)
    throw new GoogleApiError(400, 'timeRangeEmpty', 'The specified time range is empty.', {
      location: 'timeMax',
      locationType: 'parameter',
    });
  return e;
}

function meetCode(): string {
  const l = () => String.fromCharCode(97 + Math.floor(Math.random() * 26));
  return `${l()}${l()}${l()}-${l()}${l()}${l()}${l()}-${l()}${l()}${l()}`;
}

function conference(
  input: unknown,
  base: GEvent,
  allowed: string[],
  e: GEvent,
  mode: { pendingReads: number; outcome: 'success' | 'failure' } = { pendingReads: 0, outcome: 'success' },
): Record<string, unknown> | undefined {
  if (input === null) {
    e.hangoutLink = undefined;
    e.pendingConference = undefined;
    return undefined;
  }
  const cd = input as { createRequest?: { requestId?: string; conferenceSolutionKey?: { type?: string } } };
  if (!cd.createRequest) return base.conferenceData ?? (input as Record<string, unknown>);
  const req = cd.createRequest;
  if (!req.requestId) throw required('conferenceData.createRequest.requestId');
  const type = req.conferenceSolutionKey?.type ?? 'hangoutsMeet';
  if (!allowed.includes(type)) throw badRequest('Invalid conference type value.');
  const prev = base.conferenceData as { createRequest?: { requestId?: string } } | undefined;
  if (prev?.createRequest?.requestId === req.requestId) return base.conferenceData;
  // Google creates the conference asynchronously: the write can answer `pending` (no entry points yet).
  const pending: PendingConference = {
    requestId: req.requestId,
    type,
    readsLeft: mode.pendingReads,
    outcome: mode.outcome,
  };
  if (mode.pendingReads > 0) {
    e.pendingConference = pending;
    e.hangoutLink = undefined;
    return {
      createRequest: { requestId: req.requestId, conferenceSolutionKey: { type }, status: { statusCode: 'pending' } },
    };
  }
  return settledConference(pending, e);
}

/** The conference data a finished create request leaves on the event (entry points only on success). */
function settledConference(p: PendingConference, e: GEvent): Record<string, unknown> {
  e.pendingConference = undefined;
  const createRequest = {
    requestId: p.requestId,
    conferenceSolutionKey: { type: p.type },
    status: { statusCode: p.outcome },
  };
  if (p.outcome === 'failure') {
    e.hangoutLink = undefined;
    return { createRequest };
  }
  const code = meetCode();
  const uri = `https://meet.google.com/${code}`;
  e.hangoutLink = uri;
  return {
    createRequest,
    entryPoints: [{ entryPointType: 'video', uri, label: `meet.google.com/${code}` }],
    conferenceSolution: {
      key: { type: p.type },
      name: 'Google Meet',
      iconUri:
        'https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png',
    },
    conferenceId: code,
    signature: Buffer.from(`${p.requestId}:${code}`).toString('base64url'),
  };
}

/**
 * One events.get read of an event whose conference is still pending: counts the read down and, when none are left,
 * returns the event with the conference finished (success or failure); null while it stays pending.
 */
export function conferenceAfterRead(e: GEvent): GEvent | null {
  const p = e.pendingConference;
  if (!p) return null;
  if (p.readsLeft > 0) {
    p.readsLeft--;
    return null;
  }
  const next = structuredClone(e);
  next.conferenceData = settledConference(p, next);
  return next;
}

/** A new event shell for a calendar owner. */
export function newEvent(id: string, owner: GUser, now: number): GEvent {
  const iso = new Date(now).toISOString();
  return {
    id,
    status: 'confirmed',
    start: {},
    end: {},
    iCalUID: `${id}@google.com`,
    sequence: 0,
    organizer: { email: owner.email, displayName: owner.name },
    creator: { email: owner.email, displayName: owner.name },
    reminders: { useDefault: true },
    eventType: 'default',
    created: iso,
    updated: iso,
    seq: 0,
  };
}

export const requestId = () => randomUUID();
