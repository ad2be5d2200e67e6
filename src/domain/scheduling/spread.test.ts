// Unit tests for spreading suggestions across days and parts of the day, and for their plain-words reasons.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { BusyItem, WorkingHours } from '../calendar.js';
import { dayPart, plainReason, SPREAD_POOL, spreadSuggestions } from './spread.js';
import { suggestMeetingTimes } from './suggest.js';
import type { FreeBusyResult, MeetingTimeSuggestion, ScheduleAvailability } from './types.js';

const NYZ = 'America/New_York';
const local = (iso: string) => DateTime.fromISO(iso, { zone: NYZ }).toFormat('ccc HH:mm');
const NY: WorkingHours = {
  daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
  startTime: '09:00:00',
  endTime: '17:00:00',
  timeZone: NYZ,
};
const ORG = 'org@contoso.example';
const ok = (email: string, items: BusyItem[] = []): ScheduleAvailability => ({
  email,
  status: 'ok',
  items,
  workingHours: NY,
  availabilityView: '',
});
/** Monday 9 March – Friday 13 March 2026 in New York. */
const WEEK = { start: '2026-03-09T13:00:00.000Z', end: '2026-03-13T21:00:00.000Z' };

function engine(schedules: ScheduleAvailability[], max = SPREAD_POOL): MeetingTimeSuggestion[] {
  const fb: FreeBusyResult = { range: WEEK, intervalMinutes: 30, schedules };
  return suggestMeetingTimes(
    {
      attendees: [{ email: 'ann@contoso.example', type: 'required' }],
      window: WEEK,
      durationMinutes: 60,
      timeZone: NYZ,
      maxCandidates: max,
    },
    fb,
    { email: ORG, workingHours: NY },
  ).suggestions;
}

describe('spreadSuggestions', () => {
  it('turns a free week (the engine’s first five all on Monday morning) into one slot per day', () => {
    const ranked = engine([ok(ORG), ok('ann@contoso.example')]);
    expect(ranked.slice(0, 5).map((s) => local(s.start))).toEqual([
      'Mon 09:00',
      'Mon 09:30',
      'Mon 10:00',
      'Mon 10:30',
      'Mon 11:00',
    ]);
    const picked = spreadSuggestions(ranked, 5, NYZ);
    expect(picked).toHaveLength(5);
    const days = picked.map((s) => local(s.start).slice(0, 3));
    expect(new Set(days).size).toBe(5);
    // not all at the same time of day either
    const parts = new Set(picked.map((s) => dayPart(DateTime.fromISO(s.start, { zone: NYZ }).hour)));
    expect(parts.size).toBeGreaterThanOrEqual(2);
  });

  it('keeps two picks on one day at least two hours apart when only one day is free', () => {
    // Ann is busy every day but Wednesday
    const busy = ['09', '10', '12', '13'].map((d) => ({
      start: `2026-03-${d}T13:00:00Z`,
      end: `2026-03-${d}T21:00:00Z`,
      status: 'busy' as const,
    }));
    const ranked = engine([ok(ORG), ok('ann@contoso.example', busy)]);
    const picked = spreadSuggestions(ranked, 4, NYZ);
    expect(picked.length).toBe(4);
    expect(picked.every((s) => local(s.start).startsWith('Wed'))).toBe(true);
    const starts = picked.map((s) => Date.parse(s.start)).sort((a, b) => a - b);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(2 * 3_600_000);
  });

  it('prefers a fully free slot on a used day over a half-known one on a new day, and ranks best first', () => {
    const s = (start: string, confidence: number) => ({ start, confidence });
    const ranked = [
      s('2026-03-09T14:00:00Z', 100), // Mon 10:00
      s('2026-03-09T18:00:00Z', 100), // Mon 14:00
      s('2026-03-10T14:00:00Z', 49), // Tue 10:00
    ];
    const picked = spreadSuggestions(ranked, 2, NYZ);
    expect(picked.map((p) => local(p.start))).toEqual(['Mon 10:00', 'Mon 14:00']);
    expect(spreadSuggestions(ranked, 3, NYZ).map((p) => p.confidence)).toEqual([100, 100, 49]);
  });

  it('returns what there is when there are fewer candidates than asked, and nothing for nothing', () => {
    expect(spreadSuggestions([{ start: '2026-03-09T14:00:00Z', confidence: 100 }], 5, NYZ)).toHaveLength(1);
    expect(spreadSuggestions([], 5, NYZ)).toEqual([]);
  });
});

describe('plainReason', () => {
  const ctx = {
    organizer: ORG,
    internalDomains: ['contoso.example'],
    names: new Map([['ann@contoso.example', 'Ann Lee']]),
    organisations: new Map([['acme.example', 'Acme']]),
  };
  it('names the customer whose calendars are not visible and what the time is based on', () => {
    const r = plainReason(
      {
        organizerAvailability: 'free',
        attendeeAvailability: [
          { email: 'ann@contoso.example', availability: 'free' },
          { email: 'bob@acme.example', availability: 'unknown' },
          { email: 'cy@acme.example', availability: 'unknown' },
        ],
      },
      ctx,
    );
    expect(r).toBe('Acme’s calendars aren’t visible: based on yours and your team’s.');
  });
  it('says everyone is free, or who is tentative, in words without Graph status names', () => {
    expect(
      plainReason(
        {
          organizerAvailability: 'free',
          attendeeAvailability: [
            { email: 'ann@contoso.example', availability: 'free' },
            { email: 'dan@contoso.example', availability: 'free' },
          ],
        },
        ctx,
      ),
    ).toBe('Everyone is free.');
    const t = plainReason(
      {
        organizerAvailability: 'free',
        attendeeAvailability: [{ email: 'ann@contoso.example', availability: 'tentative' }],
      },
      ctx,
    );
    expect(t).toBe('Ann Lee has a tentative meeting then.');
    expect(t).not.toMatch(/oof|workingElsewhere|not_found|%/);
  });
  it('falls back to the domain for an organisation without a name', () => {
    const r = plainReason(
      { organizerAvailability: 'free', attendeeAvailability: [{ email: 'x@other.example', availability: 'unknown' }] },
      ctx,
    );
    expect(r).toBe('Calendars at other.example aren’t visible: based on yours.');
  });
});
