// Free/busy maths: interval merging, working-hours windows per person (DST-correct, luxon), availability grid.
import { DateTime } from 'luxon';
import type { BusyItem, Instant, TimeRange, WorkingHours } from '../calendar.js';
import { AppError } from '../errors.js';
import type { Availability, ScheduleAvailability } from './types.js';
import { ZoneClock } from './zone.js';

/** A half-open interval `[start, end)` in epoch milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/**
 * How strongly a status blocks a meeting; when several items overlap a period the highest wins.
 * Out of office beats busy (the person is away), busy beats tentative, and working elsewhere is the mildest
 * non-free state (the person works, just not at their usual place).
 */
export const STATUS_SEVERITY: Record<Exclude<Availability, 'unknown'>, number> = {
  free: 0,
  workingElsewhere: 1,
  tentative: 2,
  busy: 3,
  oof: 4,
};

/** Digits of Graph's availabilityView, in order. */
const VIEW_STATUS = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere'] as const;

export function toMs(instant: Instant): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new AppError('bad_request', `Not a valid instant: ${instant}`);
  return ms;
}

export function toInstant(ms: number): Instant {
  return new Date(ms).toISOString();
}

/** `00`…`59`. */
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

/**
 * ISO writer for many instants on whole minutes close together (a grid's slots): the date part is formatted once a
 * day, the time from the minute of the day; `withZ: false` gives the `yyyy-MM-ddTHH:mm` label of a wall clock. The
 * same strings as `toISOString()` (sliced to 16 for labels).
 */
function minuteWriter(withZ: boolean): (ms: number) => string {
  let day = Number.NaN;
  let prefix = '';
  return (ms) => {
    const d = Math.floor(ms / DAY);
    if (d !== day) {
      day = d;
      const midnight = toInstant(d * DAY);
      // years outside 0000–9999 are written with six digits and a sign: not for the fast path
      prefix = midnight.length === 24 ? midnight.slice(0, 11) : '';
    }
    if (prefix === '' || ms % MINUTE !== 0) return withZ ? toInstant(ms) : toInstant(ms).slice(0, 16);
    const m = (ms - d * DAY) / MINUTE;
    const hhmm = `${prefix}${TWO_DIGITS[Math.floor(m / 60)]!}:${TWO_DIGITS[m % 60]!}`;
    return withZ ? `${hhmm}:00.000Z` : hhmm;
  };
}

/** Parses and checks a range (end after start). */
export function rangeToInterval(range: TimeRange): Interval {
  const start = toMs(range.start);
  const end = toMs(range.end);
  if (end <= start) throw new AppError('bad_request', 'The range must end after it starts.');
  return { start, end };
}

/** Sorts and merges overlapping or touching intervals; empty intervals are dropped. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ start: i.start, end: i.end });
  }
  return out;
}

/** True when `[start, end)` lies entirely inside one of the merged, sorted `intervals`. */
export function isCovered(intervals: readonly Interval[], start: number, end: number): boolean {
  const i = firstEndingAfter(intervals, start);
  const hit = intervals[i];
  return hit !== undefined && hit.start <= start && hit.end >= end;
}

/** True when `[start, end)` overlaps one of the merged, sorted `intervals`. */
export function overlapsAny(intervals: readonly Interval[], start: number, end: number): boolean {
  const hit = intervals[firstEndingAfter(intervals, start)];
  return hit !== undefined && hit.start < end;
}

