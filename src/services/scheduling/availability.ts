// Availability and suggested times: provider free/busy, fail-closed for anything unreadable, privacy buffers, the grid,
// and Graph's findMeetingTimes or calbridge's own engine with the same answer shape.
import type { BusyItem, TimeRange } from '../../domain/calendar.js';
import { AppError } from '../../domain/errors.js';
import {
  availabilityViewOf,
  buildAvailabilityGrid,
  checkZone,
  rangeToInterval,
  type AvailabilityGrid,
} from '../../domain/scheduling/freebusy.js';
import { checkCount, checkSpanDays } from '../../domain/scheduling/limits.js';
import { plainReason, SPREAD_DEFAULT, SPREAD_POOL, spreadSuggestions } from '../../domain/scheduling/spread.js';
import { suggestMeetingTimes } from '../../domain/scheduling/suggest.js';
import type {
  FreeBusyResult,
  MeetingTimeConstraint,
  MeetingTimeSuggestions,
  ScheduleAvailability,
} from '../../domain/scheduling/types.js';
import type { RoomInfo } from '../../ports/calendar-provider.js';
import { internalDomains, type CallerContext, type SchedulingDeps } from './context.js';

/** A synced calendar older than this is not trusted for free/busy (fail closed). */
export const STALE_SYNC_MS = 30 * 60_000;

export interface AvailabilityQuery {
  attendees: string[];
  rooms: string[];
  start: string;
  end: string;
  slotMinutes: number;
  /** Zone of the grid labels; the caller's zone by default. */
  timeZone?: string;
}

export interface AvailabilityAnswer {
  range: TimeRange;
  timeZone: string;
  slotMinutes: number;
  schedules: Array<ScheduleAvailability & { kind: 'organizer' | 'attendee' | 'room' }>;
  grid: AvailabilityGrid;
  completeness: AvailabilityGrid['completeness'];
}

/** A valid range (end after start) no longer than the availability limit: free/busy is never read for more. */
function checkRange(range: TimeRange): void {
  rangeToInterval(range);
  checkSpanDays('availabilityDays', range.start, range.end, 'The availability range is too long');
}

const unknown = (email: string, reason: string, message: string): ScheduleAvailability => ({
  email,
  status: 'unknown',
  reason,
  message,
});

/**
 * Replaces schedules the provider could not read with the person's synced calendar when it is current; a person
 * whose connection lost its authorisation, or whose sync is stale, stays `unknown` with that reason.
 */
async function failClosed(d: SchedulingDeps, c: CallerContext, fb: FreeBusyResult): Promise<ScheduleAvailability[]> {
  const missing = fb.schedules.filter((s) => s.status === 'unknown').map((s) => s.email);
  const people = new Map((await d.lookup.people(c.tenant.id, missing)).map((p) => [p.email, p]));
  const now = d.now().getTime();
  return Promise.all(
    fb.schedules.map(async (s): Promise<ScheduleAvailability> => {
      const p = s.status === 'unknown' ? people.get(s.email.toLowerCase()) : undefined;
      if (!p || p.connectionStatus === null) return s;
      if (p.connectionStatus !== 'active')
        return unknown(s.email, 'needs_reauth', "The person's calendar connection must be re-authorised.");
      if (!p.lastSyncAt || now - Date.parse(p.lastSyncAt) > STALE_SYNC_MS)
        return unknown(s.email, 'stale_sync', "The person's synced calendar is not current.");
      const items = await d.meetings.busyFromSync(c.tenant.id, p.userId, fb.range);
      return {
        email: s.email,
        status: 'ok',
        items,
        workingHours: null,
        availabilityView: availabilityViewOf(items, fb.range, fb.intervalMinutes),
      };
    }),
  );
}

/** Privacy mode: the organizer's sessions block `bufferMinutes` before and after them. */
export function withBuffer(
  s: ScheduleAvailability,
  bufferMinutes: number,
  range: TimeRange,
  interval: number,
): ScheduleAvailability {
  if (s.status !== 'ok' || bufferMinutes <= 0) return s;
  const pad = bufferMinutes * 60_000;
  const items: BusyItem[] = s.items.map((i) => ({
    status: i.status,
    start: new Date(Date.parse(i.start) - pad).toISOString(),
    end: new Date(Date.parse(i.end) + pad).toISOString(),
  }));
  return { ...s, items, availabilityView: availabilityViewOf(items, range, interval) };
}

