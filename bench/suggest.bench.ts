// Micro-benchmark: CPU time of calbridge's own suggestion engine and availability grid (10 people + 2 rooms, 2 weeks).
import { DateTime } from 'luxon';
import type { BusyItem, WorkingHours } from '../src/domain/calendar.js';
import { availabilityViewOf, buildAvailabilityGrid } from '../src/domain/scheduling/freebusy.js';
import { suggestMeetingTimes } from '../src/domain/scheduling/suggest.js';
import type { FreeBusyResult, MeetingTimeConstraint, ScheduleAvailability } from '../src/domain/scheduling/types.js';
import { ZoneClock } from '../src/domain/scheduling/zone.js';

export interface BenchResult {
  name: string;
  unit: string;
  samples: number[];
}

const WINDOW = { start: '2026-03-02T00:00:00.000Z', end: '2026-03-16T00:00:00.000Z' }; // two weeks, with the US DST change
const ZONES = ['America/New_York', 'Europe/Berlin', 'America/Los_Angeles'];
const STATUSES: Array<BusyItem['status']> = ['busy', 'busy', 'tentative', 'busy', 'workingElsewhere', 'busy'];

/** The benchmark input (deterministic): ~4 blocks per day per person, 5 per room, 2 weeks. */
export function buildInput(): {
  constraint: MeetingTimeConstraint;
  availability: FreeBusyResult;
  organizer: { email: string; workingHours: WorkingHours };
} {
  let seed = 12345;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const schedules: ScheduleAvailability[] = [];
  const people = Array.from({ length: 10 }, (_, i) => `person${i}@contoso.example`);
  const day0 = DateTime.fromISO(WINDOW.start, { zone: 'UTC' });
  const calendar = (zone: string, perDay: number): BusyItem[] => {
    const items: BusyItem[] = [];
    for (let d = 0; d < 14; d++) {
      const day = day0.setZone(zone).plus({ days: d }).startOf('day');
      for (let k = 0; k < perDay; k++) {
        const start = day.set({ hour: 8 + Math.floor(rand() * 9), minute: [0, 15, 30, 45][Math.floor(rand() * 4)]! });
        const end = start.plus({ minutes: [30, 60, 90][Math.floor(rand() * 3)]! });
        items.push({
          start: start.toUTC().toISO()!,
          end: end.toUTC().toISO()!,
          status: STATUSES[Math.floor(rand() * STATUSES.length)]!,
        });
      }
    }
    return items;
  };
  const hours = (zone: string): WorkingHours => ({
    daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
    startTime: zone === 'Europe/Berlin' ? '08:00:00' : '07:00:00',
    endTime: zone === 'Europe/Berlin' ? '19:00:00' : '17:00:00',
    timeZone: zone,
  });
  people.forEach((email, i) => {
    const zone = ZONES[i % ZONES.length]!;
    const items = calendar(zone, 4);
    schedules.push({
      email,
      status: 'ok',
      items,
      workingHours: hours(zone),
      availabilityView: availabilityViewOf(items, WINDOW, 30),
    });
  });
  const rooms = ['room1@contoso.example', 'room2@contoso.example'];
  for (const email of rooms) {
    const items = calendar('UTC', 5);
    schedules.push({
      email,
      status: 'ok',
      items,
      workingHours: null,
      availabilityView: availabilityViewOf(items, WINDOW, 30),
    });
  }
  const organizer = { email: people[0]!, workingHours: hours(ZONES[0]!) };
  const constraint: MeetingTimeConstraint = {
    attendees: people.slice(1).map((email, i) => ({ email, type: i < 6 ? 'required' : 'optional' })),
    rooms,
    window: WINDOW,
    durationMinutes: 60,
    maxCandidates: 20,
    minimumAttendeePercentage: 0,
    timeZone: ZONES[0]!,
  };
  return { constraint, availability: { range: WINDOW, intervalMinutes: 30, schedules }, organizer };
}

/** CPU time (user + system) of one call, in milliseconds. */
function cpuMs(fn: () => unknown): number {
  const before = process.cpuUsage();
  fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

function measure(name: string, iterations: number, fn: () => unknown): BenchResult {
  for (let i = 0; i < Math.min(10, iterations); i++) fn(); // warm-up (JIT)
  return { name, unit: 'ms cpu/call', samples: Array.from({ length: iterations }, () => cpuMs(fn)) };
}

/**
 * Runs the benchmark. `quick` takes 30 samples per case (for CI smoke runs), otherwise 300.
 * Cases: suggestions in the `work` domain (10 people in 3 zones, 2 rooms, 2 weeks, 60-minute meeting), the same
 * with the per-zone offset cache emptied before each call (a cold process), the same `unrestricted` (every half
 * hour is a candidate), and the 30-minute availability grid of all 12 schedules.
 */
export async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const n = opts.quick ? 30 : 300;
  const { constraint, availability, organizer } = buildInput();
  const results = [
    measure('suggest: 10 people + 2 rooms, 2 weeks, work hours', n, () =>
      suggestMeetingTimes(constraint, availability, organizer),
    ),
    measure('suggest: same, cold time-zone cache', n, () => {
      ZoneClock.clearCache();
      return suggestMeetingTimes(constraint, availability, organizer);
    }),
    measure('suggest: 10 people + 2 rooms, 2 weeks, unrestricted', n, () =>
      suggestMeetingTimes({ ...constraint, activityDomain: 'unrestricted' }, availability, organizer),
    ),
    measure('grid: 12 schedules, 2 weeks, 30-minute slots', n, () =>
      buildAvailabilityGrid({ range: WINDOW, slotMinutes: 30, timeZone: ZONES[0]!, schedules: availability.schedules }),
    ),
  ];
  return Promise.resolve(results);
}

function summary(r: BenchResult): string {
  const s = [...r.samples].sort((a, b) => a - b);
  const q = (p: number): string => s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(2);
  return `${r.name}: median ${q(0.5)} / p95 ${q(0.95)} / max ${q(1)} ${r.unit} (${s.length} samples)`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run({ quick: process.argv.includes('--quick') })) console.log(summary(r));
}
