// Translation between Calendar v3 shapes and calbridge's calendar model (events, drafts, recurrence, calendars).
// Fields Google has no place for (categories, tentative show-as, personal sensitivity) ride in private extended properties.
import { randomUUID } from 'node:crypto';
import type { calendar_v3 } from '@googleapis/calendar';
import { DateTime } from 'luxon';
import type {
  Attendee,
  CalendarEvent,
  EventDraft,
  Recurrence,
  ResponseStatus,
  Sensitivity,
  ShowAs,
} from '../../domain/calendar.js';
import type { CalendarInfo } from '../../ports/calendar-provider.js';

type GEvent = calendar_v3.Schema$Event;
type GDateTime = calendar_v3.Schema$EventDateTime;

export const PROP = {
  externalId: 'calbridgeMeetingId',
  categories: 'calbridgeCategories',
  showAs: 'calbridgeShowAs',
  sensitivity: 'calbridgeSensitivity',
} as const;

const HTML = /<[a-z][\s\S]*>/i;

function instant(dt: GDateTime | undefined, zone: string): string {
  if (!dt) return new Date(0).toISOString();
  if (dt.date) return `${dt.date}T00:00:00.000Z`;
  const hasOffset = /(Z|[+-]\d\d:?\d\d)$/.test(dt.dateTime ?? '');
  const d = DateTime.fromISO(dt.dateTime ?? '', hasOffset ? { setZone: true } : { zone: dt.timeZone ?? zone });
  return d.toUTC().toISO()!;
}

function response(s: string | null | undefined): ResponseStatus {
  switch (s) {
    case 'accepted':
      return 'accepted';
    case 'tentative':
      return 'tentative';
    case 'declined':
      return 'declined';
    case 'needsAction':
      return 'notResponded';
    case null:
    case undefined:
    default:
      return 'none';
  }
}

function attendeeOf(a: calendar_v3.Schema$EventAttendee): Attendee {
  return {
    email: (a.email ?? '').toLowerCase(),
    name: a.displayName ?? null,
    type: a.resource ? 'resource' : a.optional ? 'optional' : 'required',
    response: response(a.responseStatus),
  };
}

/** Parses Calendar v3 recurrence lines into calbridge's Recurrence (null when there is no RRULE). */
export function recurrenceOf(
  lines: string[] | null | undefined,
  start: GDateTime | undefined,
  zone: string,
): Recurrence | null {
  const rule = lines?.find((l) => /^RRULE:/i.test(l));
  if (!rule || !start) return null;
  const tz = start.timeZone ?? zone;
  const local = (d: DateTime) => d.toFormat("yyyy-LL-dd'T'HH:mm:ss");
  const startLocal = start.date ? `${start.date}T00:00:00` : local(DateTime.fromISO(instant(start, tz)).setZone(tz));
  const exDates: string[] = [];
  for (const line of lines ?? []) {
    const m = /^EXDATE((?:;[^:]*)?):(.*)$/i.exec(line);
    if (!m) continue;
    const lineZone = /TZID=([^;:]+)/i.exec(m[1] ?? '')?.[1] ?? tz;
    for (const v of (m[2] ?? '').split(',').filter(Boolean)) {
      const utc = v.endsWith('Z');
      const fmt = v.includes('T') ? (utc ? "yyyyLLdd'T'HHmmss'Z'" : "yyyyLLdd'T'HHmmss") : 'yyyyLLdd';
      const d = DateTime.fromFormat(v, fmt, { zone: utc ? 'utc' : lineZone });
      if (d.isValid) exDates.push(local(d.setZone(tz)));
    }
  }
  return { rrule: rule.slice(6), timeZone: tz, startLocal, exDates };
}

function parseJson<T>(s: string | undefined, fallback: T): T {
  if (s === undefined) return fallback;
  try {
    return JSON.parse(s) as T;
  } catch {
    return fallback;
  }
}