export function bufferOf(c: CallerContext): number {
  return c.tenant.settings.privacyMode ? Math.max(0, c.tenant.settings.bufferMinutes ?? 0) : 0;
}

/** Free/busy for the organizer, people and rooms, fail-closed and buffered. */
export async function readFreeBusy(
  d: SchedulingDeps,
  c: CallerContext,
  emails: string[],
  range: TimeRange,
  intervalMinutes: number,
): Promise<FreeBusyResult> {
  checkRange(range);
  const schedules = [...new Set([c.connection.mailbox, ...emails.map((e) => e.toLowerCase())])];
  const fb = await c.provider.getFreeBusy({ schedules, start: range.start, end: range.end, intervalMinutes });
  const known = await failClosed(d, c, fb);
  const buffer = bufferOf(c);
  return {
    ...fb,
    schedules: known.map((s) =>
      s.email.toLowerCase() === c.connection.mailbox ? withBuffer(s, buffer, fb.range, fb.intervalMinutes) : s,
    ),
  };
}

export async function availability(
  d: SchedulingDeps,
  c: CallerContext,
  q: AvailabilityQuery,
): Promise<AvailabilityAnswer> {
  const timeZone = q.timeZone ?? c.user.timeZone;
  checkZone(timeZone);
  const range = { start: new Date(q.start).toISOString(), end: new Date(q.end).toISOString() };
  checkRange(range);
  checkCount('availabilityAttendees', new Set(q.attendees.map((a) => a.toLowerCase())).size, 'Too many attendees');
  checkCount('availabilityRooms', new Set(q.rooms.map((r) => r.toLowerCase())).size, 'Too many rooms');
  const rooms = new Set(q.rooms.map((r) => r.toLowerCase()));
  const fb = await readFreeBusy(d, c, [...q.attendees, ...q.rooms], range, q.slotMinutes);
  const grid = buildAvailabilityGrid({
    range,
    slotMinutes: q.slotMinutes,
    timeZone,
    schedules: fb.schedules,
    view: { start: fb.range.start, intervalMinutes: fb.intervalMinutes },
  });
  const kind = (email: string) =>
    (email === c.connection.mailbox ? 'organizer' : rooms.has(email) ? 'room' : 'attendee') as
      'organizer' | 'room' | 'attendee';
  return {
    range,
    timeZone,
    slotMinutes: q.slotMinutes,
    schedules: fb.schedules.map((s) => ({ ...s, kind: kind(s.email.toLowerCase()) })),
    grid,
    completeness: grid.completeness,
  };
}

export interface FindTimesRequest {
  attendees: Array<{ email: string; type: 'required' | 'optional' }>;
  rooms?: string[];
  window: TimeRange;
  durationMinutes: number;
  minimumAttendeePercentage?: number;
  maxCandidates?: number;
  isOrganizerOptional?: boolean;
  /** true (default): inside working hours only. */
  workHoursOnly?: boolean;
  timeZone?: string;
  /**
   * true: up to `maxCandidates` (default 5) suggestions spread across days and parts of the day, picked from a larger
   * pool the provider or engine ranks (see domain/scheduling/spread.ts). false (default): the provider's order.
   */
  spread?: boolean;
  /** The customer the meeting is with: its domains are named after it in the reasons ("Acme's calendars…"). */
  customerId?: string;
}

export type FindTimesAnswer = Omit<MeetingTimeSuggestions, 'suggestions'> & {
  engine: 'provider' | 'calbridge';
  /** Each suggestion with `reason`: why it is offered, in plain words. */
  suggestions: Array<MeetingTimeSuggestions['suggestions'][number] & { reason: string }>;
};

/**
 * Graph's findMeetingTimes when the provider has one (and no privacy buffer applies), else calbridge's engine on
 * fail-closed free/busy. No suggestion at all is `unsatisfiable` with Graph's emptySuggestionsReason.
 */
