// Builds and patches stored Graph events from client input: defaults, time zones, bodies, locations, Teams.
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import type { EmuUser } from '../contracts.js';
import { GraphHttpError } from './errors.js';
import { newICalUid, shortHash } from './ids.js';
import { NEVER, type CalendarRecord, type GraphEvent, type StoredEvent } from './model.js';
import { expandSeries } from './recurrence.js';
import type { MailboxStore } from './store.js';
import { hasJoinBlock, withJoinBlock, withoutJoinBlock } from './teams-block.js';
import { graphTimestamp, localToUtcMs, normaliseLocal, requireZone } from './time.js';

type Meta = Pick<StoredEvent, 'startMs' | 'endMs' | 'zone'>;

/** Properties a client may write on an event (others are read-only and ignored). */
const WRITABLE = new Set([
  'subject',
  'body',
  'start',
  'end',
  'location',
  'locations',
  'attendees',
  'categories',
  'importance',
  'sensitivity',
  'isAllDay',
  'isReminderOn',
  'reminderMinutesBeforeStart',
  'responseRequested',
  'showAs',
  'recurrence',
  'isOnlineMeeting',
  'onlineMeetingProvider',
  'allowNewTimeProposals',
  'hideAttendees',
  'transactionId',
  'singleValueExtendedProperties',
  'multiValueExtendedProperties',
  'originalStartTimeZone',
  'originalEndTimeZone',
]);

const bad = (message: string, code = 'ErrorInvalidRequest') => new GraphHttpError(400, code, message);

/** Strips tags and collapses whitespace: Graph's bodyPreview (first 255 characters). */
export function previewOf(body: MicrosoftGraph.ItemBody): string {
  const text =
    body.contentType === 'html'
      ? (body.content ?? '')
          .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
          .replace(/<[^>]*>/g, ' ')
          .replace(/&nbsp;/g, ' ')
          .replace(/&amp;/g, '&')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
      : (body.content ?? '');
  return text.replace(/\s+/g, ' ').trim().slice(0, 255);
}

/** Normalises a body the way Exchange stores it (html wrapped in a document). */
export function normaliseBody(input: MicrosoftGraph.ItemBody | null | undefined): MicrosoftGraph.ItemBody {
  if (!input) return { contentType: 'html', content: '' };
  const type = String(input.contentType ?? 'text').toLowerCase();
  if (type !== 'html' && type !== 'text') throw bad(`Invalid body contentType '${String(input.contentType)}'.`);
  const content = typeof input.content === 'string' ? input.content : '';
  if (type === 'text') return { contentType: 'text', content };
  const wrapped =
    /<html[\s>]/i.test(content) || content === '' ? content : `<html><head></head><body>${content}</body></html>`;
  return { contentType: 'html', content: wrapped };
}

const EMPTY_ADDRESS = { street: '', city: '', state: '', countryOrRegion: '', postalCode: '' };
const EMPTY_COORDINATES = { accuracy: null, altitude: null, altitudeAccuracy: null, latitude: null, longitude: null };

/** A location with every documented property (missing address/coordinate fields empty or null). */
export function normaliseLocation(loc: MicrosoftGraph.Location | null | undefined): MicrosoftGraph.Location {
  const name = loc?.displayName ?? '';
  return {
    displayName: name,
    locationType: loc?.locationType ?? 'default',
    locationEmailAddress: loc?.locationEmailAddress ?? null,
    locationUri: loc?.locationUri ?? null,
    uniqueId: loc?.uniqueId ?? name,
    uniqueIdType: loc?.uniqueIdType ?? (name ? 'private' : 'unknown'),
    address: { ...EMPTY_ADDRESS, ...(loc?.address ?? {}) },
    coordinates: { ...EMPTY_COORDINATES, ...(loc?.coordinates ?? {}) },
  } as MicrosoftGraph.Location;
}

