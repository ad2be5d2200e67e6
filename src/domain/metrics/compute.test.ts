// Hand-computed metrics for the small fixture (fixture.test-data.ts), through both the full and incremental paths.
import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.js';
import { MetricsAggregator } from './aggregate.js';
import { computeMetrics, customerMetricsFromAggregate, metricsFromAggregate } from './compute.js';
import { FIXTURE, NOW } from './fixture.test-data.js';
import { isExecutiveRole } from './occurrence.js';

const options = { weeks: 4 };

describe('computeMetrics on the hand-computed fixture (now = Mon 2026-03-02 12:00Z)', () => {
  const all = computeMetrics(FIXTURE, NOW, options);
  const acme = all.get('acme');

  it('ignores meetings without a customer', () => {
    expect([...all.keys()]).toEqual(['acme', 'globex']);
  });

  it('30 days [2026-01-31T12:00Z, now)', () => {
    // In the window: M3 (11 Feb, held 45'), M2 (18 Feb, held 30'), M4 (20 Feb, cancelled), M16 (23 Feb, all customer
    // attendees declined), M1 (25 Feb, held 60'), M5 (27 Feb, we declined).
    // Held: M3, M2, M1 → 3 meetings, 45 + 30 + 60 = 135', average 45'. Gaps 7 d, 7 d → median 7.
    // Invited customer attendees in non-cancelled meetings: M3 2 (bob accepted), M2 2 (both), M16 2 (none), M1 2
    // (ann; bob only tentative), M5 2 (ann) → 10 invited, 1 + 2 + 0 + 1 + 1 = 5 accepted → 0.5.
    // Stakeholders met in held meetings: M3 bob (ann declined), M2 bob, M1 ann + bob → {ann, bob} = 2;
    // executives: ann (CFO) → 1, in one meeting (M1).
    // Previous 30 days [2026-01-01T12:00Z, 2026-01-31T12:00Z): M8 (15 Jan), M10 (20 Jan) → 2; change +1, ratio 0.5.
    expect(acme?.windows[0]).toEqual({
      days: 30,
      from: '2026-01-31T12:00:00.000Z',
      to: NOW,
      meetings: 3,
      totalMinutes: 135,
      averageMinutes: 45,
      medianDaysBetween: 7,
      invitedCustomerAttendees: 10,
      acceptedCustomerAttendees: 5,
      attendanceRate: 0.5,
      cancelled: 1,
      declined: 2,
      stakeholdersMet: 2,
      executivesMet: 1,
      executiveMeetings: 1,
      previousMeetings: 2,
      change: 1,
      changeRatio: 0.5,
    });
  });

  it('90 days [2025-12-02T12:00Z, now)', () => {
    // Adds M11 (20 Dec, 60'), M8 (15 Jan, 90'), M10 (20 Jan, 60', a series occurrence); M9 is a series master.
    // 6 held, 135 + 60 + 90 + 60 = 345', average 57.5'. Gaps: 26, 5, 22, 7, 7 → sorted 5 7 7 22 26 → median 7.
    // Invited: 10 + M11 bob (accepted) + M8 carl (accepted) = 12, accepted 7 → 7/12 = 0.583… → 0.58.
    // Met: ann, bob, carl = 3; executives ann (CFO), carl (VP Sales) = 2, in M1 and M8 = 2 meetings.
    // Previous [2025-09-03T12:00Z, 2025-12-02T12:00Z): M13 (15 Nov) → 1; change +5, ratio 5.
    expect(acme?.windows[1]).toMatchObject({
      days: 90,
      from: '2025-12-02T12:00:00.000Z',
      meetings: 6,
      totalMinutes: 345,
      averageMinutes: 57.5,
      medianDaysBetween: 7,
      invitedCustomerAttendees: 12,
      acceptedCustomerAttendees: 7,
      attendanceRate: 0.58,
      stakeholdersMet: 3,
      executivesMet: 2,
      executiveMeetings: 2,
      previousMeetings: 1,
      change: 5,
      changeRatio: 5,
    });
  });

  it('365 days [2025-03-02T12:00Z, now)', () => {
    // Adds M12 (1 Jun 2025) and M13 (15 Nov 2025): 8 held, 465', average 58.125 → 58.13.
    // Gaps: 1 Jun → 15 Nov = 167 d, 15 Nov → 20 Dec = 35 d, then 26 5 22 7 7 → sorted 5 7 7 22 26 35 167 → 22.
    // Previous [2024-03-02T12:00Z, 2025-03-02T12:00Z): M17 (1 Dec 2024) → 1; change +7, ratio 7.
    expect(acme?.windows[2]).toMatchObject({
      days: 365,
      meetings: 8,
      totalMinutes: 465,
      averageMinutes: 58.13,
      medianDaysBetween: 22,
      attendanceRate: 0.58,
      previousMeetings: 1,
      change: 7,
      changeRatio: 7,
    });
  });

  it('last and next meeting: held ones only', () => {
    // M5 (27 Feb) was declined, so the last held meeting is M1; the next is M6 (4 Mar).
    expect(acme?.lastMeeting).toEqual({ meetingId: 'M1', start: '2026-02-25T10:00:00.000Z' });
    expect(acme?.nextMeeting).toEqual({ meetingId: 'M6', start: '2026-03-04T10:00:00.000Z' });
  });

  it('weekly series (Monday weeks, UTC; the current week stops at now)', () => {
    expect(acme?.weekly).toEqual([
      { weekStart: '2026-02-09', meetings: 1, minutes: 45, cancelled: 0, declined: 0, stakeholdersMet: 1 },
      { weekStart: '2026-02-16', meetings: 1, minutes: 30, cancelled: 1, declined: 0, stakeholdersMet: 1 },
      { weekStart: '2026-02-23', meetings: 1, minutes: 60, cancelled: 0, declined: 2, stakeholdersMet: 2 },
      // M6 (Wednesday 4 March) is in this week but after now.
      { weekStart: '2026-03-02', meetings: 0, minutes: 0, cancelled: 0, declined: 0, stakeholdersMet: 0 },
    ]);
  });

  it('a customer with one meeting: no frequency, no trend ratio', () => {
    expect(all.get('globex')?.windows[0]).toMatchObject({
      meetings: 1,
      medianDaysBetween: null,
      attendanceRate: 1,
      previousMeetings: 0,
      changeRatio: null,
    });
    expect(all.get('globex')?.nextMeeting).toBeNull();
  });

  it('the aggregate gives the same figures, also after updates and removals', () => {
    const agg = new MetricsAggregator(options);
    for (const m of FIXTURE) agg.upsert(m);
    expect(metricsFromAggregate(agg, NOW)).toEqual(all);
    // Moving M1 to globex and removing M2 changes both customers; the aggregate follows exactly.
    const m1 = FIXTURE.find((m) => m.id === 'M1');
    if (!m1) throw new Error('fixture');
    expect(agg.upsert({ ...m1, customerId: 'globex' })).toEqual(['acme', 'globex']);
    agg.remove('M2');
    const changed = FIXTURE.filter((m) => m.id !== 'M2').map((m) =>
      m.id === 'M1' ? { ...m, customerId: 'globex' } : m,
    );
    expect(metricsFromAggregate(agg, NOW)).toEqual(computeMetrics(changed, NOW, options));
    expect(customerMetricsFromAggregate(agg, 'acme', NOW)?.windows[0]?.meetings).toBe(1);
    expect(customerMetricsFromAggregate(agg, 'nobody', NOW)).toBeNull();
  });

  it('rejects a bad instant and bad options with validation_failed', () => {
    expect(() => computeMetrics(FIXTURE, 'yesterday')).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    try {
      computeMetrics(FIXTURE, NOW, { windowsDays: [0] });
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e, 'validation_failed')).toBe(true);
    }
  });
});

describe('isExecutiveRole', () => {
  const roles = new Set(['vp', 'c-level', 'chief', 'cfo', 'sponsor']);
  it.each([
    ['VP Sales', true],
    ['Chief Financial Officer', true],
    ['C-Level', true],
    ['Executive Sponsor', true],
    ['Engineer', false],
    ['Vpn admin', false],
    [null, false],
  ])('%s → %s', (role, expected) => {
    expect(isExecutiveRole(role, roles)).toBe(expected);
  });
});
