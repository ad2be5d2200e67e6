// Graph calendars, getSchedule, findMeetingTimes, places, mailboxSettings.workingHours and subscriptions ↔ port types.
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import type { BusyItem, OnlineMeetingProvider, WorkingHours } from '../../domain/calendar.js';
import type {
  CalendarInfo,
  FreeBusyParams,
  MeetingTimeConstraint,
  MeetingTimeSuggestion,
  MeetingTimeSuggestions,
  RoomInfo,
  ScheduleAvailability,
  SubscriptionInfo,
  SubscriptionParams,
} from '../../ports/calendar-provider.js';
import { AppError } from '../../domain/errors.js';
import { WEEKDAYS } from '../../domain/recurrence-spec.js';
import {
  graphDateTimeToInstant,
  instantToGraphDateTime,
  resolveTimeZoneBase,
  toGraphTimeZone,
  type ZoneResolution,
} from './timezones.js';

type Availability = MeetingTimeSuggestion['organizerAvailability'];
const AVAILABILITY = new Set<Availability>(['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown']);
const DAY_NAMES = new Set<WorkingHours['daysOfWeek'][number]>(WEEKDAYS);

function availability(value: string | null | undefined): Availability {
  return value && AVAILABILITY.has(value as Availability) ? (value as Availability) : 'unknown';
}

function providerOf(p: string | null | undefined): OnlineMeetingProvider | null {
  switch (p ?? '') {
    case 'teamsForBusiness':
      return 'teamsForBusiness';
    case 'skypeForBusiness':
      return 'skypeForBusiness';
    case 'skypeForConsumer':
      return 'other';
    default:
      return null;
  }
}

/** A Graph calendar → CalendarInfo. `mailboxEmail` (the connected user) tells the user's own calendars from shared ones. */
export function graphCalendarToInfo(
  cal: MicrosoftGraph.Calendar,
  ctx: { mailboxEmail?: string | null } = {},
): CalendarInfo {
  const owner = cal.owner?.address?.toLowerCase() ?? null;
  const me = ctx.mailboxEmail?.toLowerCase() ?? null;
  const allowed = (cal.allowedOnlineMeetingProviders ?? [])
    .map(providerOf)
    .filter((p): p is OnlineMeetingProvider => p !== null);
  return {
    id: cal.id ?? '',
    name: cal.name ?? '',
    ownerEmail: owner,
    isDefault: cal.isDefaultCalendar === true,
    isShared: owner !== null && me !== null && owner !== me,
    canEdit: cal.canEdit === true,
    allowedOnlineMeetingProviders: [...new Set(allowed)],
    defaultOnlineMeetingProvider: providerOf(cal.defaultOnlineMeetingProvider),
  };
}

/** `08:00:00.0000000` → `08:00:00`. */
function wallClock(value: string | null | undefined): string {
  const m = /^(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value ?? '');
  return m === null ? '00:00:00' : `${m[1]}:${m[2]}:${m[3] ?? '00'}`;
}

/**
 * Graph workingHours (mailboxSettings or scheduleInformation) → WorkingHours. Custom zones are matched to an IANA
 * zone when possible; `onZone` receives the resolution so callers can report guesses and fallbacks.
 */
export function graphWorkingHoursToDomain(
  wh: MicrosoftGraph.WorkingHours,
  ctx: { fallbackTimeZone?: string; onZone?: (r: ZoneResolution) => void } = {},
): WorkingHours {
  const zone = resolveTimeZoneBase(wh.timeZone, ctx.fallbackTimeZone);
  ctx.onZone?.(zone);
  const days = (wh.daysOfWeek ?? [])
    .map((d) => d.toLowerCase() as WorkingHours['daysOfWeek'][number])
    .filter((d) => DAY_NAMES.has(d));
  return {
    daysOfWeek: [...new Set(days)],
    startTime: wallClock(wh.startTime),
    endTime: wallClock(wh.endTime),
    timeZone: zone.iana,
  };
}

/** WorkingHours → Graph workingHours (zone by Windows name). */
export function workingHoursToGraph(wh: WorkingHours): MicrosoftGraph.WorkingHours {
  return {
    daysOfWeek: [...wh.daysOfWeek],
    startTime: `${wh.startTime}.0000000`,
    endTime: `${wh.endTime}.0000000`,
    timeZone: { name: toGraphTimeZone(wh.timeZone) },
  };
}

