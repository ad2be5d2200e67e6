// From a MetricMeeting to the compact occurrence both metric paths count, plus the shared window arithmetic.
import { AppError } from '../errors.js';
import type { MetricMeeting, MetricsOptions, OccurrenceStatus, WindowMetrics } from './types.js';

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
/** 1970-01-05 was a Monday: week starts are this plus a multiple of seven days. */
const MONDAY_EPOCH_MS = 4 * DAY_MS;

export const DEFAULT_METRICS_OPTIONS: MetricsOptions = {
  windowsDays: [30, 90, 365],
  weeks: 52,
  executiveRoles: [
    'exec',
    'executive',
    'vp',
    'svp',
    'evp',
    'c-level',
    'chief',
    'ceo',
    'cfo',
    'cto',
    'coo',
    'cio',
    'cmo',
    'cro',
    'ciso',
    'president',
    'founder',
    'sponsor',
  ],
};

/** Fills defaults and checks ranges; throws `AppError('validation_failed')` on nonsense values. */
export function resolveMetricsOptions(partial: Partial<MetricsOptions> = {}): MetricsOptions {
  const o = { ...DEFAULT_METRICS_OPTIONS, ...partial };
  const badWindow = o.windowsDays.find((d) => !Number.isInteger(d) || d < 1 || d > 3660);
  if (badWindow !== undefined || o.windowsDays.length === 0) {
    throw new AppError('validation_failed', 'Metric windows must be whole numbers of days between 1 and 3660.', {
      details: { windowsDays: o.windowsDays },
    });
  }
  if (!Number.isInteger(o.weeks) || o.weeks < 1 || o.weeks > 520) {
    throw new AppError('validation_failed', 'The weekly series must have 1 to 520 weeks.', {
      details: { weeks: o.weeks },
    });
  }
  return { ...o, executiveRoles: o.executiveRoles.map((r) => r.trim().toLowerCase()).filter((r) => r !== '') };
}

/** True when one of the role's words is in `executiveRoles` (already lower-cased). */
export function isExecutiveRole(role: string | null, executiveRoles: ReadonlySet<string>): boolean {
  if (role === null) return false;
  return role
    .toLowerCase()
    .split(/[^\p{L}\p{N}-]+/u)
    .some((w) => w !== '' && executiveRoles.has(w));
}

/** The compact, immutable record each counted meeting occurrence becomes. */
export interface Occurrence {
  id: string;
  customerId: string;
  startMs: number;
  durationMs: number;
  status: OccurrenceStatus;
  /** Customer attendees invited (non-resource attendees listed in `customerAttendees`). */
  invited: number;
  accepted: number;
  /** Distinct stakeholder addresses met (empty unless held), sorted. */
  met: string[];
  /** The executives among `met`. */
  executives: string[];
}

/**
 * Turns a meeting into the occurrence metrics count, or `null` when it is not counted: no customer, a series
 * master, or unparsable instants. Status: `cancelled` when cancelled; `declined` when the tenant user declined
 * or every invited customer attendee declined; otherwise `held`.
 */
export function toOccurrence(m: MetricMeeting, executiveRoles: ReadonlySet<string>): Occurrence | null {
  if (m.customerId === null || m.type === 'seriesMaster') return null;
  const startMs = Date.parse(m.start);
  const endMs = Date.parse(m.end);
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) return null;
  const customer = new Set(m.customerAttendees.map((e) => e.toLowerCase()));
  const responses = new Map<string, string>();
  let invited = 0;
  let accepted = 0;
  let declinedByCustomer = 0;
  for (const a of m.attendees) {
    const email = a.email.toLowerCase();
    responses.set(email, a.response);
    if (a.type === 'resource' || !customer.has(email)) continue;
    invited++;
    if (a.response === 'accepted' || a.response === 'organizer') accepted++;
    if (a.response === 'declined') declinedByCustomer++;
  }
  const status: OccurrenceStatus = m.isCancelled
    ? 'cancelled'
    : m.ownResponse === 'declined' || (invited > 0 && declinedByCustomer === invited)
      ? 'declined'
      : 'held';
  const met = new Map<string, boolean>();
  if (status === 'held') {
    for (const s of m.stakeholders) {
      const email = s.email.toLowerCase();
      if (responses.get(email) === 'declined') continue;
      met.set(email, (met.get(email) ?? false) || isExecutiveRole(s.role, executiveRoles));
    }
  }
  const metList = [...met.keys()].sort();
  return {
    id: m.id,
    customerId: m.customerId,
    startMs,
    durationMs: Math.max(0, endMs - startMs),
    status,
    invited: status === 'cancelled' ? 0 : invited,
    accepted: status === 'cancelled' ? 0 : accepted,
    met: metList,
    executives: metList.filter((e) => met.get(e) === true),
  };
}

/** Order of occurrences everywhere: by start, then id. */
export function compareOccurrences(a: Occurrence, b: Occurrence): number {
  return a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Start (ms) of the UTC Monday-based week containing `ms`. */
export function weekStartMs(ms: number): number {
  return ms - ((((ms - MONDAY_EPOCH_MS) % WEEK_MS) + WEEK_MS) % WEEK_MS);
}

const weekLabels = new Map<number, string>();

/** `YYYY-MM-DD` of a week start (memoised: formatting dates dominates reading the weekly series otherwise). */
export function weekLabel(weekStart: number): string {
  let label = weekLabels.get(weekStart);
  if (label === undefined) {
    if (weekLabels.size >= 10_000) weekLabels.clear();
    label = new Date(weekStart).toISOString().slice(0, 10);
    weekLabels.set(weekStart, label);
  }
  return label;
}

export function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Summarises the occurrences of one window (already restricted to `[fromMs, toMs)` and sorted by
 * `compareOccurrences`). Derived ratios are rounded to 2 decimals; counts are exact.
 */
export function summarizeWindow(
  days: number,
  fromMs: number,
  toMs: number,
  inWindow: readonly Occurrence[],
  previousMeetings: number,
): WindowMetrics {
  let meetings = 0;
  let totalMs = 0;
  let invited = 0;
  let accepted = 0;
  let cancelled = 0;
  let declined = 0;
  let executiveMeetings = 0;
  const starts: number[] = [];
  const met = new Set<string>();
  const executives = new Set<string>();
  for (const o of inWindow) {
    invited += o.invited;
    accepted += o.accepted;
    if (o.status === 'cancelled') cancelled++;
    else if (o.status === 'declined') declined++;
    else {
      meetings++;
      totalMs += o.durationMs;
      starts.push(o.startMs);
      for (const e of o.met) met.add(e);
      for (const e of o.executives) executives.add(e);
      if (o.executives.length > 0) executiveMeetings++;
    }
  }
  const gaps = starts.slice(1).map((s, i) => (s - (starts[i] as number)) / DAY_MS);
  gaps.sort((a, b) => a - b);
  const gap = median(gaps);
  return {
    days,
    from: iso(fromMs),
    to: iso(toMs),
    meetings,
    totalMinutes: round2(totalMs / 60_000),
    averageMinutes: meetings === 0 ? null : round2(totalMs / 60_000 / meetings),
    medianDaysBetween: gap === null ? null : round2(gap),
    invitedCustomerAttendees: invited,
    acceptedCustomerAttendees: accepted,
    attendanceRate: invited === 0 ? null : round2(accepted / invited),
    cancelled,
    declined,
    stakeholdersMet: met.size,
    executivesMet: executives.size,
    executiveMeetings,
    previousMeetings,
    change: meetings - previousMeetings,
    changeRatio: previousMeetings === 0 ? null : round2(meetings / previousMeetings - 1),
  };
}
