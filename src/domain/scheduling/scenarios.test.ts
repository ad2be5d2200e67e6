// Property tests: the suggestion engine's invariants on generated scenarios (fast-check) and generator determinism.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { isCovered, workingHoursWindows } from './freebusy.js';
import { generateScenario } from './scenarios.js';
import { DEFAULT_MAX_CANDIDATES, suggestMeetingTimes } from './suggest.js';
import type { MeetingTimeSuggestion } from './types.js';

const overlaps = (a: { start: string; end: string }, b: { start: string; end: string }): boolean =>
  Date.parse(a.start) < Date.parse(b.end) && Date.parse(b.start) < Date.parse(a.end);

/** The engine's documented ordering key (confidence high → low, then chronological). */
function key(s: MeetingTimeSuggestion): number[] {
  return [-s.confidence, Date.parse(s.start)];
}

const lexLE = (a: number[], b: number[]): boolean => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return true;
};

describe('generateScenario', () => {
  it('is deterministic per seed and differs between seeds', () => {
    expect(generateScenario(7)).toEqual(generateScenario(7));
    expect(generateScenario(7)).not.toEqual(generateScenario(8));
  });

  it('gives every attendee, external and room a schedule in the free/busy answer', () => {
    for (let seed = 0; seed < 30; seed++) {
      const s = generateScenario(seed);
      const emails = new Set(s.availability.schedules.map((x) => x.email));
      for (const a of [
        ...s.constraint.attendees.map((x) => x.email),
        ...(s.constraint.rooms ?? []),
        s.organizer.email,
      ]) {
        expect(emails.has(a)).toBe(true);
      }
      expect(s.availability.schedules.filter((x) => x.status === 'unknown')).toHaveLength(s.externals.length);
    }
  });
});

describe('suggestMeetingTimes properties', () => {
  it('holds its invariants on generated scenarios', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const s = generateScenario(seed);
        const c = s.constraint;
        const r = suggestMeetingTimes(c, s.availability, s.organizer);
        expect(r.suggestions.length).toBeLessThanOrEqual(c.maxCandidates ?? DEFAULT_MAX_CANDIDATES);
        expect(r.emptySuggestionsReason === '').toBe(r.suggestions.length > 0);
        const domain = c.activityDomain ?? 'work';
        const orgHours =
          domain === 'unrestricted'
            ? null
            : workingHoursWindows(s.organizer.workingHours, c.window, { allDays: domain === 'personal' });
        for (const sug of r.suggestions) {
          // Inside the window, with the requested duration, on a half hour of the organizer's clock.
          expect(Date.parse(sug.start)).toBeGreaterThanOrEqual(Date.parse(c.window.start));
          expect(Date.parse(sug.end)).toBeLessThanOrEqual(Date.parse(c.window.end));
          expect(Date.parse(sug.end) - Date.parse(sug.start)).toBe(c.durationMinutes * 60_000);
          expect(DateTime.fromISO(sug.start, { zone: c.timeZone ?? 'UTC' }).minute % 30).toBe(0);
          if (orgHours) expect(isCovered(orgHours, Date.parse(sug.start), Date.parse(sug.end))).toBe(true);
          if (sug.confidence === 100 && c.attendees.length > 0) {
            for (const a of s.attendees.filter((x) => x.type === 'required')) {
              const blocking = a.busy.filter((b) => b.status !== 'workingElsewhere');
              expect(blocking.some((b) => overlaps(b, sug))).toBe(false);
            }
            expect(s.externals.filter((e) => e.type === 'required')).toHaveLength(0);
          }
          expect(sug.confidence).toBeGreaterThanOrEqual(c.minimumAttendeePercentage ?? 50);
          if ((c.rooms ?? []).length > 0) expect(sug.rooms.length).toBeGreaterThan(0);
        }
        for (let i = 1; i < r.suggestions.length; i++) {
          expect(lexLE(key(r.suggestions[i - 1]!), key(r.suggestions[i]!))).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