/** Index of the first interval whose end is after `t` (binary search). */
function firstEndingAfter(intervals: readonly Interval[], t: number): number {
  let lo = 0;
  let hi = intervals.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (intervals[mid]!.end <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Zones already checked (luxon builds an Intl formatter for each check); bounded like ZoneClock's cache. */
const knownZones = new Map<string, boolean>();

/** Throws `bad_request` unless `zone` is an IANA zone luxon knows. */
export function checkZone(zone: string): void {
  let valid = knownZones.get(zone);
  if (valid === undefined) {
    valid = DateTime.now().setZone(zone).isValid;
    if (knownZones.size >= 1000) knownZones.clear();
    knownZones.set(zone, valid);
  }
  if (!valid) throw new AppError('bad_request', `Unknown time zone: ${zone}`);
}

function parseClock(hhmmss: string): { hour: number; minute: number; second: number } {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$/.exec(hhmmss);
  if (!m) throw new AppError('bad_request', `Not a wall-clock time: ${hhmmss}`);
  const [hour, minute, second] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (hour > 24 || minute > 59 || second > 59) throw new AppError('bad_request', `Not a wall-clock time: ${hhmmss}`);
  return { hour, minute, second };
}

const clockMs = (c: { hour: number; minute: number; second: number }): number =>
  ((c.hour * 60 + c.minute) * 60 + c.second) * 1000;

/**
 * The periods inside `range` that fall within `wh`, computed per local day in the person's own zone, so a
 * 09:00–17:00 day stays 09:00–17:00 local across DST changes. An end at or before the start means the
 * shift runs past midnight. With `allDays`, every day of the week counts (Graph's `personal` domain).
 * @example workingHoursWindows({ daysOfWeek: ['monday'], startTime: '09:00:00', endTime: '17:00:00',
 *   timeZone: 'Europe/Berlin' }, { start: '2026-03-30T00:00:00Z', end: '2026-03-31T00:00:00Z' })
 *   // → [{ start: 2026-03-30T07:00Z, end: 2026-03-30T15:00Z }] (as epoch ms)
 */
export function workingHoursWindows(wh: WorkingHours, range: TimeRange, opts: { allDays?: boolean } = {}): Interval[] {
  const { start, end } = rangeToInterval(range);
  const clock = ZoneClock.for(wh.timeZone, start, end);
  const from = clockMs(parseClock(wh.startTime));
  const to = clockMs(parseClock(wh.endTime));
  const days = new Set<string>(opts.allDays ? WEEKDAYS : wh.daysOfWeek);
  const out: Interval[] = [];
  // Local midnights, as wall-clock ms; start one day early so a shift that began yesterday is included.
  for (let day = Math.floor(clock.toLocal(start) / DAY) * DAY - DAY; clock.fromLocal(day) < end; day += DAY) {
    if (!days.has(WEEKDAYS[(new Date(day).getUTCDay() + 6) % 7]!)) continue;
    const s = clock.fromLocal(day + from);
    const e = clock.fromLocal(to > from ? day + to : day + DAY + to);
    const clipped = { start: Math.max(s, start), end: Math.min(e, end) };
    if (clipped.end > clipped.start) out.push(clipped);
  }
  return mergeIntervals(out);
}

/** Turns an availabilityView string into busy items, for providers that report only the view. */
export function itemsFromView(view: string, viewStart: number, intervalMinutes: number): BusyItem[] {
  const items: BusyItem[] = [];
  for (let i = 0; i < view.length; i++) {
    const status = VIEW_STATUS[Number(view[i])];
    if (status === undefined || status === 'free') continue;
    const start = viewStart + i * intervalMinutes * MINUTE;
    items.push({ start: toInstant(start), end: toInstant(start + intervalMinutes * MINUTE), status });
  }
  return items;
}

/** A schedule prepared for fast "what is this person's status from t1 to t2" questions. */
export interface ScheduleIndex {
  email: string;
  known: boolean;
  /** Why the schedule is unknown (`external`, `not_found`, …); null when known. */
  reason: string | null;
  workingHours: WorkingHours | null;
  /** Merged intervals per non-free status. */
  busy: Record<Exclude<Availability, 'unknown' | 'free'>, Interval[]>;
}

/**
 * Indexes one schedule. Busy items are used when present; when a provider gave only an availabilityView,
 * pass the view's origin (`view`) to derive items from it.
 */
export function indexSchedule(
  s: ScheduleAvailability,
  view?: { start: number; intervalMinutes: number },
): ScheduleIndex {
  const busy: ScheduleIndex['busy'] = { tentative: [], busy: [], oof: [], workingElsewhere: [] };
  if (s.status === 'unknown') {
    return { email: s.email.toLowerCase(), known: false, reason: s.reason, workingHours: null, busy };
  }
  const items =
    s.items.length === 0 && view && /[1-4]/.test(s.availabilityView)
      ? itemsFromView(s.availabilityView, view.start, view.intervalMinutes)
      : s.items;
  const raw: Record<keyof ScheduleIndex['busy'], Interval[]> = {
    tentative: [],
    busy: [],
    oof: [],
    workingElsewhere: [],
  };
  for (const item of items) raw[item.status].push({ start: toMs(item.start), end: toMs(item.end) });
  for (const k of Object.keys(raw) as Array<keyof ScheduleIndex['busy']>) busy[k] = mergeIntervals(raw[k]);
  return { email: s.email.toLowerCase(), known: true, reason: null, workingHours: s.workingHours, busy };
}

/** The most severe status of `idx` during `[start, end)`; `unknown` when the schedule could not be read. */
export function statusDuring(idx: ScheduleIndex, start: number, end: number): Availability {
  if (!idx.known) return 'unknown';
  if (overlapsAny(idx.busy.oof, start, end)) return 'oof';
  if (overlapsAny(idx.busy.busy, start, end)) return 'busy';
  if (overlapsAny(idx.busy.tentative, start, end)) return 'tentative';
  if (overlapsAny(idx.busy.workingElsewhere, start, end)) return 'workingElsewhere';
  return 'free';
}

export interface CompletenessSummary {
  total: number;
  current: number;
  unknown: Array<{ email: string; reason: string }>;
  /** e.g. `3 of 4 calendars current; john@acmecorp.com unknown (external)`. */
  text: string;
}

/** How many of the schedules could be read, and why the others could not. */
export function summarizeCompleteness(schedules: readonly ScheduleAvailability[]): CompletenessSummary {
  const unknown = schedules.flatMap((s) =>
    s.status === 'unknown' ? [{ email: s.email.toLowerCase(), reason: s.reason }] : [],
  );
  const current = schedules.length - unknown.length;
  const head = `${current} of ${schedules.length} calendars current`;
  const tail = unknown.map((u) => `${u.email} unknown (${u.reason})`).join(', ');
  return { total: schedules.length, current, unknown, text: tail ? `${head}; ${tail}` : head };
}

/** One column of the availability grid. */
export interface GridSlot {
  start: Instant;
  end: Instant;
  /** The slot's start on the grid's wall clock, `yyyy-MM-ddTHH:mm`. */
  local: string;
}

/** One person's or room's state in one slot. Working hours are a separate flag, not a status. */
export interface GridCell {
  status: Availability;
  /** Whether the whole slot lies inside the schedule's working hours; null when they are not known. */
  inWorkingHours: boolean | null;
}

export interface GridRow {
  email: string;
  known: boolean;
  reason: string | null;
  cells: GridCell[];
}

export interface AvailabilityGrid {
  timeZone: string;
  slotMinutes: number;
  slots: GridSlot[];
  rows: GridRow[];
  completeness: CompletenessSummary;
}

export interface AvailabilityGridInput {
  range: TimeRange;
  slotMinutes: number;
  /** IANA zone the grid is shown in (labels only; statuses are zone-independent). */
  timeZone: string;
  schedules: ScheduleAvailability[];
  /** Origin and granularity of the schedules' availabilityView (defaults to `range` / `slotMinutes`). */
  view?: { start: Instant; intervalMinutes: number };
}

/** Upper bound on grid columns, so a huge range with tiny slots is rejected instead of exhausting memory. */
export const MAX_GRID_SLOTS = 10_000;

/**
 * Slots × schedules grid for the scheduling UI. A schedule that could not be read shows `unknown` in every
 * slot (fail closed: never free). The last slot is cut at `range.end`.
 */
export function buildAvailabilityGrid(input: AvailabilityGridInput): AvailabilityGrid {
  const { start, end } = rangeToInterval(input.range);
  checkZone(input.timeZone);
  if (!Number.isInteger(input.slotMinutes) || input.slotMinutes < 1 || input.slotMinutes > 1440) {
    throw new AppError('bad_request', 'slotMinutes must be an integer from 1 to 1440.');
  }
  const step = input.slotMinutes * MINUTE;
  if (Math.ceil((end - start) / step) > MAX_GRID_SLOTS) throw new AppError('bad_request', 'Too many grid slots.');
  const clock = ZoneClock.for(input.timeZone, start, end);
  const instant = minuteWriter(true);
  const label = minuteWriter(false);
  const bounds: Interval[] = [];
  const slots: GridSlot[] = [];
  let startText = instant(start);
  for (let t = start; t < end; t += step) {
    const slotEnd = Math.min(t + step, end);
    const endText = instant(slotEnd);
    bounds.push({ start: t, end: slotEnd });
    slots.push({ start: startText, end: endText, local: label(clock.toLocal(t)) });
    startText = endText;
  }
  const view = input.view
    ? { start: toMs(input.view.start), intervalMinutes: input.view.intervalMinutes }
    : { start, intervalMinutes: input.slotMinutes };
  const rows = input.schedules.map((s): GridRow => {
    const idx = indexSchedule(s, view);
    const hours = idx.workingHours ? workingHoursWindows(idx.workingHours, input.range) : null;
    const statuses = slotStatuses(idx, bounds, start, step);
    const inHours = hours ? slotsCovered(hours, bounds, start, step) : null;
    const cells = bounds.map((_, i) => cellOf(statuses[i]!, inHours ? inHours[i] === 1 : null));
    return { email: idx.email, known: idx.known, reason: idx.reason, cells };
  });
  return {
    timeZone: input.timeZone,
    slotMinutes: input.slotMinutes,
    slots,
    rows,
    completeness: summarizeCompleteness(input.schedules),
  };
}

/** Statuses by severity, as statusDuring ranks them (the most severe overlapping status wins). */
const BY_SEVERITY = ['free', 'workingElsewhere', 'tentative', 'busy', 'oof'] as const;

/** Range of slot indexes `[first, last]` that `[from, to)` overlaps (slot i starts at `start + i·step`). */
function overlappedSlots(bounds: readonly Interval[], start: number, step: number, from: number, to: number) {
  const first = Math.max(0, Math.floor((from - start) / step));
  const last = Math.min(bounds.length - 1, Math.ceil((to - start) / step) - 1);
  return { first, last };
}

/**
 * statusDuring for every slot at once: each busy interval marks the slots it overlaps with its severity (the
 * highest wins), instead of four searches per slot. Same answers.
 */
function slotStatuses(idx: ScheduleIndex, bounds: readonly Interval[], start: number, step: number): Availability[] {
  if (!idx.known) return bounds.map(() => 'unknown');
  const severity = new Uint8Array(bounds.length);
  for (let level = 1; level < BY_SEVERITY.length; level++) {
    for (const iv of idx.busy[BY_SEVERITY[level] as keyof ScheduleIndex['busy']]) {
      const { first, last } = overlappedSlots(bounds, start, step, iv.start, iv.end);
      for (let i = first; i <= last; i++) {
        // the bounds decide (the last slot is cut at the range's end)
        if (bounds[i]!.start < iv.end && bounds[i]!.end > iv.start && severity[i]! < level) severity[i] = level;
      }
    }
  }
  // a plain loop: Array.from over a typed array with a map function took a generic iterator path (≈ 14 KB a row)
  const out = new Array<Availability>(severity.length);
  for (let i = 0; i < severity.length; i++) out[i] = BY_SEVERITY[severity[i]!]!;
  return out;
}

/** isCovered for every slot at once: 1 where the slot lies entirely inside one of the merged `hours`. */
function slotsCovered(
  hours: readonly Interval[],
  bounds: readonly Interval[],
  start: number,
  step: number,
): Uint8Array {
  const covered = new Uint8Array(bounds.length);
  for (const h of hours) {
    const { first, last } = overlappedSlots(bounds, start, step, h.start, h.end);
    for (let i = first; i <= last; i++) if (bounds[i]!.start >= h.start && bounds[i]!.end <= h.end) covered[i] = 1;
  }
  return covered;
}

/**
 * The grid's cells, one frozen object per status and working-hours flag, shared by every grid: a grid has
 * slots × people of them and only 18 different ones.
 */
const CELLS: Record<Availability, readonly [GridCell, GridCell, GridCell]> = {
  free: cellsOf('free'),
  workingElsewhere: cellsOf('workingElsewhere'),
  tentative: cellsOf('tentative'),
  busy: cellsOf('busy'),
  oof: cellsOf('oof'),
  unknown: cellsOf('unknown'),
};
function cellsOf(status: Availability): readonly [GridCell, GridCell, GridCell] {
  return [
    Object.freeze({ status, inWorkingHours: null }),
    Object.freeze({ status, inWorkingHours: false }),
    Object.freeze({ status, inWorkingHours: true }),
  ];
}
function cellOf(status: Availability, inWorkingHours: boolean | null): GridCell {
  return CELLS[status][inWorkingHours === null ? 0 : inWorkingHours ? 2 : 1];
}

/** Each shared cell's JSON, written once. */
const CELL_JSON = new Map<GridCell, string>(
  Object.values(CELLS).flatMap((cells) => cells.map((c): [GridCell, string] => [c, JSON.stringify(c)])),
);

/**
 * `JSON.stringify(grid)` for a grid from buildAvailabilityGrid, in a fraction of the time: the cells are the shared
 * ones (their JSON written once; any other cell goes through JSON.stringify) and the slots' texts are ISO instants
 * and `yyyy-MM-ddTHH:mm` labels, which JSON writes as they are. Same text, same key order.
 */
export function availabilityGridJson(grid: AvailabilityGrid): string {
  let out = `{"timeZone":${JSON.stringify(grid.timeZone)},"slotMinutes":${JSON.stringify(grid.slotMinutes)},"slots":[`;
  for (let i = 0; i < grid.slots.length; i++) {
    const s = grid.slots[i]!;
    out += `${i === 0 ? '' : ','}{"start":"${s.start}","end":"${s.end}","local":"${s.local}"}`;
  }
  out += '],"rows":[';
  for (let r = 0; r < grid.rows.length; r++) {
    const row = grid.rows[r]!;
    out += `${r === 0 ? '' : ','}{"email":${JSON.stringify(row.email)},"known":${JSON.stringify(row.known)},`;
    out += `"reason":${JSON.stringify(row.reason)},"cells":[`;
    for (let i = 0; i < row.cells.length; i++) {
      const c = row.cells[i]!;
      out += `${i === 0 ? '' : ','}${CELL_JSON.get(c) ?? JSON.stringify(c)}`;
    }
    out += ']}';
  }
  return `${out}],"completeness":${JSON.stringify(grid.completeness)}}`;
}

/** Graph-style availabilityView for `items` over `range`: one digit per interval, the most severe status wins. */
export function availabilityViewOf(items: readonly BusyItem[], range: TimeRange, intervalMinutes: number): string {
  const { start, end } = rangeToInterval(range);
  const idx = indexSchedule({ email: '', status: 'ok', items: [...items], workingHours: null, availabilityView: '' });
  const digits: string[] = [];
  for (let t = start; t < end; t += intervalMinutes * MINUTE) {
    const status = statusDuring(idx, t, Math.min(t + intervalMinutes * MINUTE, end));
    digits.push(String(VIEW_STATUS.indexOf(status as (typeof VIEW_STATUS)[number])));
  }
  return digits.join('');
}