/** A Calendar v3 event in calbridge's terms, as seen from `mailbox`'s calendar. */
export function googleEventToCalendarEvent(
  ev: GEvent,
  ctx: { calendarId: string | null; mailbox: string; calendarTimeZone?: string },
): CalendarEvent {
  const zone = ev.start?.timeZone ?? ctx.calendarTimeZone ?? 'UTC';
  const priv = ev.extendedProperties?.private ?? {};
  const me = ctx.mailbox.toLowerCase();
  const attendees = (ev.attendees ?? []).map(attendeeOf);
  const organizer = ev.organizer?.email
    ? { email: ev.organizer.email.toLowerCase(), name: ev.organizer.displayName ?? null }
    : null;
  const mine = (ev.attendees ?? []).find((a) => a.self || a.email?.toLowerCase() === me);
  const room = attendees.find((a) => a.type === 'resource');
  const video =
    ev.conferenceData?.entryPoints?.find((p) => p.entryPointType === 'video')?.uri ?? ev.hangoutLink ?? null;
  const orig = ev.originalStartTime ? instant(ev.originalStartTime, zone) : null;
  const start = instant(ev.start ?? undefined, zone);
  const storedShowAs = priv[PROP.showAs] as ShowAs | undefined;
  const showAs: ShowAs =
    storedShowAs ??
    (ev.transparency === 'transparent' ? 'free' : mine?.responseStatus === 'tentative' ? 'tentative' : 'busy');
  const sensitivity: Sensitivity =
    (priv[PROP.sensitivity] as Sensitivity | undefined) ??
    (ev.visibility === 'private' ? 'private' : ev.visibility === 'confidential' ? 'confidential' : 'normal');
  const popup = ev.reminders?.overrides?.find((r) => r.method === 'popup')?.minutes;
  return {
    id: ev.id ?? '',
    calendarId: ctx.calendarId,
    iCalUId: ev.iCalUID ?? null,
    changeKey: ev.etag ?? null,
    subject: ev.summary ?? '',
    body: { contentType: HTML.test(ev.description ?? '') ? 'html' : 'text', content: ev.description ?? '' },
    start,
    end: instant(ev.end ?? undefined, zone),
    timeZone: zone,
    isAllDay: Boolean(ev.start?.date),
    organizer,
    attendees,
    location: ev.location
      ? { displayName: ev.location, address: null, roomEmail: room?.email ?? null }
      : room
        ? { displayName: room.name ?? room.email, address: null, roomEmail: room.email }
        : null,
    onlineMeeting: video
      ? { provider: 'googleMeet', joinUrl: video, conferenceId: ev.conferenceData?.conferenceId ?? null }
      : null,
    showAs,
    sensitivity,
    categories: parseJson<string[]>(priv[PROP.categories], []),
    type: ev.recurrence?.length
      ? 'seriesMaster'
      : ev.recurringEventId
        ? orig !== null && orig !== start
          ? 'exception'
          : 'occurrence'
        : 'singleInstance',
    seriesMasterId: ev.recurringEventId ?? null,
    originalStart: orig,
    recurrence: recurrenceOf(ev.recurrence, ev.start ?? undefined, zone),
    isCancelled: ev.status === 'cancelled',
    externalId: priv[PROP.externalId] ?? null,
    reminderMinutes: ev.reminders?.useDefault === false ? (popup ?? null) : null,
    responseStatus: organizer?.email === me ? 'organizer' : mine ? response(mine.responseStatus) : 'none',
    createdAt: ev.created ?? null,
    updatedAt: ev.updated ?? null,
  };
}

function dateTimeOf(at: string, zone: string, allDay: boolean): GDateTime {
  if (allDay) return { date: at.slice(0, 10) };
  return {
    dateTime: DateTime.fromISO(at, { zone: 'utc' }).setZone(zone).toISO({ suppressMilliseconds: true })!,
    timeZone: zone,
  };
}

/**
 * RRULE / EXDATE lines for a Recurrence. A timed series' date-only UNTIL (the inclusive last local date) is written
 * as the UTC instant ending that date in the series' zone: RFC 5545 wants UNTIL in UTC when DTSTART has a TZID.
 */
export function recurrenceLines(r: Recurrence, opts: { allDay?: boolean } = {}): string[] {
  let rule = r.rrule.replace(/^RRULE:/i, '');
  const until = /(^|;)UNTIL=(\d{8})(?=;|$)/i.exec(rule);
  if (until && !opts.allDay) {
    const end = DateTime.fromFormat(until[2]!, 'yyyyLLdd', { zone: r.timeZone }).endOf('day').toUTC();
    if (end.isValid) rule = rule.replace(until[0], `${until[1]}UNTIL=${end.toFormat("yyyyLLdd'T'HHmmss'Z'")}`);
  }
  const lines = [`RRULE:${rule}`];
  if (r.exDates.length)
    lines.push(`EXDATE;TZID=${r.timeZone}:${r.exDates.map((d) => d.replace(/[-:]/g, '').slice(0, 15)).join(',')}`);
  return lines;
}