function normaliseLocations(input: GraphEvent): {
  location: MicrosoftGraph.Location;
  locations: MicrosoftGraph.Location[];
} {
  const list = (input.locations ?? []).filter((l) => l?.displayName);
  if (list.length > 0) {
    const joined = list.map((l) => l.displayName).join('; ');
    return {
      location: normaliseLocation(
        list.length === 1 ? list[0] : { displayName: joined, uniqueId: joined, uniqueIdType: 'private' },
      ),
      locations: list.map((l) => normaliseLocation({ uniqueId: '', uniqueIdType: 'unknown', ...l })),
    };
  }
  const location = normaliseLocation(input.location);
  return {
    location,
    locations: location.displayName
      ? [normaliseLocation({ ...input.location, uniqueId: '', uniqueIdType: 'unknown' })]
      : [],
  };
}

/** A patternedRecurrence with every property Exchange returns (unused numbers 0, open end dates 0001-01-01). */
export function normaliseRecurrence(
  rec: MicrosoftGraph.PatternedRecurrence,
  zoneLabel: string,
): MicrosoftGraph.PatternedRecurrence {
  const p = rec.pattern ?? {};
  const r = rec.range ?? {};
  return {
    pattern: {
      type: p.type,
      interval: p.interval ?? 1,
      month: p.month ?? 0,
      dayOfMonth: p.dayOfMonth ?? 0,
      daysOfWeek: (p.daysOfWeek ?? []).map((d) => String(d).toLowerCase()) as MicrosoftGraph.DayOfWeek[],
      firstDayOfWeek: (p.firstDayOfWeek
        ? String(p.firstDayOfWeek).toLowerCase()
        : 'sunday') as MicrosoftGraph.DayOfWeek,
      index: p.index ?? 'first',
    },
    range: {
      type: r.type,
      startDate: r.startDate,
      endDate: r.type === 'endDate' ? r.endDate : '0001-01-01',
      recurrenceTimeZone: r.recurrenceTimeZone ?? zoneLabel,
      numberOfOccurrences: r.type === 'numbered' ? r.numberOfOccurrences : 0,
    },
  };
}

/** Attendees with Graph's defaults (type required, status none); names filled from the directory. */
export function normaliseAttendees(
  store: MailboxStore,
  list: MicrosoftGraph.Attendee[] | null | undefined,
): MicrosoftGraph.Attendee[] {
  if (list == null) return [];
  if (!Array.isArray(list)) throw bad("Invalid value for property 'attendees'.");
  return list.map((a) => {
    const address = a?.emailAddress?.address;
    if (typeof address !== 'string' || !address.includes('@'))
      throw bad('An attendee has no valid email address.', 'ErrorInvalidRecipients');
    const user = store.directory.getUser(address);
    return {
      type: a.type ?? (user?.kind === 'room' ? 'resource' : 'required'),
      status: a.status?.response
        ? { response: a.status.response, time: a.status.time ?? NEVER }
        : { response: 'none', time: NEVER },
      emailAddress: { name: a.emailAddress?.name ?? user?.displayName ?? address, address },
    };
  });
}

/** Reads start/end into instants, validates order and all-day midnights. */
export function timesOf(ev: GraphEvent): Meta {
  const start = ev.start;
  const end = ev.end;
  if (!start?.dateTime || !end?.dateTime) throw bad('The event must have a start and an end.', 'ErrorInvalidRequest');
  const zone = requireZone(start.timeZone);
  requireZone(end.timeZone);
  const startMs = localToUtcMs(start.dateTime, start.timeZone ?? 'UTC');
  const endMs = localToUtcMs(end.dateTime, end.timeZone ?? 'UTC');
  if (endMs < startMs) throw bad('The end time of the event must be after its start time.', 'ErrorInvalidRequest');
  if (ev.isAllDay) {
    const midnight = (s: string) => /T00:00(:00(\.0+)?)?$/.test(s.trim()) || /^\d{4}-\d{2}-\d{2}$/.test(s.trim());
    if (!midnight(start.dateTime) || !midnight(end.dateTime) || endMs === startMs) {
      throw bad(
        'Start and end times of an all-day event must be at midnight and at least one day apart.',
        'ErrorPropertyValidationFailure',
      );
    }
  }
  return { startMs, endMs, zone };
}

