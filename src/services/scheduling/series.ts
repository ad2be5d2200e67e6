// Recurring series and invitations in the scheduling service: which meeting a change is for (one occurrence or its
// series), the fields a create or change may set beyond times and people, and an invitee's answer (RSVP).
import type { Sensitivity, ShowAs } from '../../domain/calendar.js';
import { AppError } from '../../domain/errors.js';
import { DateTime } from 'luxon';
import type { Instant, Recurrence } from '../../domain/calendar.js';
import { recurrenceFromSpec, specOfRecurrence, type RecurrenceSpec, WEEKDAYS } from '../../domain/recurrence-spec.js';
import type { RsvpResponse } from '../../ports/calendar-provider.js';
import type { MeetingView, ProposalPayload } from '../../ports/scheduling.js';
import { assertWritesGranted, providerCalendarOf, type CallerContext, type SchedulingDeps } from './context.js';

/** What a create or a change may set besides subject, body, times, people, room, Teams/Meet and reminder. */
export interface EventExtras {
  /** Free-text location (a place, an address, "Online"); null clears it. A room, when given, is the location. */
  location?: string | null;
  showAs?: ShowAs;
  categories?: string[];
  sensitivity?: Sensitivity;
  /** create: makes the meeting a series; change (scope `series`): the series' new pattern. */
  recurrence?: RecurrenceSpec;
}

export type ChangeScope = 'occurrence' | 'series';

export interface RsvpInput {
  response: RsvpResponse;
  comment?: string | null;
  /** Tell the organizer (default true). */
  sendResponse?: boolean;
}

export interface RsvpOutcome {
  status: 'responded';
  meetingId: string;
  response: RsvpResponse;
}

/**
 * The meeting a change or cancellation is for: the meeting itself (`occurrence`, the default: one occurrence of a
 * series, or a meeting that is not one), or its series master (`series`). A new recurrence needs the series.
 */
export async function meetingInScope(
  d: SchedulingDeps,
  c: CallerContext,
  m: MeetingView,
  scope: ChangeScope | undefined,
  changesRecurrence: boolean,
): Promise<MeetingView> {
  if (scope !== 'series') {
    if (changesRecurrence && m.eventType !== 'seriesMaster')
      throw new AppError('not_a_series', 'A new recurrence is a change of the whole series: send scope "series".', {
        details: { eventType: m.eventType, scope: scope ?? 'occurrence' },
      });
    return m;
  }
  if (m.eventType === 'seriesMaster') return m;
  const master = m.seriesMasterId ? await d.meetings.get(c.tenant.id, m.seriesMasterId) : null;
  if (!master || master.userId !== c.actor.userId || !master.providerEventId || !master.calendarId)
    throw new AppError('not_a_series', undefined, {
      details: { eventType: m.eventType, scope, reason: m.seriesMasterId ? 'series_not_synced' : 'single_meeting' },
    });
  return master;
}

/** The payload fields and changed-field names for `extras` on a change of `m` (with its new or kept start). */
export function extrasOfChange(
  m: MeetingView,
  x: EventExtras,
  times: { start: string; end: string; isAllDay: boolean },
  roomChanges: boolean,
): { fields: Partial<ProposalPayload>; changed: string[] } {
  const changed: string[] = [];
  const fields: Partial<ProposalPayload> = {};
  if (x.location !== undefined && !roomChanges) {
    changed.push('location');
    fields.locationText = x.location;
  }
  if (x.showAs !== undefined) {
    changed.push('showAs');
    fields.showAs = x.showAs;
  }
  if (x.categories !== undefined) {
    changed.push('categories');
    fields.categories = x.categories;
  }
  if (x.sensitivity !== undefined) {
    changed.push('sensitivity');
    fields.chosenSensitivity = x.sensitivity;
  }
  if (x.recurrence !== undefined) {
    // A pattern is written with the series' first start (Graph needs start and zone with it).
    fields.recurrence = recurrenceFromSpec(x.recurrence, { ...times, timeZone: m.timeZone });
    changed.push('recurrence', 'start', 'end', 'timeZone');
  }
  return { fields, changed };
}

/** The payload fields of `extras` for a new meeting starting at `start` in `timeZone`. */
export function extrasOfCreate(x: EventExtras, series: { start: string; timeZone: string }): Partial<ProposalPayload> {
  return {
    ...(x.location !== undefined ? { locationText: x.location } : {}),
    ...(x.showAs !== undefined ? { showAs: x.showAs } : {}),
    ...(x.categories !== undefined ? { categories: x.categories } : {}),
    ...(x.sensitivity !== undefined ? { chosenSensitivity: x.sensitivity } : {}),
    ...(x.recurrence !== undefined ? { recurrence: recurrenceFromSpec(x.recurrence, series) } : {}),
  };
}

/**
 * A proposed series whose first meeting moves from `from` to `to` (a pending proposal revised): a pattern on the old
 * start's one weekday or day of the month follows the new start; anything else must still hold the new start
 * (422 invalid_recurrence otherwise).
 */
export function seriesMovedTo(r: Recurrence, from: Instant, to: Instant): Recurrence {
  const spec = specOfRecurrence(r);
  if (!spec)
    throw new AppError('invalid_recurrence', 'This series cannot be moved here: propose it again.', {
      details: { reason: 'unsupported_rule' },
    });
  const before = DateTime.fromISO(from, { zone: 'utc' }).setZone(r.timeZone);
  const after = DateTime.fromISO(to, { zone: 'utc' }).setZone(r.timeZone);
  const oldDay = WEEKDAYS[before.weekday - 1]!;
  if (spec.frequency === 'weekly' && spec.daysOfWeek?.length === 1 && spec.daysOfWeek[0] === oldDay)
    spec.daysOfWeek = [WEEKDAYS[after.weekday - 1]!];
  if (spec.frequency === 'monthly' && spec.dayOfMonth === before.day) spec.dayOfMonth = after.day;
  return recurrenceFromSpec(spec, { start: to, timeZone: r.timeZone });
}

/**
 * The caller answers an invitation in their own calendar: one occurrence (the meeting itself) or, with scope
 * `series`, the whole series. Their own meeting is `organizer_cannot_respond`. Not a proposal: an answer is the
 * invitee's own, and changes nothing of the meeting.
 */
export async function respondToMeeting(
  d: SchedulingDeps,
  c: CallerContext,
  m: MeetingView,
  input: RsvpInput,
): Promise<RsvpOutcome> {
  const mailbox = c.connection.mailbox.toLowerCase();
  if (m.responseStatus === 'organizer' || m.organizer?.email.toLowerCase() === mailbox)
    throw new AppError('organizer_cannot_respond', undefined, { details: { meetingId: m.id } });
  const cal = (await d.lookup.calendarsOf(c.tenant.id, c.connection.id)).find((x) => x.id === m.calendarId) ?? null;
  assertWritesGranted(d, c.connection, cal);
  await c.provider.respondToEvent({
    eventId: m.providerEventId!,
    calendarId: await providerCalendarOf(d, c.tenant.id, c.connection.id, m.calendarId!),
    response: input.response,
    comment: input.comment ?? null,
    sendResponse: input.sendResponse ?? true,
  });
  await d.audit.record({
    tenantId: c.tenant.id,
    actor: c.actor.userId,
    action: 'event.responded',
    targetType: 'meeting',
    targetId: m.id,
    details: { response: input.response, sendResponse: input.sendResponse ?? true },
  });
  return { status: 'responded', meetingId: m.id, response: input.response };
}
