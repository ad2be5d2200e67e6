// EventDraft → Graph POST/PATCH event bodies (times in the event's zone under its Windows name, rooms, Teams, our id).
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import type { EventDraft, EventLocation, Instant } from '../../domain/calendar.js';
import { AppError } from '../../domain/errors.js';
import { recurrenceToGraph } from './recurrence.js';
import {
  instantToGraphDateTime,
  instantToLocal,
  isIanaZone,
  isWallTimeUnambiguous,
  toGraphTimeZone,
} from './timezones.js';

/**
 * The single-value extended property calbridge stamps on the events it creates (its meeting id). Read it back with
 * `$expand=singleValueExtendedProperties($filter=id eq '<CALBRIDGE_PROPERTY_ID>')`.
 */
export const CALBRIDGE_PROPERTY_ID = 'String {19fae4c8-7d27-43f4-ba57-bace3e7f337f} Name calbridgeMeetingId';

export interface DraftOptions {
  /** calbridge meeting id, written as the CALBRIDGE_PROPERTY_ID extended property. */
  externalId?: string;
  /** Graph's idempotency key for creates. */
  transactionId?: string;
}

function invalid(message: string, details: Record<string, unknown>): AppError {
  return new AppError('validation_failed', message, { details });
}

function zoneOf(draft: Partial<EventDraft>): string {
  const zone = draft.timeZone ?? 'UTC';
  if (!isIanaZone(zone))
    throw invalid('The event time zone is not a known IANA zone.', { field: 'timeZone', value: zone });
  return zone;
}

/** Domain all-day instants are midnight UTC of the dates; Graph wants midnight dates in the event's zone. */
function allDayDateTime(instant: Instant, zone: string, field: string): MicrosoftGraph.DateTimeTimeZone {
  if (!/T00:00:00(?:\.000)?Z$/.test(instant)) {
    throw invalid('All-day events start and end at midnight UTC of their dates.', { field, value: instant });
  }
  return { dateTime: `${instant.slice(0, 10)}T00:00:00`, timeZone: toGraphTimeZone(zone) };
}

function times(draft: Partial<EventDraft>, zone: string): Pick<MicrosoftGraph.Event, 'start' | 'end' | 'isAllDay'> {
  const { start, end } = draft;
  if (start === undefined || end === undefined) {
    throw invalid('Start and end must be changed together.', { field: start === undefined ? 'start' : 'end' });
  }
  if (Date.parse(end) <= Date.parse(start) || Number.isNaN(Date.parse(start)) || Number.isNaN(Date.parse(end))) {
    throw invalid('The event must end after it starts.', { start, end });
  }
  if (draft.isAllDay === true) {
    return { isAllDay: true, start: allDayDateTime(start, zone, 'start'), end: allDayDateTime(end, zone, 'end') };
  }
  // A time in the repeated hour of a DST change has no unique local wall time: write a one-off event in UTC so
  // the instant stays exact (a series keeps its zone, which its recurrence needs).
  const exact = draft.recurrence || (isWallTimeUnambiguous(start, zone) && isWallTimeUnambiguous(end, zone));
  const writeZone = exact ? zone : 'UTC';
  const out: Pick<MicrosoftGraph.Event, 'start' | 'end' | 'isAllDay'> = {
    start: instantToGraphDateTime(start, writeZone),
    end: instantToGraphDateTime(end, writeZone),
  };
  if (draft.isAllDay === false) out.isAllDay = false;
  return out;
}

/** EventLocation → Graph location; a room is a conferenceRoom with its mailbox in locationEmailAddress. */
export function locationToGraph(location: EventLocation | null): MicrosoftGraph.Location {
  if (location === null) return { displayName: '' };
  const out: MicrosoftGraph.Location = {
    displayName: location.displayName,
    locationType: location.roomEmail ? 'conferenceRoom' : 'default',
  };
  if (location.roomEmail) {
    out.locationEmailAddress = location.roomEmail;
    out.uniqueId = location.roomEmail;
    out.uniqueIdType = 'directory';
  }
  if (location.address) out.address = { street: location.address };
  return out;
}