export async function findTimes(d: SchedulingDeps, c: CallerContext, r: FindTimesRequest): Promise<FindTimesAnswer> {
  rangeToInterval(r.window);
  checkSpanDays('suggestionWindowDays', r.window.start, r.window.end, 'The search window is too long');
  checkCount('suggestionAttendees', new Set(r.attendees.map((a) => a.email.toLowerCase())).size, 'Too many attendees');
  checkCount('suggestionRooms', new Set((r.rooms ?? []).map((x) => x.toLowerCase())).size, 'Too many rooms');
  if (Date.parse(r.window.end) <= d.now().getTime()) {
    throw new AppError('unsatisfiable', 'The window has already passed.', { details: { reason: 'windowInPast' } });
  }
  const timeZone = r.timeZone ?? c.user.timeZone;
  checkZone(timeZone);
  const constraint: MeetingTimeConstraint = {
    attendees: r.attendees.filter((a) => a.email.toLowerCase() !== c.connection.mailbox),
    ...(r.rooms?.length ? { rooms: r.rooms } : {}),
    // Like Graph, never suggest a time that has already begun.
    window: {
      start: new Date(Math.max(Date.parse(r.window.start), d.now().getTime())).toISOString(),
      end: new Date(r.window.end).toISOString(),
    },
    durationMinutes: r.durationMinutes,
    ...(r.minimumAttendeePercentage !== undefined ? { minimumAttendeePercentage: r.minimumAttendeePercentage } : {}),
    ...(r.spread
      ? { maxCandidates: SPREAD_POOL }
      : r.maxCandidates !== undefined
        ? { maxCandidates: r.maxCandidates }
        : {}),
    ...(r.isOrganizerOptional !== undefined ? { isOrganizerOptional: r.isOrganizerOptional } : {}),
    activityDomain: r.workHoursOnly === false ? 'unrestricted' : 'work',
    timeZone,
  };
  let answer: MeetingTimeSuggestions & { engine: FindTimesAnswer['engine'] };
  if (c.provider.capabilities.findMeetingTimes && bufferOf(c) === 0) {
    answer = { ...(await c.provider.findMeetingTimes(constraint)), engine: 'provider' };
  } else {
    const emails = [...constraint.attendees.map((a) => a.email), ...(constraint.rooms ?? [])];
    const fb = await readFreeBusy(d, c, emails, constraint.window, 15);
    const own = fb.schedules.find((s) => s.email.toLowerCase() === c.connection.mailbox);
    const workingHours =
      own?.status === 'ok' && own.workingHours ? own.workingHours : await c.provider.getWorkingHours();
    answer = {
      ...suggestMeetingTimes(constraint, fb, { email: c.connection.mailbox, workingHours }),
      engine: 'calbridge',
    };
  }
  if (r.spread) answer.suggestions = spreadSuggestions(answer.suggestions, r.maxCandidates ?? SPREAD_DEFAULT, timeZone);
  if (answer.suggestions.length === 0) {
    throw new AppError(
      'unsatisfiable',
      `No meeting time satisfies the request (${answer.emptySuggestionsReason || 'unknown'}).`,
      {
        details: { reason: answer.emptySuggestionsReason || 'unknown', engine: answer.engine },
      },
    );
  }
  const ctx = await reasonContext(d, c, r);
  return { ...answer, suggestions: answer.suggestions.map((s) => ({ ...s, reason: plainReason(s, ctx) })) };
}

/** Names for the reasons: colleagues and stakeholders by e-mail, the customer's domains by its name. */
async function reasonContext(d: SchedulingDeps, c: CallerContext, r: FindTimesRequest) {
  const names = new Map<string, string>();
  const organisations = new Map<string, string>();
  const users = await d.tenants.listUsers(c.tenant.id).catch(() => []);
  for (const u of users) if (u.displayName) names.set(u.email.toLowerCase(), u.displayName);
  if (r.customerId) {
    const customer = await d.customers.get(c.actor, r.customerId);
    for (const dom of customer.domains) organisations.set(dom.toLowerCase(), customer.name);
    for (const s of customer.stakeholders) if (s.name) names.set(s.email.toLowerCase(), s.name);
  }
  return {
    organizer: c.connection.mailbox,
    internalDomains: [...internalDomains(c.tenant, c.connection.mailbox)],
    names,
    organisations,
  };
}

export async function rooms(c: CallerContext, q: { minCapacity?: number; building?: string }): Promise<RoomInfo[]> {
  if (!c.provider.capabilities.rooms) return [];
  return c.provider.listRooms(q);
}