function checkRecurrence(rec: MicrosoftGraph.PatternedRecurrence, meta: Meta): void {
  if (!rec.pattern?.type || !rec.range?.type || !rec.range.startDate)
    throw bad('The recurrence pattern or range is incomplete.', 'ErrorPropertyValidationFailure');
  try {
    expandSeries({
      recurrence: rec,
      startLocal: '2000-01-01T00:00:00',
      timeZone: meta.zone,
      durationMinutes: 0,
      windowStartUtc: new Date(meta.startMs),
      windowEndUtc: new Date(meta.startMs + 1),
      maxOccurrences: 1,
    });
  } catch (e) {
    throw bad(`Invalid recurrence: ${(e as Error).message}`, 'ErrorPropertyValidationFailure');
  }
}

/** A Teams join link for a meeting (deterministic from the event id). */
export function teamsMeeting(eventId: string, tenantId: string, userId: string): MicrosoftGraph.OnlineMeetingInfo {
  const h = shortHash(eventId, 48);
  const ctx = encodeURIComponent(JSON.stringify({ Tid: tenantId, Oid: userId })).replace(/%[0-9A-F]{2}/g, (m) =>
    m.toLowerCase(),
  );
  return {
    joinUrl: `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${Buffer.from(h).toString('base64url').slice(0, 48)}%40thread.v2/0?context=${ctx}`,
    conferenceId: String(parseInt(h.slice(0, 8), 16) % 1_000_000_000),
    tollNumber: '+1 425 555 0123',
    tollFreeNumbers: ['+1 800 555 0123'],
    quickDial: `+14255550123,,${parseInt(h.slice(0, 8), 16) % 1_000_000_000}#`,
    phones: [{ number: '+1 425 555 0123', type: 'business' }],
  };
}

/** Applies isOnlineMeeting / onlineMeetingProvider against what the calendar allows. */
function applyOnline(ev: GraphEvent, cal: CalendarRecord, owner: EmuUser, previous?: GraphEvent): void {
  if (!ev.isOnlineMeeting) {
    ev.isOnlineMeeting = false;
    ev.onlineMeetingProvider = 'unknown';
    ev.onlineMeeting = null;
    ev.onlineMeetingUrl = null;
    return;
  }
  const wanted =
    ev.onlineMeetingProvider && ev.onlineMeetingProvider !== 'unknown'
      ? ev.onlineMeetingProvider
      : cal.defaultOnlineMeetingProvider;
  if (!wanted || wanted === 'unknown' || !cal.allowedOnlineMeetingProviders.includes(wanted)) {
    // The calendar cannot host this provider: Exchange creates a plain meeting.
    ev.isOnlineMeeting = false;
    ev.onlineMeetingProvider = 'unknown';
    ev.onlineMeeting = null;
    ev.onlineMeetingUrl = null;
    return;
  }
  ev.onlineMeetingProvider = wanted as MicrosoftGraph.OnlineMeetingProviderType;
  ev.onlineMeeting =
    previous?.isOnlineMeeting && previous.onlineMeeting
      ? previous.onlineMeeting
      : teamsMeeting(ev.id!, owner.tenantId, owner.id);
  ev.onlineMeetingUrl = null;
}

function pickWritable(input: Record<string, unknown>): GraphEvent {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) if (WRITABLE.has(k)) out[k] = v;
  return out as GraphEvent;
}

