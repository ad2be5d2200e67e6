// Graph event JSON ↔ CalendarEvent / EventDraft, and delta pages ↔ EventChange. Pure: no HTTP, no clock, no env.
import { DateTime } from 'luxon';
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import type {
  Attendee,
  AttendeeType,
  CalendarEvent,
  EmailAddress,
  EventLocation,
  EventType,
  Instant,
  OnlineMeeting,
  OnlineMeetingProvider,
  ResponseStatus,
  Sensitivity,
  ShowAs,
} from '../../domain/calendar.js';
import type { EventChange } from '../../ports/calendar-provider.js';
import { AppError } from '../../domain/errors.js';
import { CALBRIDGE_PROPERTY_ID } from './mapping-draft.js';
import { graphToRecurrence } from './recurrence.js';
import { graphDateTimeToInstant, instantToLocal, resolveTimeZone, type ZoneResolution } from './timezones.js';

export * from './mapping-draft.js';
export * from './mapping-scheduling.js';

/** Something the mapping had to guess; reported, never thrown. */
export interface MappingWarning {
  kind: 'time_zone_fallback' | 'time_zone_inexact';
  /** Which Graph field held the value. */
  field: string;
  input: string | null;
  resolved: string;
  eventId?: string;
}

export interface MappingContext {
  /** The calendar the events were read from, when the caller knows it. */
  calendarId?: string | null;
  /** Zone used when an event's own zone cannot be resolved (default UTC). */
  fallbackTimeZone?: string;
  onWarning?: (warning: MappingWarning) => void;
}

const SHOW_AS = new Set<ShowAs>(['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown']);
const SENSITIVITY = new Set<Sensitivity>(['normal', 'personal', 'private', 'confidential']);
const EVENT_TYPES = new Set<EventType>(['singleInstance', 'occurrence', 'exception', 'seriesMaster']);
const ATTENDEE_TYPES = new Set<AttendeeType>(['required', 'optional', 'resource']);

function pick<T extends string>(allowed: ReadonlySet<T>, value: string | null | undefined, fallback: T): T {
  return value !== null && value !== undefined && allowed.has(value as T) ? (value as T) : fallback;
}

/** Graph ResponseType → the domain's ResponseStatus (`tentativelyAccepted` → `tentative`). */
export function mapResponse(response: string | null | undefined): ResponseStatus {
  const value = response ?? '';
  switch (value) {
    case 'organizer':
    case 'accepted':
    case 'declined':
    case 'notResponded':
    case 'none':
      return value;
    case 'tentativelyAccepted':
      return 'tentative';
    default:
      return 'none';
  }
}