function privateProps(d: Partial<EventDraft>, externalId?: string): Record<string, string> {
  const p: Record<string, string> = {};
  if (externalId !== undefined) p[PROP.externalId] = externalId;
  if (d.categories !== undefined) p[PROP.categories] = JSON.stringify(d.categories);
  if (d.showAs !== undefined) p[PROP.showAs] = d.showAs;
  if (d.sensitivity !== undefined) p[PROP.sensitivity] = d.sensitivity;
  return p;
}

/** The parts of an event body for the fields present in `d` (shared by insert and patch). */
export function draftFields(d: Partial<EventDraft>, opts: { zone?: string; externalId?: string } = {}): GEvent {
  const zone = d.timeZone ?? opts.zone ?? 'UTC';
  const allDay = d.isAllDay ?? false;
  const out: GEvent = {};
  if (d.subject !== undefined) out.summary = d.subject;
  if (d.body !== undefined) out.description = d.body.content;
  if (d.start !== undefined) out.start = dateTimeOf(d.start, zone, allDay);
  if (d.end !== undefined) out.end = dateTimeOf(d.end, zone, allDay);
  if (d.location !== undefined) out.location = d.location?.displayName ?? '';
  if (d.attendees !== undefined || d.location?.roomEmail) {
    const people = (d.attendees ?? []).map((a) => ({
      email: a.email.toLowerCase(),
      ...(a.name ? { displayName: a.name } : {}),
      ...(a.type === 'optional' ? { optional: true } : {}),
      ...(a.type === 'resource' ? { resource: true } : {}),
    }));
    const room = d.location?.roomEmail?.toLowerCase();
    if (room && !people.some((p) => p.email === room)) people.push({ email: room, resource: true });
    out.attendees = people;
  }
  if (d.showAs !== undefined) out.transparency = d.showAs === 'free' ? 'transparent' : 'opaque';
  if (d.sensitivity !== undefined)
    out.visibility =
      d.sensitivity === 'normal' ? 'default' : d.sensitivity === 'confidential' ? 'confidential' : 'private';
  if (d.recurrence !== undefined)
    out.recurrence = d.recurrence ? recurrenceLines(d.recurrence, { allDay: d.isAllDay === true }) : [];
  if (d.reminderMinutes !== undefined)
    out.reminders =
      d.reminderMinutes === null
        ? { useDefault: true }
        : { useDefault: false, overrides: [{ method: 'popup', minutes: d.reminderMinutes }] };
  if (d.onlineMeeting === true)
    out.conferenceData = {
      createRequest: { requestId: randomUUID(), conferenceSolutionKey: { type: 'hangoutsMeet' } },
    };
  const priv = privateProps(d, opts.externalId);
  if (Object.keys(priv).length) out.extendedProperties = { private: priv };
  return out;
}

/** An events.insert body for a draft. */
export function draftToGoogleEvent(d: EventDraft, opts: { externalId?: string; id?: string } = {}): GEvent {
  return { ...(opts.id ? { id: opts.id } : {}), ...draftFields(d, { externalId: opts.externalId }) };
}

/** A calendarList entry as CalendarInfo. */
export function googleCalendarToInfo(c: calendar_v3.Schema$CalendarListEntry, ctx: { mailbox: string }): CalendarInfo {
  const types = c.conferenceProperties?.allowedConferenceSolutionTypes ?? [];
  const meet = types.includes('hangoutsMeet');
  const own = Boolean(c.primary) || c.id?.toLowerCase() === ctx.mailbox.toLowerCase();
  return {
    id: c.id ?? '',
    name: c.summaryOverride ?? c.summary ?? c.id ?? '',
    ownerEmail: own
      ? ctx.mailbox.toLowerCase()
      : c.id?.includes('@') && !c.id.endsWith('calendar.google.com')
        ? c.id.toLowerCase()
        : null,
    isDefault: Boolean(c.primary),
    isShared: !own,
    canEdit: c.accessRole === 'owner' || c.accessRole === 'writer',
    allowedOnlineMeetingProviders: meet ? ['googleMeet'] : [],
    defaultOnlineMeetingProvider: meet ? 'googleMeet' : null,
  };
}

/** A deterministic Google event id (base32hex) from an idempotency key, so a repeated create finds the first one. */
export function eventIdFor(transactionId: string, hash: (s: string) => Buffer): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  return [...hash(`calbridge:${transactionId}`)]
    .slice(0, 26)
    .map((b) => alphabet[b % 32])
    .join('');
}