/** The ordered full event as Exchange returns it after creation. */
function ordered(
  store: MailboxStore,
  id: string,
  ev: GraphEvent,
  owner: EmuUser,
  now: number,
  type: string,
): GraphEvent {
  const body = normaliseBody(ev.body);
  const { location, locations } = normaliseLocations(ev);
  return {
    id,
    createdDateTime: graphTimestamp(now),
    lastModifiedDateTime: graphTimestamp(now),
    changeKey: store.newChangeKey(),
    categories: Array.isArray(ev.categories) ? ev.categories : [],
    transactionId: ev.transactionId ?? null,
    originalStartTimeZone: ev.start?.timeZone ?? 'UTC',
    originalEndTimeZone: ev.end?.timeZone ?? 'UTC',
    iCalUId: newICalUid(store.idBytes),
    reminderMinutesBeforeStart: ev.reminderMinutesBeforeStart ?? 15,
    isReminderOn: ev.isReminderOn ?? true,
    hasAttachments: false,
    subject: ev.subject ?? '',
    bodyPreview: previewOf(body),
    importance: ev.importance ?? 'normal',
    sensitivity: ev.sensitivity ?? 'normal',
    isAllDay: ev.isAllDay ?? false,
    isCancelled: false,
    isOrganizer: true,
    responseRequested: ev.responseRequested ?? true,
    seriesMasterId: null,
    showAs: ev.showAs ?? (ev.isAllDay ? 'free' : 'busy'),
    type: type as MicrosoftGraph.EventType,
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: ev.isOnlineMeeting ?? false,
    onlineMeetingProvider: ev.onlineMeetingProvider ?? 'unknown',
    allowNewTimeProposals: ev.allowNewTimeProposals ?? true,
    isDraft: false,
    hideAttendees: ev.hideAttendees ?? false,
    responseStatus: { response: 'organizer', time: NEVER },
    body,
    start: { dateTime: normaliseLocal(ev.start!.dateTime!), timeZone: ev.start!.timeZone ?? 'UTC' },
    end: { dateTime: normaliseLocal(ev.end!.dateTime!), timeZone: ev.end!.timeZone ?? 'UTC' },
    location,
    locations,
    recurrence: ev.recurrence ? normaliseRecurrence(ev.recurrence, ev.start?.timeZone ?? 'UTC') : null,
    attendees: normaliseAttendees(store, ev.attendees),
    organizer: { emailAddress: { name: owner.displayName, address: owner.mail } },
    onlineMeeting: null,
    ...(ev.singleValueExtendedProperties ? { singleValueExtendedProperties: ev.singleValueExtendedProperties } : {}),
  };
}

/** Builds a new organizer event from a POST body. */
export function buildNewEvent(
  store: MailboxStore,
  owner: EmuUser,
  cal: CalendarRecord,
  input: Record<string, unknown>,
  now: number,
): { data: GraphEvent; meta: Meta } {
  const ev = pickWritable(input);
  if (ev.subject != null && typeof ev.subject !== 'string') throw bad("Invalid value for property 'subject'.");
  checkExtended(ev);
  const meta = timesOf(ev);
  if (ev.recurrence) checkRecurrence(ev.recurrence, meta);
  const id = store.newId();
  const data = ordered(store, id, ev, owner, now, ev.recurrence ? 'seriesMaster' : 'singleInstance');
  applyOnline(data, cal, owner);
  if (data.isOnlineMeeting && data.onlineMeeting) {
    // Exchange writes the join block into the (HTML) body of a new online meeting.
    data.body = withJoinBlock(data.body, data.onlineMeeting);
    data.bodyPreview = previewOf(data.body);
  }
  return { data, meta };
}

function checkExtended(ev: GraphEvent): void {
  const sv = ev.singleValueExtendedProperties;
  if (sv == null) return;
  if (!Array.isArray(sv) || sv.some((p) => typeof p?.id !== 'string' || typeof p.value !== 'string')) {
    throw bad("Invalid value for property 'singleValueExtendedProperties'.");
  }
}