function attendeesToGraph(draft: Partial<EventDraft>): MicrosoftGraph.Attendee[] {
  const list: MicrosoftGraph.Attendee[] = (draft.attendees ?? []).map((a) => ({
    type: a.type,
    emailAddress: { address: a.email, ...(a.name ? { name: a.name } : {}) },
  }));
  const room = draft.location?.roomEmail;
  if (room && !list.some((a) => a.emailAddress?.address?.toLowerCase() === room.toLowerCase())) {
    list.push({ type: 'resource', emailAddress: { address: room, name: draft.location?.displayName ?? room } });
  }
  return list;
}

/** Fields shared by POST and PATCH, for the keys present in `draft`. */
function commonFields(draft: Partial<EventDraft>, zone: string): MicrosoftGraph.Event {
  const out: MicrosoftGraph.Event = {};
  if (draft.subject !== undefined) out.subject = draft.subject;
  if (draft.body !== undefined) out.body = { contentType: draft.body.contentType, content: draft.body.content };
  if (draft.start !== undefined || draft.end !== undefined || draft.isAllDay !== undefined)
    Object.assign(out, times(draft, zone));
  if (draft.location !== undefined) {
    out.location = locationToGraph(draft.location);
    out.locations = draft.location === null ? [] : [out.location];
  }
  if (draft.attendees !== undefined) out.attendees = attendeesToGraph(draft);
  // Only an explicit request adds or removes the Teams meeting; an absent flag leaves it as it is.
  if (draft.onlineMeeting === true)
    Object.assign(out, { isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' });
  if (draft.onlineMeeting === false) out.isOnlineMeeting = false;
  if (draft.showAs !== undefined) out.showAs = draft.showAs;
  if (draft.sensitivity !== undefined) out.sensitivity = draft.sensitivity;
  if (draft.categories !== undefined) out.categories = [...draft.categories];
  if (draft.reminderMinutes !== undefined) {
    if (draft.reminderMinutes === null) out.isReminderOn = false;
    else Object.assign(out, { isReminderOn: true, reminderMinutesBeforeStart: draft.reminderMinutes });
  }
  if (draft.recurrence !== undefined) {
    if (draft.recurrence === null) out.recurrence = null;
    else {
      if (draft.start === undefined) throw invalid('A recurrence needs the event start.', { field: 'start' });
      const recZone = draft.recurrence.timeZone || zone;
      const startLocal = draft.isAllDay ? `${draft.start.slice(0, 10)}T00:00:00` : instantToLocal(draft.start, recZone);
      out.recurrence = recurrenceToGraph({ ...draft.recurrence, timeZone: recZone, startLocal });
    }
  }
  return out;
}

/**
 * A new event's POST body. Times are written in the draft's zone under its Windows name; a room becomes the
 * location (conferenceRoom + locationEmailAddress) and a resource attendee; `onlineMeeting: true` asks for Teams.
 * @example draftToGraphEvent({ subject: 'Sync', start: '2026-03-09T16:00:00.000Z', end: '2026-03-09T16:30:00.000Z',
 *   timeZone: 'America/Los_Angeles' }, { externalId: 'mtg_1' })
 */
export function draftToGraphEvent(draft: EventDraft, options: DraftOptions = {}): MicrosoftGraph.Event {
  const zone = zoneOf(draft);
  const out: MicrosoftGraph.Event = { ...commonFields(draft, zone) };
  out.subject = draft.subject;
  out.body ??= { contentType: 'text', content: '' };
  if (options.externalId !== undefined) {
    out.singleValueExtendedProperties = [{ id: CALBRIDGE_PROPERTY_ID, value: options.externalId }];
  }
  if (options.transactionId !== undefined) out.transactionId = options.transactionId;
  return out;
}

/**
 * A PATCH body with only the changed fields. Start and end must change together (with `timeZone` for the zone to
 * write them in; UTC otherwise). Changing the body or anything else never sends `isOnlineMeeting: false` unless
 * `changes.onlineMeeting === false`, so the Teams meeting survives. When the location changes to a room without an
 * attendee change, the room is not added as an attendee (that needs the full attendee list).
 */
export function changesToGraphPatch(changes: Partial<EventDraft>): MicrosoftGraph.Event {
  const zone = zoneOf(changes);
  const out = commonFields(changes, zone);
  if (Object.keys(out).length === 0) throw invalid('The update changes nothing.', {});
  return out;
}
