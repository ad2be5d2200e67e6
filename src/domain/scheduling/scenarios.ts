// Seeded scheduling scenarios (people in several zones, busy blocks, rooms, a constraint) for comparing engines.
import { DateTime } from 'luxon';
import type { BusyItem, WorkingHours } from '../calendar.js';
import { availabilityViewOf } from './freebusy.js';
import type { FreeBusyResult, MeetingTimeConstraint, ScheduleAvailability } from './types.js';

export interface ScenarioPerson {
  email: string;
  workingHours: WorkingHours;
  /** The person's calendar as busy blocks (what their events would produce). */
  busy: BusyItem[];
}

export interface ScenarioRoom {
  email: string;
  busy: BusyItem[];
}

/**
 * A self-contained scheduling problem. Feed `constraint` + `availability` + `organizer` to
 * `suggestMeetingTimes`; seed a mailbox per person / room with `busy` (and `workingHours`) to ask a Graph
 * emulator's findMeetingTimes the same question. `externals` have no readable calendar (`unknown`).
 */
export interface Scenario {
  seed: number;
  organizer: ScenarioPerson;
  attendees: Array<ScenarioPerson & { type: 'required' | 'optional' }>;
  externals: Array<{ email: string; type: 'required' | 'optional' }>;
  rooms: ScenarioRoom[];
  constraint: MeetingTimeConstraint;
  /** What getFreeBusy answers for organizer, attendees, externals and rooms over the window (30-minute view). */
  availability: FreeBusyResult;
}

const ZONES = [
  'America/New_York',
  'America/Los_Angeles',
  'Europe/Berlin',
  'Europe/London',
  'Asia/Kolkata',
  'Asia/Tokyo',
  'Australia/Sydney',
];
/** Mondays, several in weeks with a DST change in the US or the EU. */
const WEEKS = ['2026-03-02', '2026-03-09', '2026-03-23', '2026-03-30', '2026-06-08', '2026-10-19', '2026-10-26'];
const STATUSES: Array<BusyItem['status']> = ['busy', 'busy', 'busy', 'tentative', 'oof', 'workingElsewhere'];
const WORK_WEEK: WorkingHours['daysOfWeek'] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];
const SUN_THU: WorkingHours['daysOfWeek'] = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday'];

/** mulberry32: a tiny deterministic PRNG, so a seed gives the same scenario on every machine. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = ReturnType<typeof rng>;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const pad = (n: number): string => String(n).padStart(2, '0');

function workingHours(r: Rand, zone: string): WorkingHours {
  const start = int(r, 7, 10);
  const end = Math.min(start + int(r, 8, 10), 23);
  return {
    daysOfWeek: r() < 0.85 ? WORK_WEEK : SUN_THU,
    startTime: `${pad(start)}:00:00`,
    endTime: `${pad(end)}:00:00`,
    timeZone: zone,
  };
}

/** Busy blocks on the person's local days, 07:00–20:00 local, on 15-minute boundaries. */
function busyBlocks(r: Rand, zone: string, windowStart: DateTime, days: number): BusyItem[] {
  const items: BusyItem[] = [];
  const count = int(r, 0, 4 * days);
  for (let i = 0; i < count; i++) {
    const day = windowStart
      .setZone(zone)
      .startOf('day')
      .plus({ days: int(r, 0, days) });
    const start = day.set({ hour: int(r, 7, 19), minute: pick(r, [0, 15, 30, 45]) });
    const end = start.plus({ minutes: pick(r, [15, 30, 30, 60, 60, 90, 120, 180]) });
    items.push({ start: start.toUTC().toISO()!, end: end.toUTC().toISO()!, status: pick(r, STATUSES) });
  }
  return items.sort((a, b) => a.start.localeCompare(b.start));
}

/**
 * Builds scenario number `seed` (any 32-bit integer). Deterministic: the same seed always gives the same
 * scenario. Windows are 1–5 days, partly in DST-change weeks; people sit in 7 zones.
 * @example const s = generateScenario(42); suggestMeetingTimes(s.constraint, s.availability, s.organizer);
 */
export function generateScenario(seed: number): Scenario {
  const r = rng(seed);
  const week = DateTime.fromISO(pick(r, WEEKS), { zone: 'UTC' });
  const days = int(r, 1, 5);
  const windowStart = week.plus({ hours: int(r, 0, 2) * 12 });
  const window = { start: windowStart.toISO()!, end: windowStart.plus({ days }).toISO()! };
  const person = (email: string): ScenarioPerson => {
    const zone = pick(r, ZONES);
    return { email, workingHours: workingHours(r, zone), busy: busyBlocks(r, zone, windowStart, days) };
  };
  const organizer = person(`organizer${seed}@contoso.example`);
  const attendees = Array.from({ length: int(r, 0, 5) }, (_, i) => ({
    ...person(`person${i}.${seed}@contoso.example`),
    type: r() < 0.75 ? ('required' as const) : ('optional' as const),
  }));
  const externals = Array.from({ length: r() < 0.25 ? 1 : 0 }, (_, i) => ({
    email: `guest${i}.${seed}@fabrikam.example`,
    type: r() < 0.5 ? ('required' as const) : ('optional' as const),
  }));
  const rooms = Array.from({ length: r() < 0.3 ? int(r, 1, 2) : 0 }, (_, i) => ({
    email: `room${i}.${seed}@contoso.example`,
    busy: busyBlocks(r, 'UTC', windowStart, days),
  }));
  const constraint: MeetingTimeConstraint = {
    attendees: [...attendees, ...externals].map((a) => ({ email: a.email, type: a.type })),
    window,
    durationMinutes: pick(r, [30, 30, 60, 60, 45, 90]),
    timeZone: organizer.workingHours.timeZone,
    ...(rooms.length > 0 ? { rooms: rooms.map((x) => x.email) } : {}),
    ...(r() < 0.5 ? { maxCandidates: pick(r, [1, 3, 10, 40]) } : {}),
    ...(r() < 0.5 ? { minimumAttendeePercentage: pick(r, [0, 50, 75, 100]) } : {}),
    ...(r() < 0.1 ? { isOrganizerOptional: true } : {}),
    ...(r() < 0.4 ? { activityDomain: pick(r, ['work', 'personal', 'unrestricted'] as const) } : {}),
  };
  const known = (email: string, busy: BusyItem[], wh: WorkingHours | null): ScheduleAvailability => ({
    email,
    status: 'ok',
    items: busy,
    workingHours: wh,
    availabilityView: availabilityViewOf(busy, window, 30),
  });
  const availability: FreeBusyResult = {
    range: window,
    intervalMinutes: 30,
    schedules: [
      known(organizer.email, organizer.busy, organizer.workingHours),
      ...attendees.map((a) => known(a.email, a.busy, a.workingHours)),
      ...externals.map((e) => ({
        email: e.email,
        status: 'unknown' as const,
        reason: 'external',
        message: 'Outside the organisation.',
      })),
      ...rooms.map((x) => known(x.email, x.busy, null)),
    ],
  };
  return { seed, organizer, attendees, externals, rooms, constraint, availability };
}
