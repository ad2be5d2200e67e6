// Recurrence expansion of the Google emulator: DST-correct wall-clock times, EXDATE, UNTIL in UTC, all-day series.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { GEvent } from './model.js';
import { expandStarts, instanceStamp } from './recurrence.js';

function master(start: GEvent['start'], end: GEvent['end'], recurrence: string[]): GEvent {
  return {
    id: 'm1234',
    status: 'confirmed',
    start,
    end,
    recurrence,
    iCalUID: 'x',
    sequence: 0,
    organizer: { email: 'a@x.com' },
    creator: { email: 'a@x.com' },
    reminders: { useDefault: true },
    eventType: 'default',
    created: '',
    updated: '',
    seq: 1,
  };
}

const window = (from: string, to: string) =>
  [DateTime.fromISO(from, { zone: 'utc' }), DateTime.fromISO(to, { zone: 'utc' })] as const;

describe('expandStarts', () => {
  it('keeps 09:00 Berlin time across the March DST change (offsets +01:00 then +02:00)', () => {
    const m = master(
      { dateTime: '2027-03-15T09:00:00', timeZone: 'Europe/Berlin' },
      { dateTime: '2027-03-15T09:30:00', timeZone: 'Europe/Berlin' },
      ['RRULE:FREQ=WEEKLY;COUNT=4'],
    );
    const starts = expandStarts(m, 'UTC', ...window('2027-03-01T00:00:00Z', '2027-05-01T00:00:00Z'));
    expect(starts.map((s) => s.toFormat('yyyy-LL-dd HH:mm ZZ'))).toEqual([
      '2027-03-15 09:00 +01:00',
      '2027-03-22 09:00 +01:00',
      '2027-03-29 09:00 +02:00',
      '2027-04-05 09:00 +02:00',
    ]);
    expect(starts.map((s) => s.toUTC().hour)).toEqual([8, 8, 7, 7]);
  });

  it('drops EXDATEs (with TZID or in UTC) and honours UNTIL given in UTC', () => {
    const m = master(
      { dateTime: '2026-03-02T09:00:00', timeZone: 'Europe/Berlin' },
      { dateTime: '2026-03-02T09:15:00', timeZone: 'Europe/Berlin' },
      [
        'RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260312T080000Z',
        'EXDATE;TZID=Europe/Berlin:20260304T090000',
        'EXDATE:20260309T080000Z',
      ],
    );
    const starts = expandStarts(m, 'UTC', ...window('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z'));
    expect(starts.map((s) => s.toFormat('LL-dd'))).toEqual(['03-02', '03-11']);
  });

  it('expands all-day series by date and names instances with the date stamp', () => {
    const m = master({ date: '2026-12-24' }, { date: '2026-12-25' }, ['RRULE:FREQ=DAILY;COUNT=3']);
    const starts = expandStarts(m, 'America/New_York', ...window('2026-12-01T00:00:00Z', '2027-01-10T00:00:00Z'));
    expect(starts.map((s) => instanceStamp(s, true))).toEqual(['20261224', '20261225', '20261226']);
  });

  it('returns only instances overlapping the window', () => {
    const m = master(
      { dateTime: '2026-01-05T10:00:00Z', timeZone: 'UTC' },
      { dateTime: '2026-01-05T11:00:00Z', timeZone: 'UTC' },
      ['RRULE:FREQ=DAILY'],
    );
    const starts = expandStarts(m, 'UTC', ...window('2026-02-01T10:30:00Z', '2026-02-03T10:00:00Z'));
    expect(starts.map((s) => s.toUTC().toISO())).toEqual(['2026-02-01T10:00:00.000Z', '2026-02-02T10:00:00.000Z']);
  });
});
