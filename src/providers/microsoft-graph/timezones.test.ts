// Tests for Windows ↔ IANA resolution, Outlook's custom/legacy zone names and DST-correct Graph date-time conversion.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { DateTime } from 'luxon';
import { WINDOWS_TO_IANA_MAP } from 'windows-iana';
import {
  graphDateTimeToInstant,
  ianaToWindows,
  instantToGraphDateTime,
  instantToLocal,
  resolveCustomTimeZone,
  resolveTimeZone,
  resolveTimeZoneBase,
  toGraphTimeZone,
  wallTimeToInstant,
  windowsToIana,
} from './timezones.js';
import { isAppError } from '../../domain/errors.js';

describe('windowsToIana / ianaToWindows', () => {
  it('maps common Windows names to current IANA names, case-insensitively', () => {
    expect(windowsToIana('Pacific Standard Time')).toBe('America/Los_Angeles');
    expect(windowsToIana('pacific standard time')).toBe('America/Los_Angeles');
    expect(windowsToIana('W. Europe Standard Time')).toBe('Europe/Berlin');
    expect(windowsToIana('India Standard Time')).toBe('Asia/Kolkata');
    expect(windowsToIana('FLE Standard Time')).toBe('Europe/Kyiv');
    expect(windowsToIana('Not A Zone')).toBeNull();
  });

  it('maps IANA names and their aliases back to Windows names', () => {
    expect(ianaToWindows('America/Los_Angeles')).toBe('Pacific Standard Time');
    expect(ianaToWindows('US/Pacific')).toBe('Pacific Standard Time');
    expect(ianaToWindows('Asia/Kolkata')).toBe('India Standard Time');
    expect(ianaToWindows('Europe/Kyiv')).toBe('FLE Standard Time');
    expect(ianaToWindows('UTC')).toBe('UTC');
    expect(ianaToWindows('Mars/Olympus_Mons')).toBeNull();
    expect(toGraphTimeZone('Mars/Olympus_Mons')).toBe('Mars/Olympus_Mons');
  });

  it('round-trips every Windows zone through its IANA name', () => {
    const names = new Set(WINDOWS_TO_IANA_MAP.filter((e) => e.territory === '001').map((e) => e.windowsName));
    for (const name of names) {
      const iana = windowsToIana(name);
      expect(iana, name).not.toBeNull();
      // Several Windows zones can share one IANA zone only through aliases; the main zone maps back to itself.
      expect(windowsToIana(ianaToWindows(iana as string) as string), name).toBe(iana);
    }
  });
});

describe('resolveTimeZone', () => {
  it.each([
    ['Pacific Standard Time', 'America/Los_Angeles', 'windows', true],
    ['Europe/Berlin', 'Europe/Berlin', 'iana', true],
    ['Asia/Calcutta', 'Asia/Kolkata', 'iana', true],
    ['UTC', 'UTC', 'utc', true],
    ['tzone://Microsoft/Utc', 'UTC', 'utc', true],
    ['Etc/GMT', 'UTC', 'utc', true],
    ['PST', 'America/Los_Angeles', 'abbreviation', false],
    ['CEST', 'Europe/Paris', 'abbreviation', false],
    ['(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna', 'Etc/GMT-1', 'offset', false],
    ['(UTC-08:00) Pacific Time (US & Canada)', 'Etc/GMT+8', 'offset', false],
    ['tzone://Microsoft/Custom', 'UTC', 'fallback', false],
    ['Customized Time Zone', 'UTC', 'fallback', false],
    ['', 'UTC', 'fallback', false],
    ['originalStartTimeZone-value', 'UTC', 'fallback', false],
  ] as const)('%s → %s (%s)', (name, iana, source, exact) => {
    expect(resolveTimeZone(name)).toEqual({ iana, source, exact, input: name });
  });

  it('uses the given fallback for unknown names and null', () => {
    expect(resolveTimeZone(null, 'Europe/Berlin')).toEqual({
      iana: 'Europe/Berlin',
      source: 'fallback',
      exact: false,
      input: null,
    });
    expect(resolveTimeZone('tzone://Microsoft/Custom', 'Asia/Tokyo').iana).toBe('Asia/Tokyo');
  });
});

