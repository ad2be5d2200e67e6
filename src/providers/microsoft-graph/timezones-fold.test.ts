// Wall times in a DST fold read the same whatever the date the code runs on (luxon guesses by today's offset).
import { DateTime, Settings } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { isWallTimeUnambiguous, wallTimeToInstant } from './timezones.js';

const realNow = Settings.now;
afterEach(() => {
  Settings.now = realNow;
});

// A winter and a summer day in both hemispheres' sense: the offsets "now" differ in every zone used below.
describe.each(['2026-12-12T10:00:00Z', '2027-07-15T10:00:00Z'])('on %s', (today) => {
  const pin = () => {
    const ms = Date.parse(today);
    Settings.now = () => ms;
    expect(DateTime.now().toUTC().toISO()).toBe(new Date(ms).toISOString());
  };

  it('reads a time in the repeated hour as its later (standard-time) instant', () => {
    pin();
    // 01:30 on 1 November 2026 in Los Angeles is 08:30Z (PDT) and 09:30Z (PST).
    expect(wallTimeToInstant('2026-11-01T01:30:00', 'America/Los_Angeles')).toBe('2026-11-01T09:30:00.000Z');
    // 02:30 on 25 October 2026 in Berlin is 00:30Z (CEST) and 01:30Z (CET).
    expect(wallTimeToInstant('2026-10-25T02:30:00', 'Europe/Berlin')).toBe('2026-10-25T01:30:00.000Z');
    // 02:30 on 4 April 2027 in Sydney is 15:30Z the day before (AEDT) and 16:30Z (AEST).
    expect(wallTimeToInstant('2027-04-04T02:30:00', 'Australia/Sydney')).toBe('2027-04-03T16:30:00.000Z');
  });

  it('finds only the earlier instant of a fold ambiguous, so drafts write it in UTC', () => {
    pin();
    expect(isWallTimeUnambiguous('2026-11-01T08:30:00.000Z', 'America/Los_Angeles')).toBe(false);
    expect(isWallTimeUnambiguous('2026-11-01T09:30:00.000Z', 'America/Los_Angeles')).toBe(true);
    expect(isWallTimeUnambiguous('2026-11-01T07:30:00.000Z', 'America/Los_Angeles')).toBe(true);
    expect(isWallTimeUnambiguous('2026-10-25T00:30:00.000Z', 'Europe/Berlin')).toBe(false);
  });

  it('leaves ordinary times and the skipped hour as before', () => {
    pin();
    expect(wallTimeToInstant('2026-07-01T09:00:00', 'America/Los_Angeles')).toBe('2026-07-01T16:00:00.000Z');
    expect(wallTimeToInstant('2026-12-01T09:00:00', 'Europe/Berlin')).toBe('2026-12-01T08:00:00.000Z');
    // 02:30 on 29 March 2026 does not exist in Berlin; luxon moves it an hour on (03:30 CEST).
    expect(wallTimeToInstant('2026-03-29T02:30:00', 'Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z');
    expect(wallTimeToInstant('2026-11-01T01:30:00', 'UTC')).toBe('2026-11-01T01:30:00.000Z');
  });
});
