// Engagement score: hand-computed factors on the fixture, weight tuning, non-applicable factors, validation.
import { describe, expect, it } from 'vitest';
import { computeMetrics } from './compute.js';
import { FIXTURE, NOW } from './fixture.test-data.js';
import { engagementScore, type ScoreFactorName } from './score.js';
import type { CustomerMetrics } from './types.js';

const all = computeMetrics(FIXTURE, NOW);
const acme = all.get('acme') as CustomerMetrics;
const globex = all.get('globex') as CustomerMetrics;

const byName = (s: ReturnType<typeof engagementScore>): Record<ScoreFactorName, number> =>
  Object.fromEntries(s.factors.map((f) => [f.name, f.contribution])) as Record<ScoreFactorName, number>;

describe('engagementScore', () => {
  it('acme with default weights (25/20/15/10/10/10/10)', () => {
    // recency: last held meeting M1 5.08 days ago ≤ 14 → 1 → 25
    // frequency: 6 held in 90 days / target 6 → 1 → 20
    // breadth: 3 stakeholders / target 4 → 0.75 → 11.25
    // executive: 2 executive meetings / target 1 → 1 → 10
    // attendance: 7 / 12 accepted → 5.833…
    // trend: 3 this 30 days vs 2 before → 0.5 + 0.5 × 1/3 = 0.667 → 6.667
    // upcoming: M6 in 1.9 days ≤ 30 → 10
    // total 88.75 → 89
    const s = engagementScore(acme);
    expect(byName(s)).toEqual({
      recency: 25,
      frequency: 20,
      breadth: 11.25,
      executive: 10,
      attendance: 5.83,
      trend: 6.67,
      upcoming: 10,
    });
    expect(s.score).toBe(89);
    expect(s.factors.find((f) => f.name === 'frequency')?.explanation).toBe('6 held meetings in 90 days (target 6)');
  });

  it('globex with default weights', () => {
    // recency 1 → 25; frequency 1/6 → 3.333; breadth 0; executive 0; attendance 1/1 → 10;
    // trend: 1 vs 0 → 1 → 10; upcoming: none → 0. Total 48.33 → 48.
    const s = engagementScore(globex);
    expect(byName(s)).toEqual({
      recency: 25,
      frequency: 3.33,
      breadth: 0,
      executive: 0,
      attendance: 10,
      trend: 10,
      upcoming: 0,
    });
    expect(s.score).toBe(48);
  });

  it('tenant weights change the result', () => {
    // Only breadth and executive count, equally: (0.75 + 1) / 2 = 87.5 → 88.
    const weights = { recency: 0, frequency: 0, breadth: 1, executive: 1, attendance: 0, trend: 0, upcoming: 0 };
    const s = engagementScore(acme, { weights });
    expect(s.score).toBe(88);
    expect(byName(s).breadth).toBe(37.5);
  });

  it('a factor that does not apply hands its weight to the others', () => {
    // No customer invitations at all: attendance is null, the other weights (90) are scaled to 100.
    const noInvites: CustomerMetrics = {
      ...acme,
      windows: acme.windows.map((w) => ({
        ...w,
        invitedCustomerAttendees: 0,
        acceptedCustomerAttendees: 0,
        attendanceRate: null,
      })),
    };
    const s = engagementScore(noInvites);
    expect(s.factors.find((f) => f.name === 'attendance')).toMatchObject({ value: null, contribution: 0 });
    // (25 + 20 + 11.25 + 10 + 6.667 + 10) / 90 × 100 = 82.917 / 90 × 100 = 92.13 → 92
    expect(byName(s).recency).toBe(27.78);
    expect(s.score).toBe(92);
  });

  it('recency decays linearly between 14 and 90 days, and nothing scheduled or held scores 0', () => {
    // The last held meeting is M7 (9 March 10:00); 52 days later recency is (90 − 52) / (90 − 14) = 0.5.
    const asOf = new Date(Date.parse('2026-03-09T10:00:00.000Z') + 52 * 86_400_000).toISOString();
    const later = computeMetrics(FIXTURE, asOf).get('acme') as CustomerMetrics;
    expect(later.lastMeeting?.meetingId).toBe('M7');
    expect(engagementScore(later).factors.find((f) => f.name === 'recency')?.value).toBeCloseTo(0.5, 9);
    const empty: CustomerMetrics = {
      ...acme,
      lastMeeting: null,
      nextMeeting: null,
      windows: acme.windows.map((w) => ({
        ...w,
        meetings: 0,
        previousMeetings: 0,
        stakeholdersMet: 0,
        executiveMeetings: 0,
        invitedCustomerAttendees: 0,
        acceptedCustomerAttendees: 0,
      })),
    };
    expect(engagementScore(empty).score).toBe(0);
  });

  it('rejects bad weights and missing windows with validation_failed', () => {
    const bad = {
      weights: { recency: -1, frequency: 1, breadth: 1, executive: 1, attendance: 1, trend: 1, upcoming: 1 },
    };
    expect(() => engagementScore(acme, bad)).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    const zero = {
      weights: { recency: 0, frequency: 0, breadth: 0, executive: 0, attendance: 0, trend: 0, upcoming: 0 },
    };
    expect(() => engagementScore(acme, zero)).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    expect(() => engagementScore(acme, { windowDays: 60 })).toThrow(
      expect.objectContaining({ code: 'validation_failed' }),
    );
  });
});