/** Graph's `onlineMeetingProvider` (and the join URL as a hint when it says `unknown`) → the domain's provider. */
export function mapOnlineMeetingProvider(
  provider: string | null | undefined,
  joinUrl?: string | null,
): OnlineMeetingProvider {
  if (provider === 'teamsForBusiness') return 'teamsForBusiness';
  if (provider === 'skypeForBusiness' || provider === 'skypeForConsumer') return 'skypeForBusiness';
  if (joinUrl && /^https:\/\/teams\.(?:microsoft|live)\.com\//i.test(joinUrl)) return 'teamsForBusiness';
  if (joinUrl && /^https:\/\/meet\.google\.com\//i.test(joinUrl)) return 'googleMeet';
  return 'other';
}

/** ISO date-time with offset (createdDateTime, originalStart) → instant with Z; null when absent or unreadable. */
export function toInstant(value: string | null | undefined): Instant | null {
  if (!value) return null;
  const fast = plainIsoInstant(value);
  if (fast !== null) return fast;
  const parsed = DateTime.fromISO(value, { zone: 'UTC' });
  return parsed.isValid ? (parsed.toUTC().toISO() as Instant) : null;
}

/** `2026-03-08T15:00:00.0000000Z`, `…+01:00`, or no offset (read as UTC): Graph's forms of an instant. */
const PLAIN_ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * What luxon's fromISO(…, UTC).toUTC().toISO() gives for Graph's plain forms, without luxon (tens of microseconds a
 * value, three values an event in a sync): the fraction cut to milliseconds as luxon cuts it, the offset applied. Null
 * for anything else (other ISO forms, fields out of range, years before 1000 or after 9999): luxon reads those.
 */
function plainIsoInstant(value: string): Instant | null {
  const m = PLAIN_ISO.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, fraction, offset] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(sec);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  // a day past the month's end rolls over in Date: luxon calls it invalid
  if (new Date(wall).getUTCDate() !== day) return null;
  const ms = fraction ? Math.floor(parseFloat(`0.${fraction}`) * 1000) : 0;
  let shift = 0;
  if (offset && offset !== 'Z') {
    const oh = Number(offset.slice(1, 3));
    const om = Number(offset.slice(4, 6));
    if (oh > 23 || om > 59) return null;
    shift = (offset[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const iso = new Date(wall + ms - shift).toISOString();
  return iso.length === 24 && iso[0] !== '0' ? (iso as Instant) : null;
}

/** Graph's `@odata.etag` (`W/"abc=="`) → the changeKey inside it. */
export function etagToChangeKey(etag: string | null | undefined): string | null {
  if (!etag) return null;
  const m = /^(?:W\/)?"(.*)"$/.exec(etag);
  return m?.[1] ?? etag;
}

/** The changeKey as an `If-Match` value. */
export function changeKeyToEtag(changeKey: string): string {
  return changeKey.startsWith('W/"') ? changeKey : `W/"${changeKey}"`;
}

function mapEmail(recipient: MicrosoftGraph.Recipient | null | undefined): EmailAddress | null {
  const address = recipient?.emailAddress?.address;
  if (!address) return null;
  return { email: address.toLowerCase(), name: recipient.emailAddress?.name ?? null };
}

function mapAttendees(attendees: MicrosoftGraph.Attendee[] | null | undefined): Attendee[] {
  const out: Attendee[] = [];
  for (const a of attendees ?? []) {
    const email = mapEmail(a);
    if (email === null) continue;
    out.push({
      ...email,
      type: pick(ATTENDEE_TYPES, a.type?.toLowerCase(), 'required'),
      response: mapResponse(a.status?.response),
    });
  }
  return out;
}

function formatAddress(address: MicrosoftGraph.PhysicalAddress | null | undefined): string | null {
  if (!address) return null;
  const cityLine = [address.city, [address.state, address.postalCode].filter(Boolean).join(' ')]
    .filter(Boolean)
    .join(', ');
  const text = [address.street, cityLine, address.countryOrRegion].filter((p) => p && p.trim() !== '').join(', ');
  return text === '' ? null : text;
}

function roomEmailOf(loc: MicrosoftGraph.Location): string | null {
  if (loc.locationEmailAddress) return loc.locationEmailAddress.toLowerCase();
  if (loc.locationType === 'conferenceRoom' && loc.uniqueId?.includes('@')) return loc.uniqueId.toLowerCase();
  return null;
}

/** `location` plus `locations` → one EventLocation; the room mailbox comes from whichever entry names one. */
export function mapLocation(ev: Pick<MicrosoftGraph.Event, 'location' | 'locations'>): EventLocation | null {
  const all = [ev.location, ...(ev.locations ?? [])].filter((l): l is MicrosoftGraph.Location => !!l);
  const room = all.find((l) => roomEmailOf(l) !== null) ?? null;
  const displayName = ev.location?.displayName ?? room?.displayName ?? '';
  const single = ev.locations?.length === 1 ? ev.locations[0] : undefined;
  const address = formatAddress(ev.location?.address) ?? formatAddress(single?.address);
  const roomEmail = room === null ? null : roomEmailOf(room);
  if (displayName === '' && roomEmail === null && address === null) return null;
  return { displayName, address, roomEmail };
}

function mapOnlineMeeting(ev: MicrosoftGraph.Event): OnlineMeeting | null {
  const joinUrl = ev.onlineMeeting?.joinUrl ?? ev.onlineMeetingUrl ?? null;
  if (!joinUrl) return null;
  return {
    provider: mapOnlineMeetingProvider(ev.onlineMeetingProvider, joinUrl),
    joinUrl,
    conferenceId: ev.onlineMeeting?.conferenceId ?? null,
  };
}

function readExternalId(props: MicrosoftGraph.SingleValueLegacyExtendedProperty[] | null | undefined): string | null {
  const wanted = CALBRIDGE_PROPERTY_ID.toLowerCase().replace(/\s+/g, ' ');
  const found = (props ?? []).find((p) => (p.id ?? '').toLowerCase().replace(/\s+/g, ' ') === wanted);
  return found?.value ?? null;
}

function calendarIdFromLinks(ev: Record<string, unknown>): string | null {
  for (const key of ['calendar@odata.associationLink', 'calendar@odata.navigationLink']) {
    const link = ev[key];
    const m = typeof link === 'string' ? /calendars\('([^']+)'\)/.exec(link) : null;
    if (m?.[1]) return decodeURIComponent(m[1]);
  }
  return null;
}

function required<T>(value: T | null | undefined, field: string, eventId: string | undefined): T {
  if (value === null || value === undefined) {
    throw new AppError('provider_error', 'The calendar provider returned an event calbridge cannot read.', {
      details: { reason: 'missing_field', field, eventId: eventId ?? null },
    });
  }
  return value;
}

function report(ctx: MappingContext, r: ZoneResolution, field: string, eventId: string): void {
  if (r.exact || !ctx.onWarning) return;
  const kind = r.source === 'fallback' ? 'time_zone_fallback' : 'time_zone_inexact';
  ctx.onWarning({ kind, field, input: r.input, resolved: r.iana, eventId });
}

/** The event's own zone: originalStartTimeZone, else the recurrence zone, else the zone of `start`, else the fallback. */
function eventZone(ev: MicrosoftGraph.Event, ctx: MappingContext, id: string): string {
  const fallback = ctx.fallbackTimeZone ?? 'UTC';
  const candidates: Array<[string, string | null | undefined]> = [
    ['originalStartTimeZone', ev.originalStartTimeZone],
    ['recurrence.range.recurrenceTimeZone', ev.recurrence?.range?.recurrenceTimeZone],
  ];
  let first: [ZoneResolution, string] | null = null;
  for (const [field, value] of candidates) {
    if (!value) continue;
    const r = resolveTimeZone(value, fallback);
    if (r.source !== 'fallback') {
      report(ctx, r, field, id);
      return r.iana;
    }
    first ??= [r, field];
  }
  const startZone = ev.start?.timeZone ? resolveTimeZone(ev.start.timeZone, fallback) : null;
  if (first === null && startZone !== null && startZone.source !== 'fallback') return startZone.iana;
  if (first !== null) report(ctx, first[0], first[1], id);
  return fallback;
}

/** All-day start/end: the local date of the wall time (converted to the event zone if Graph sent another zone). */
function allDayInstant(value: MicrosoftGraph.DateTimeTimeZone, zone: string, fallbackZone: string): Instant {
  const dateTime = value.dateTime ?? '';
  const date = /T00:00:00(?:\.0+)?$/.test(dateTime)
    ? dateTime.slice(0, 10)
    : instantToLocal(graphDateTimeToInstant(value, fallbackZone), zone).slice(0, 10);
  return `${date}T00:00:00.000Z`;
}

/** Graph gives an all-day occurrence's originalStart as the UTC instant of its local midnight; keep its date. */
function allDayOriginalStart(value: string | null | undefined, zone: string): Instant | null {
  const instant = toInstant(value);
  return instant === null ? null : `${instantToLocal(instant, zone).slice(0, 10)}T00:00:00.000Z`;
}

/**
 * One Graph event (read with `Prefer: outlook.timezone="UTC"` or any other zone) → CalendarEvent. Missing `id`,
 * `start` or `end` is a `provider_error`; every other missing field takes its documented default.
 */
export function graphEventToCalendarEvent(ev: MicrosoftGraph.Event, ctx: MappingContext = {}): CalendarEvent {
  const id = required(ev.id, 'id', undefined);
  const start = required(ev.start, 'start', id);
  const end = required(ev.end, 'end', id);
  const fallback = ctx.fallbackTimeZone ?? 'UTC';
  const timeZone = eventZone(ev, ctx, id);
  const isAllDay = ev.isAllDay === true;
  const startInstant = isAllDay ? allDayInstant(start, timeZone, fallback) : graphDateTimeToInstant(start, fallback);
  const endInstant = isAllDay ? allDayInstant(end, timeZone, fallback) : graphDateTimeToInstant(end, fallback);
  const raw = ev as MicrosoftGraph.Event & Record<string, unknown>;
  let recurrence: CalendarEvent['recurrence'] = null;
  if (ev.recurrence?.pattern) {
    const recurrenceZone = ev.recurrence.range?.recurrenceTimeZone
      ? resolveTimeZone(ev.recurrence.range.recurrenceTimeZone, timeZone).iana
      : timeZone;
    const startLocal = isAllDay
      ? `${startInstant.slice(0, 10)}T00:00:00`
      : instantToLocal(startInstant, recurrenceZone);
    recurrence = graphToRecurrence(ev.recurrence, {
      startLocal,
      eventTimeZone: timeZone,
      cancelledOccurrences: ev.cancelledOccurrences ?? null,
    });
  }
  return {
    id,
    calendarId: ctx.calendarId ?? ev.calendar?.id ?? calendarIdFromLinks(raw),
    iCalUId: ev.iCalUId ?? null,
    changeKey: ev.changeKey ?? etagToChangeKey(raw['@odata.etag'] as string | undefined),
    subject: ev.subject ?? '',
    body: {
      contentType: ev.body?.contentType?.toLowerCase() === 'html' ? 'html' : 'text',
      content: ev.body?.content ?? '',
    },
    start: startInstant,
    end: endInstant,
    timeZone,
    isAllDay,
    organizer: mapEmail(ev.organizer),
    attendees: mapAttendees(ev.attendees),
    location: mapLocation(ev),
    onlineMeeting: mapOnlineMeeting(ev),
    showAs: pick(SHOW_AS, ev.showAs, 'busy'),
    sensitivity: pick(SENSITIVITY, ev.sensitivity, 'normal'),
    categories: [...(ev.categories ?? [])],
    type: pick(EVENT_TYPES, ev.type, 'singleInstance'),
    seriesMasterId: ev.seriesMasterId ?? null,
    originalStart: isAllDay ? allDayOriginalStart(ev.originalStart, timeZone) : toInstant(ev.originalStart),
    recurrence,
    isCancelled: ev.isCancelled === true,
    externalId: readExternalId(ev.singleValueExtendedProperties),
    reminderMinutes: ev.isReminderOn === false ? null : (ev.reminderMinutesBeforeStart ?? null),
    responseStatus: mapResponse(ev.responseStatus?.response),
    createdAt: toInstant(ev.createdDateTime),
    updatedAt: toInstant(ev.lastModifiedDateTime),
  };
}

/** One item of a delta page: `@removed` entries become `removed`, everything else an upsert. */
export type GraphDeltaItem = MicrosoftGraph.Event & { '@removed'?: { reason?: string } };

export interface GraphDeltaPage {
  value?: GraphDeltaItem[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

/** A delta page → changes plus the links the provider turns into its cursor. */
export function mapDeltaPage(
  page: GraphDeltaPage,
  ctx: MappingContext = {},
): { changes: EventChange[]; nextLink: string | null; deltaLink: string | null } {
  const changes: EventChange[] = (page.value ?? []).map((item): EventChange => {
    if (item['@removed'] !== undefined) return { kind: 'removed', eventId: required(item.id, 'id', undefined) };
    return { kind: 'upsert', event: graphEventToCalendarEvent(item, ctx) };
  });
  return { changes, nextLink: page['@odata.nextLink'] ?? null, deltaLink: page['@odata.deltaLink'] ?? null };
}