/** FreeBusyParams → getSchedule request body (times as UTC wall times). */
export function freeBusyParamsToGraph(params: FreeBusyParams): {
  schedules: string[];
  startTime: MicrosoftGraph.DateTimeTimeZone;
  endTime: MicrosoftGraph.DateTimeTimeZone;
  availabilityViewInterval: number;
} {
  return {
    schedules: [...params.schedules],
    startTime: instantToGraphDateTime(params.start, 'UTC'),
    endTime: instantToGraphDateTime(params.end, 'UTC'),
    availabilityViewInterval: params.intervalMinutes ?? 30,
  };
}

/** freeBusyError.responseCode → the port's `reason` vocabulary. */
function reasonFor(code: string | null | undefined): string {
  const c = (code ?? '').toLowerCase();
  if (/notfound|nonexistent|invaliduser|recipientnotfound/.test(c)) return 'not_found';
  if (/accessdenied|notallowed|permission|unauthorized/.test(c)) return 'permission_denied';
  if (/throttl|toomany/.test(c)) return 'throttled';
  if (/external|crossforest|proxy|federat/.test(c)) return 'external';
  return c === '' ? 'unknown' : c;
}

/** One scheduleInformation → ScheduleAvailability. Errors become `unknown` (never free); free/unknown items are dropped. */
export function graphScheduleToAvailability(
  si: MicrosoftGraph.ScheduleInformation,
  ctx: { fallbackTimeZone?: string } = {},
): ScheduleAvailability {
  const email = (si.scheduleId ?? '').toLowerCase();
  if (si.error) {
    return { email, status: 'unknown', reason: reasonFor(si.error.responseCode), message: si.error.message ?? '' };
  }
  const items: BusyItem[] = [];
  for (const item of si.scheduleItems ?? []) {
    const status = item.status;
    if (status !== 'busy' && status !== 'tentative' && status !== 'oof' && status !== 'workingElsewhere') continue;
    if (!item.start || !item.end) continue;
    items.push({
      start: graphDateTimeToInstant(item.start, ctx.fallbackTimeZone),
      end: graphDateTimeToInstant(item.end, ctx.fallbackTimeZone),
      status,
    });
  }
  return {
    email,
    status: 'ok',
    items,
    workingHours: si.workingHours ? graphWorkingHoursToDomain(si.workingHours, ctx) : null,
    availabilityView: si.availabilityView ?? '',
  };
}

/** Minutes → ISO 8601 duration in hours and minutes (`PT1H30M`), the form Graph documents for meetingDuration. */
function isoMinutes(total: number): string {
  const h = Math.floor(total / 60);
  const m = total % 60;
  return `PT${h > 0 ? `${h}H` : ''}${m > 0 || h === 0 ? `${m}M` : ''}`;
}

/** MeetingTimeConstraint → findMeetingTimes request body. Rooms become location candidates with availability resolved. */
export function meetingTimeConstraintToGraph(c: MeetingTimeConstraint): Record<string, unknown> {
  if (!Number.isInteger(c.durationMinutes) || c.durationMinutes <= 0) {
    throw new AppError('validation_failed', 'The meeting duration must be a positive number of minutes.', {
      details: { durationMinutes: c.durationMinutes },
    });
  }
  const zone = c.timeZone ?? 'UTC';
  const body: Record<string, unknown> = {
    attendees: c.attendees.map((a) => ({ type: a.type, emailAddress: { address: a.email } })),
    timeConstraint: {
      activityDomain: c.activityDomain ?? 'work',
      timeSlots: [
        { start: instantToGraphDateTime(c.window.start, zone), end: instantToGraphDateTime(c.window.end, zone) },
      ],
    },
    meetingDuration: isoMinutes(c.durationMinutes),
    returnSuggestionReasons: true,
    isOrganizerOptional: c.isOrganizerOptional ?? false,
  };
  if (c.maxCandidates !== undefined) body.maxCandidates = c.maxCandidates;
  if (c.minimumAttendeePercentage !== undefined) body.minimumAttendeePercentage = c.minimumAttendeePercentage;
  if (c.rooms && c.rooms.length > 0) {
    body.locationConstraint = {
      isRequired: true,
      suggestLocation: false,
      locations: c.rooms.map((room) => ({ locationEmailAddress: room, displayName: room, resolveAvailability: true })),
    };
  }
  return body;
}

