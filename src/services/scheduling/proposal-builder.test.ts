// The preview's local times: localTimeLabel writes what luxon's toFormat("yyyy-MM-dd'T'HH:mm ZZZZ") writes.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { localTimeLabel } from './proposal-builder.js';

const viaLuxon = (instant: string, zone: string) => {
  const dt = DateTime.fromISO(instant, { zone });
  return dt.isValid ? dt.toFormat("yyyy-MM-dd'T'HH:mm ZZZZ") : null;
};

describe('localTimeLabel', () => {
  it('writes the same text as luxon in every zone Intl knows, around the year and its clock changes', () => {
    const zones = Intl.supportedValuesOf('timeZone');
    expect(zones.length).toBeGreaterThan(300);
    const instants = [
      '2026-01-01T00:00:00.000Z',
      '2026-03-08T06:59:59.999Z',
      '2026-03-08T07:00:00.000Z',
      '2026-03-29T00:30:00.000Z',
      '2026-03-29T01:30:00.000Z',
      '2026-06-30T23:45:00.000Z',
      '2026-10-25T00:59:00.000Z',
      '2026-10-25T01:00:00.000Z',
      '2026-11-01T05:30:00.000Z',
      '2026-12-31T23:59:00.000Z',
      '2000-02-29T12:00:00Z',
      '2038-01-19T03:14:07.5Z',
    ];
    let n = 0;
    for (const zone of [...zones, 'europe/berlin', 'Etc/GMT+5', 'America/Argentina/Buenos_Aires'])
      for (const instant of instants) {
        expect(localTimeLabel(instant, zone), `${instant} in ${zone}`).toBe(viaLuxon(instant, zone));
        n++;
      }
    expect(n).toBeGreaterThan(3000);
  });

  it('answers as luxon for other zones and instants, and null without a zone or for an invalid one', () => {
    for (const zone of ['UTC', 'utc', 'GMT', 'EST', 'CET', 'Japan', 'UTC+2', 'Mars/Olympus_Mons', 'Europe/Nowhere'])
      for (const instant of ['2026-05-04T10:00:00.000Z', '2026-05-04T12:00:00+02:00', '1969-07-20T20:17:00Z', 'x'])
        expect(localTimeLabel(instant, zone), `${instant} in ${zone}`).toBe(viaLuxon(instant, zone));
    expect(localTimeLabel('1950-01-01T00:00:00.000Z', 'Africa/Monrovia')).toBe(
      viaLuxon('1950-01-01T00:00:00.000Z', 'Africa/Monrovia'),
    );
    expect(localTimeLabel('2026-05-04T10:00:00.000Z', null)).toBeNull();
    expect(localTimeLabel('2026-05-04T10:00:00.000Z', 'Europe/Berlin')).toBe('2026-05-04T12:00 GMT+2');
    expect(localTimeLabel('2026-01-04T10:00:00.000Z', 'America/New_York')).toBe('2026-01-04T05:00 EST');
  });
});