describe('custom time zones', () => {
  const pacificLike = {
    '@odata.type': '#microsoft.graph.customTimeZone',
    bias: 480,
    name: 'Customized Time Zone',
    standardOffset: { time: '02:00:00.0000000', dayOccurrence: 1, dayOfWeek: 'sunday', month: 11, year: 0 },
    daylightOffset: {
      daylightBias: -60,
      time: '02:00:00.0000000',
      dayOccurrence: 2,
      dayOfWeek: 'sunday',
      month: 3,
      year: 0,
    },
  } as const;

  it('finds an IANA zone following the same rules (US Pacific)', () => {
    expect(resolveCustomTimeZone(pacificLike)).toEqual({
      iana: 'America/Los_Angeles',
      source: 'custom',
      exact: false,
      input: 'Customized Time Zone',
    });
  });

  it('matches a southern-hemisphere rule (Sydney: DST first Sunday of October to first Sunday of April)', () => {
    const sydney = {
      bias: -600,
      standardOffset: { time: '03:00:00', dayOccurrence: 1, dayOfWeek: 'sunday', month: 4, year: 0 },
      daylightOffset: {
        daylightBias: -60,
        time: '02:00:00',
        dayOccurrence: 1,
        dayOfWeek: 'sunday',
        month: 10,
        year: 0,
      },
    } as const;
    const resolved = resolveCustomTimeZone(sydney);
    expect(resolved.source).toBe('custom');
    expect(['Australia/Sydney', 'Australia/Melbourne', 'Australia/Hobart']).toContain(resolved.iana);
  });

  it('resolves a custom zone without DST to a zone at that offset all year', () => {
    const resolved = resolveCustomTimeZone({ bias: -180, name: 'Customized Time Zone' });
    expect(resolved.exact).toBe(false);
    for (const month of [1, 7])
      expect(DateTime.fromObject({ year: 2026, month, day: 1 }, { zone: resolved.iana }).offset).toBe(180);
    // An offset no named zone uses all year ends as a fixed Etc zone.
    expect(resolveCustomTimeZone({ bias: 720 }).iana).toBe('Etc/GMT+12');
  });

  it('falls back, flagged, for a rule no real zone follows', () => {
    const odd = {
      bias: -200,
      name: 'Customized Time Zone',
      standardOffset: { time: '02:00:00.0000000', dayOccurrence: 4, dayOfWeek: 'sunday', month: 5, year: 0 },
      daylightOffset: {
        daylightBias: -100,
        time: '02:00:00.0000000',
        dayOccurrence: 2,
        dayOfWeek: 'sunday',
        month: 10,
        year: 0,
      },
    } as const;
    expect(resolveCustomTimeZone(odd, 'Europe/London')).toEqual({
      iana: 'Europe/London',
      source: 'fallback',
      exact: false,
      input: 'Customized Time Zone',
    });
  });

  it('resolveTimeZoneBase prefers the name and uses the definition only for custom zones', () => {
    expect(resolveTimeZoneBase({ name: 'Tokyo Standard Time' }).iana).toBe('Asia/Tokyo');
    expect(resolveTimeZoneBase(pacificLike).iana).toBe('America/Los_Angeles');
    expect(resolveTimeZoneBase(null).source).toBe('fallback');
  });
});

describe('Graph date-time conversion', () => {
  it('converts Pacific wall times to UTC on both sides of the DST changes', () => {
    const pst = (dateTime: string) => graphDateTimeToInstant({ dateTime, timeZone: 'Pacific Standard Time' });
    expect(pst('2026-03-07T09:00:00.0000000')).toBe('2026-03-07T17:00:00.000Z'); // PST, UTC-8
    expect(pst('2026-03-09T09:00:00.0000000')).toBe('2026-03-09T16:00:00.000Z'); // PDT, UTC-7
    expect(pst('2026-10-31T09:00:00.0000000')).toBe('2026-10-31T16:00:00.000Z');
    expect(pst('2026-11-02T09:00:00.0000000')).toBe('2026-11-02T17:00:00.000Z');
    expect(pst('2026-03-08T03:30:00')).toBe('2026-03-08T10:30:00.000Z');
  });

  it('reads the UTC wall times Graph returns under Prefer: outlook.timezone="UTC"', () => {
    expect(graphDateTimeToInstant({ dateTime: '2026-03-08T15:00:00.0000000', timeZone: 'UTC' })).toBe(
      '2026-03-08T15:00:00.000Z',
    );
    expect(graphDateTimeToInstant({ dateTime: '2026-03-08T15:00:00.1234567', timeZone: 'tzone://Microsoft/Utc' })).toBe(
      '2026-03-08T15:00:00.123Z',
    );
    expect(wallTimeToInstant('2026-03-08T15:00:00+01:00', 'America/New_York')).toBe('2026-03-08T14:00:00.000Z');
  });

  it('reads plain UTC wall times (read without luxon) as luxon does, impossible dates included', () => {
    const cases = [
      '2026-12-15T21:30:00.0000000',
      '2026-12-15T21:30:00',
      '2024-02-29T23:59:59.0',
      '2026-02-29T10:00:00.0000000',
      '2026-04-31T10:00:00.0000000',
      '2026-01-01T24:00:00.0000000',
      '2026-00-10T10:00:00',
      '0050-06-01T10:00:00',
      '2026-03-08T15:00:00.5000000',
    ];
    for (const dateTime of cases) {
      const ref = DateTime.fromISO(dateTime, { zone: 'UTC' });
      let ours: string | null = null;
      try {
        ours = wallTimeToInstant(dateTime, 'UTC');
      } catch (e) {
        expect(isAppError(e, 'provider_error'), dateTime).toBe(true);
      }
      expect(ours, dateTime).toBe(ref.isValid ? ref.toUTC().toISO() : null);
    }
  });

  it('writes UTC instants as UTC wall times (read without luxon) as luxon does', () => {
    const cases = [
      '2026-12-15T00:00:00.000Z',
      '2026-12-15T23:59:59.999Z',
      '2026-02-29T10:00:00Z',
      '2024-02-29T10:00:00.5Z',
      '2026-01-01T24:00:00Z',
      '2026-06-01T10:00:00+02:00',
    ];
    for (const instant of cases) {
      const luxon = (
        DateTime.fromISO(instant, { zone: 'UTC' })
          .setZone('UTC')
          .toISO({ includeOffset: false, suppressMilliseconds: true }) ?? ''
      ).slice(0, 19);
      expect(instantToLocal(instant, 'UTC'), instant).toBe(luxon);
    }
  });

  it('rejects a malformed date-time with a provider_error, not a crash', () => {
    for (const bad of ['not a date', '2026-13-45T99:00:00', '']) {
      let caught: unknown = null;
      try {
        wallTimeToInstant(bad, 'UTC');
      } catch (e) {
        caught = e;
      }
      expect(isAppError(caught, 'provider_error'), bad).toBe(true);
    }
  });

  it('writes instants as local time in the event zone with the Windows name', () => {
    expect(instantToGraphDateTime('2026-07-01T16:00:00.000Z', 'America/Los_Angeles')).toEqual({
      dateTime: '2026-07-01T09:00:00',
      timeZone: 'Pacific Standard Time',
    });
    expect(instantToGraphDateTime('2026-01-15T08:00:00.000Z', 'Europe/Berlin')).toEqual({
      dateTime: '2026-01-15T09:00:00',
      timeZone: 'W. Europe Standard Time',
    });
    expect(instantToLocal('2026-01-15T08:00:00.000Z', 'UTC')).toBe('2026-01-15T08:00:00');
  });

  it('does not depend on the host time zone', () => {
    // In-process check; the child-process suite below repeats conversions under other host zones.
    const instant = graphDateTimeToInstant({ dateTime: '2026-06-01T00:00:00', timeZone: 'Tokyo Standard Time' });
    expect(instant).toBe('2026-05-31T15:00:00.000Z');
    expect(instantToGraphDateTime(instant, 'Asia/Tokyo').dateTime).toBe('2026-06-01T00:00:00');
  });
});