/** findMeetingTimes response → MeetingTimeSuggestions (slot times converted from whatever zone Graph answered in). */
export function graphMeetingTimesToDomain(
  result: MicrosoftGraph.MeetingTimeSuggestionsResult,
  ctx: { fallbackTimeZone?: string } = {},
): MeetingTimeSuggestions {
  const suggestions: MeetingTimeSuggestion[] = [];
  const ordered = [...(result.meetingTimeSuggestions ?? [])].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  for (const s of ordered) {
    const slot = s.meetingTimeSlot;
    if (!slot?.start || !slot.end) continue;
    suggestions.push({
      start: graphDateTimeToInstant(slot.start, ctx.fallbackTimeZone),
      end: graphDateTimeToInstant(slot.end, ctx.fallbackTimeZone),
      confidence: s.confidence ?? 0,
      organizerAvailability: availability(s.organizerAvailability),
      attendeeAvailability: (s.attendeeAvailability ?? [])
        .filter((a) => !!a.attendee?.emailAddress?.address)
        .map((a) => ({
          email: (a.attendee?.emailAddress?.address ?? '').toLowerCase(),
          availability: availability(a.availability),
        })),
      rooms: (s.locations ?? []).map((l) => (l.locationEmailAddress ?? '').toLowerCase()).filter((e) => e !== ''),
      suggestionReason: s.suggestionReason ?? '',
    });
  }
  // Graph writes the reason as `AttendeesUnavailable` or `attendeesUnavailable`; the port uses the latter.
  const reason = result.emptySuggestionsReason || 'unknown';
  return {
    suggestions,
    emptySuggestionsReason: suggestions.length > 0 ? '' : reason.charAt(0).toLowerCase() + reason.slice(1),
  };
}

/** A Graph room (places) → RoomInfo; `roomList` is the list's address when the room was read through one. */
export function graphRoomToInfo(room: MicrosoftGraph.Room, ctx: { roomList?: string | null } = {}): RoomInfo {
  const floor =
    room.floorLabel ?? (room.floorNumber === null || room.floorNumber === undefined ? null : String(room.floorNumber));
  return {
    email: (room.emailAddress ?? '').toLowerCase(),
    name: room.displayName ?? room.nickname ?? '',
    capacity: room.capacity ?? null,
    building: room.building ?? null,
    floor,
    roomList: ctx.roomList?.toLowerCase() ?? null,
  };
}

/** A Graph room list (places/microsoft.graph.roomList) → its address and name. */
export function graphRoomListToRef(list: MicrosoftGraph.RoomList): { email: string; name: string } {
  return { email: (list.emailAddress ?? '').toLowerCase(), name: list.displayName ?? '' };
}

/** Graph subscription → SubscriptionInfo. */
export function graphSubscriptionToInfo(sub: MicrosoftGraph.Subscription): SubscriptionInfo {
  const expires = sub.expirationDateTime ? new Date(sub.expirationDateTime) : null;
  if (!sub.id || expires === null || Number.isNaN(expires.getTime())) {
    throw new AppError('provider_error', 'The calendar provider returned an unreadable subscription.', {
      details: { reason: 'malformed_subscription', id: sub.id ?? null },
    });
  }
  return { id: sub.id, expiresAt: expires.toISOString() };
}

/** SubscriptionParams → the POST /subscriptions body for a calendar's events. */
export function subscriptionParamsToGraph(
  params: SubscriptionParams,
  resource = `/me/calendars/${params.calendarId}/events`,
): MicrosoftGraph.Subscription {
  const body: MicrosoftGraph.Subscription = {
    changeType: 'created,updated,deleted',
    notificationUrl: params.notificationUrl,
    resource,
    expirationDateTime: new Date(params.expiresAt).toISOString(),
    clientState: params.clientState,
  };
  if (params.lifecycleNotificationUrl) body.lifecycleNotificationUrl = params.lifecycleNotificationUrl;
  return body;
}
