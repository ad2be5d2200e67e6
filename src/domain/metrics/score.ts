// The engagement score (0–100): a weighted sum of seven explainable factors, each returned with its contribution.
import { AppError } from '../errors.js';
import { DAY_MS } from './occurrence.js';
import type { CustomerMetrics, WindowMetrics } from './types.js';

export type ScoreFactorName = 'recency' | 'frequency' | 'breadth' | 'executive' | 'attendance' | 'trend' | 'upcoming';

export const SCORE_FACTORS: readonly ScoreFactorName[] = [
  'recency',
  'frequency',
  'breadth',
  'executive',
  'attendance',
  'trend',
  'upcoming',
];

export interface ScoreOptions {
  /** Relative weights (any non-negative scale; they are normalised over the factors that apply). */
  weights: Record<ScoreFactorName, number>;
  /** Window read by frequency, breadth, executive and attendance; must be one of the metrics' windows. */
  windowDays: number;
  /** Window whose change against the previous one gives the trend. */
  trendWindowDays: number;
  /** Values at which a factor is full (1). */
  targets: { meetings: number; stakeholders: number; executiveMeetings: number };
  /** Recency is 1 up to `fullDays` after the last meeting, then falls linearly to 0 at `zeroDays`. */
  recency: { fullDays: number; zeroDays: number };
  /** Upcoming is 1 when the next meeting starts within this many days. */
  upcomingDays: number;
}

export const DEFAULT_SCORE_OPTIONS: ScoreOptions = {
  weights: { recency: 25, frequency: 20, breadth: 15, executive: 10, attendance: 10, trend: 10, upcoming: 10 },
  windowDays: 90,
  trendWindowDays: 30,
  targets: { meetings: 6, stakeholders: 4, executiveMeetings: 1 },
  recency: { fullDays: 14, zeroDays: 90 },
  upcomingDays: 30,
};

export interface ScoreFactor {
  name: ScoreFactorName;
  /** 0–1, or `null` when the factor does not apply (its weight is then shared by the others). */
  value: number | null;
  /** The configured weight. */
  weight: number;
  /** Points this factor adds to the score (0–100 scale, 2 decimals); the contributions sum to the score ± rounding. */
  contribution: number;
  /** Plain-language reason, e.g. "6 held meetings in 90 days (target 6)". */
  explanation: string;
}

export interface EngagementScore {
  /** 0–100, rounded to an integer. */
  score: number;
  factors: ScoreFactor[];
}

function invalid(message: string, details: Record<string, unknown>): never {
  throw new AppError('validation_failed', message, { details });
}

/** Fills defaults and validates tenant overrides; throws `AppError('validation_failed')` on bad values. */
export function resolveScoreOptions(partial: Partial<ScoreOptions> = {}): ScoreOptions {
  const o: ScoreOptions = {
    ...DEFAULT_SCORE_OPTIONS,
    ...partial,
    weights: { ...DEFAULT_SCORE_OPTIONS.weights, ...partial.weights },
    targets: { ...DEFAULT_SCORE_OPTIONS.targets, ...partial.targets },
    recency: { ...DEFAULT_SCORE_OPTIONS.recency, ...partial.recency },
  };
  const weights = SCORE_FACTORS.map((f) => o.weights[f]);
  if (weights.some((w) => !Number.isFinite(w) || w < 0) || weights.every((w) => w === 0)) {
    invalid('Score weights must be non-negative numbers, at least one of them positive.', { weights: o.weights });
  }
  const positive = [o.targets.meetings, o.targets.stakeholders, o.targets.executiveMeetings, o.upcomingDays];
  if (positive.some((x) => !Number.isFinite(x) || x <= 0)) {
    invalid('Score targets and the upcoming horizon must be positive.', {
      targets: o.targets,
      upcomingDays: o.upcomingDays,
    });
  }
  if (!(o.recency.fullDays >= 0 && o.recency.zeroDays > o.recency.fullDays)) {
    invalid('Recency needs 0 <= fullDays < zeroDays.', { recency: o.recency });
  }
  return o;
}

function windowOf(metrics: CustomerMetrics, days: number): WindowMetrics {
  const w = metrics.windows.find((x) => x.days === days);
  if (!w) invalid(`The metrics have no ${days}-day window.`, { days, windows: metrics.windows.map((x) => x.days) });
  return w;
}