describe('host time zone independence (child processes with different TZ)', () => {
  // The same conversions run in Node processes whose host zone differs; every result must be identical.
  const modules = ['timezones', 'recurrence', 'mapping'].map((m) => new URL(`./${m}.ts`, import.meta.url).href);
  const probe = `
    const [tz, rec, map] = await Promise.all(${JSON.stringify(modules)}.map((u) => import(u)));
    const out = {
      host: Intl.DateTimeFormat().resolvedOptions().timeZone,
      pst: tz.graphDateTimeToInstant({ dateTime: '2026-03-08T03:30:00', timeZone: 'Pacific Standard Time' }),
      local: tz.instantToGraphDateTime('2026-10-25T00:30:00.000Z', 'Europe/London'),
      until: rec.rruleToPatternedRecurrence('FREQ=DAILY;UNTIL=20261231T230000Z', { startLocal: '2026-01-05T09:00:00', timeZone: 'Europe/Berlin' }),
      allDay: map.graphEventToCalendarEvent({ id: 'a', isAllDay: true, originalStartTimeZone: 'Tokyo Standard Time',
        start: { dateTime: '2026-12-24T00:00:00.0000000', timeZone: 'UTC' }, end: { dateTime: '2026-12-25T00:00:00.0000000', timeZone: 'UTC' } }),
      draft: map.draftToGraphEvent({ subject: 's', start: '2026-03-29T00:30:00.000Z', end: '2026-03-29T01:30:00.000Z', timeZone: 'Europe/Berlin' }),
    };
    console.log(JSON.stringify(out));`;
  const run = (zone: string) =>
    JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
        env: { TZ: zone },
        encoding: 'utf8',
      }),
    ) as Record<string, unknown>;

  it('gives the same results under UTC, America/New_York, Asia/Tokyo and Pacific/Auckland', () => {
    const reference = run('UTC');
    expect(reference.host).toBe('UTC');
    expect(reference.pst).toBe('2026-03-08T10:30:00.000Z');
    expect(reference.local).toEqual({ dateTime: '2026-10-25T01:30:00', timeZone: 'GMT Standard Time' });
    expect((reference.draft as { start: unknown }).start).toEqual({
      dateTime: '2026-03-29T01:30:00',
      timeZone: 'W. Europe Standard Time',
    });
    for (const zone of ['America/New_York', 'Asia/Tokyo', 'Pacific/Auckland']) {
      const other = run(zone);
      expect(other.host).toBe(zone);
      expect({ ...other, host: 'UTC' }).toEqual(reference);
    }
  });
});