/** Applies a PATCH body to stored data; returns the new data and instants. */
export function patchEvent(
  store: MailboxStore,
  owner: EmuUser,
  cal: CalendarRecord,
  current: GraphEvent,
  input: Record<string, unknown>,
): { data: GraphEvent; meta: Meta } {
  const p = pickWritable(input);
  checkExtended(p);
  const next: GraphEvent = { ...current };
  for (const [k, v] of Object.entries(p)) (next as Record<string, unknown>)[k] = v;
  if (p.body !== undefined) {
    next.body = normaliseBody(p.body);
    next.bodyPreview = previewOf(next.body);
  }
  if (p.location !== undefined || p.locations !== undefined)
    Object.assign(
      next,
      normaliseLocations({
        location: p.location ?? (p.locations ? undefined : current.location),
        locations: p.locations,
      }),
    );
  if (p.attendees !== undefined)
    next.attendees = mergeAttendees(normaliseAttendees(store, p.attendees), current.attendees ?? []);
  if (p.start) next.start = { dateTime: normaliseLocal(p.start.dateTime ?? ''), timeZone: p.start.timeZone ?? 'UTC' };
  if (p.end) next.end = { dateTime: normaliseLocal(p.end.dateTime ?? ''), timeZone: p.end.timeZone ?? 'UTC' };
  if (p.start) next.originalStartTimeZone = next.start!.timeZone;
  if (p.end) next.originalEndTimeZone = next.end!.timeZone;
  if (p.singleValueExtendedProperties) {
    const byId = new Map((current.singleValueExtendedProperties ?? []).map((x) => [x.id!.toLowerCase(), x]));
    for (const x of p.singleValueExtendedProperties) byId.set(x.id!.toLowerCase(), x);
    next.singleValueExtendedProperties = [...byId.values()];
  }
  const meta = timesOf(next);
  if (next.recurrence && current.type === 'seriesMaster') {
    checkRecurrence(next.recurrence, meta);
    if (p.recurrence) next.recurrence = normaliseRecurrence(p.recurrence, next.start?.timeZone ?? 'UTC');
  }
  if (p.recurrence === null && current.type === 'seriesMaster') next.recurrence = current.recurrence;
  if (p.isOnlineMeeting !== undefined || p.onlineMeetingProvider !== undefined) {
    if (p.isOnlineMeeting === undefined) next.isOnlineMeeting = current.isOnlineMeeting;
    applyOnline(next, cal, owner, current);
  }
  applyJoinBlock(next, current, p, cal, owner);
  return { data: next, meta };
}

/**
 * Keeps the body's Teams join block in step with the online meeting: a replaced body without the block turns the
 * meeting off (Graph's update-event notes: removing the meeting blob disables the online meeting), even when the
 * same PATCH says `isOnlineMeeting: true`; a meeting turned on gets the block; one turned off loses it.
 */
function applyJoinBlock(
  next: GraphEvent,
  current: GraphEvent,
  p: GraphEvent,
  cal: CalendarRecord,
  owner: EmuUser,
): void {
  const joinUrl = current.isOnlineMeeting ? current.onlineMeeting?.joinUrl : undefined;
  if (joinUrl && p.body !== undefined && next.isOnlineMeeting && !hasJoinBlock(next.body, joinUrl)) {
    next.isOnlineMeeting = false;
    applyOnline(next, cal, owner, current);
    return;
  }
  if (!joinUrl && next.isOnlineMeeting && next.onlineMeeting) next.body = withJoinBlock(next.body, next.onlineMeeting);
  else if (joinUrl && !next.isOnlineMeeting && next.body) next.body = withoutJoinBlock(next.body);
  else return;
  next.bodyPreview = previewOf(next.body);
}

/** Keeps the response status of attendees that stay on the meeting. */
function mergeAttendees(next: MicrosoftGraph.Attendee[], prev: MicrosoftGraph.Attendee[]): MicrosoftGraph.Attendee[] {
  const old = new Map(prev.map((a) => [a.emailAddress?.address?.toLowerCase(), a]));
  return next.map((a) => {
    const was = old.get(a.emailAddress?.address?.toLowerCase());
    return was?.status && a.status?.response === 'none' ? { ...a, status: was.status } : a;
  });
}