const ratio = (x: number, target: number): number => Math.min(1, x / target);

function factorValues(m: CustomerMetrics, o: ScoreOptions): Record<ScoreFactorName, [number | null, string]> {
  const nowMs = Date.parse(m.asOf);
  const w = windowOf(m, o.windowDays);
  const t = windowOf(m, o.trendWindowDays);
  const since = m.lastMeeting ? (nowMs - Date.parse(m.lastMeeting.start)) / DAY_MS : null;
  const recency =
    since === null
      ? 0
      : Math.max(0, Math.min(1, (o.recency.zeroDays - since) / (o.recency.zeroDays - o.recency.fullDays)));
  const moved = Math.max(t.meetings, t.previousMeetings);
  const trend = moved === 0 ? 0 : 0.5 + (0.5 * (t.meetings - t.previousMeetings)) / moved;
  const until = m.nextMeeting ? (Date.parse(m.nextMeeting.start) - nowMs) / DAY_MS : null;
  const inv = w.invitedCustomerAttendees;
  return {
    recency: [recency, since === null ? 'no meeting yet' : `last meeting ${since.toFixed(1)} days ago`],
    frequency: [
      ratio(w.meetings, o.targets.meetings),
      `${w.meetings} held meetings in ${w.days} days (target ${o.targets.meetings})`,
    ],
    breadth: [
      ratio(w.stakeholdersMet, o.targets.stakeholders),
      `${w.stakeholdersMet} stakeholders met in ${w.days} days (target ${o.targets.stakeholders})`,
    ],
    executive: [
      ratio(w.executiveMeetings, o.targets.executiveMeetings),
      `${w.executiveMeetings} meetings with an executive in ${w.days} days (target ${o.targets.executiveMeetings})`,
    ],
    attendance: [
      inv === 0 ? null : w.acceptedCustomerAttendees / inv,
      inv === 0 ? 'no customer invitations' : `${w.acceptedCustomerAttendees} of ${inv} customer invitations accepted`,
    ],
    trend: [trend, `${t.meetings} meetings in the last ${t.days} days, ${t.previousMeetings} in the ${t.days} before`],
    upcoming: [
      until !== null && until <= o.upcomingDays ? 1 : 0,
      until === null ? 'no meeting scheduled' : `next meeting in ${until.toFixed(1)} days (horizon ${o.upcomingDays})`,
    ],
  };
}

/**
 * Engagement score of one customer. Each factor has a value in [0, 1]:
 * - recency: 1 up to `recency.fullDays` since the last held meeting, linear to 0 at `recency.zeroDays`
 *   (0 with no meeting);
 * - frequency: held meetings in the score window / `targets.meetings`, capped at 1;
 * - breadth: distinct stakeholders met in the window / `targets.stakeholders`, capped at 1;
 * - executive: meetings with an executive stakeholder / `targets.executiveMeetings`, capped at 1;
 * - attendance: accepted / invited customer attendees in the window; does not apply without invitations;
 * - trend: with c meetings in the trend window and p in the one before, 0.5 + 0.5 × (c − p) / max(c, p)
 *   (0 when both are 0): 0 = stopped, 0.5 = steady, 1 = new or doubled-plus;
 * - upcoming: 1 when the next held meeting starts within `upcomingDays`, else 0.
 * score = round(100 × Σ weight × value / Σ weight), both sums over the factors that apply; each factor's
 * contribution is its term of that sum. See docs/engagement-score.md.
 * @example
 * const { score, factors } = engagementScore(metrics, { weights: { ...DEFAULT_SCORE_OPTIONS.weights, executive: 30 } });
 */
export function engagementScore(metrics: CustomerMetrics, options: Partial<ScoreOptions> = {}): EngagementScore {
  const o = resolveScoreOptions(options);
  const values = factorValues(metrics, o);
  const applicableWeight = SCORE_FACTORS.reduce((s, f) => s + (values[f][0] === null ? 0 : o.weights[f]), 0);
  let total = 0;
  const factors = SCORE_FACTORS.map((name): ScoreFactor => {
    const [value, explanation] = values[name];
    const points = value === null || applicableWeight === 0 ? 0 : (100 * o.weights[name] * value) / applicableWeight;
    total += points;
    return { name, value, weight: o.weights[name], contribution: Math.round(points * 100) / 100, explanation };
  });
  return { score: Math.round(total), factors };
}
