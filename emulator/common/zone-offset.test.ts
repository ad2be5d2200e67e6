// Zone offsets without luxon give luxon’s answers: offsets every 30 minutes of two years in zones with DST at 02:00,
// at midnight, of 30 minutes and of 45 minutes; local times to instants through gaps and overlaps, with luxon's
// provisional "now" on either side of a switch.
import { DateTime, IANAZone, Settings } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { formatWall, instantOfWall, wallOf, zoneOffsetMinutes } from './zone-offset.js';

const ZONES = [
  'America/Los_Angeles',
  'Europe/London',
  'Europe/Berlin',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'America/Santiago',
  'America/St_Johns',
  'Asia/Kolkata',
  'Pacific/Chatham',
  'UTC',
];
const START = Date.UTC(2025, 0, 1);
const END = Date.UTC(2027, 0, 1);

afterEach(() => {
  Settings.now = () => Date.now();
});

describe('zone offsets without luxon', () => {
  it('equal luxon’s at every half hour of two years', () => {
    for (const zone of ZONES) {
      const z = IANAZone.create(zone);
      const wrong: string[] = [];
      for (let ms = START; ms < END; ms += 1_800_000) {
        if (zoneOffsetMinutes(ms, zone) !== z.offset(ms)) wrong.push(new Date(ms).toISOString());
        if (wrong.length > 3) break;
      }
      expect(wrong, zone).toEqual([]);
    }
  });

  it('turn local times into luxon’s instants, in gaps and overlaps too', () => {
    for (const zone of ZONES) {
      const z = IANAZone.create(zone);
      // the days around each switch of 2026
      const switches: number[] = [];
      for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2027, 0, 1); ms += 3_600_000)
        if (z.offset(ms) !== z.offset(ms + 3_600_000)) switches.push(ms);
      for (const provisional of [Date.UTC(2026, 0, 15), Date.UTC(2026, 6, 15)]) {
        Settings.now = () => provisional;
        for (const s of [Date.UTC(2026, 4, 5, 12), ...switches]) {
          const day = Math.floor(wallOf(s, zone) / 86_400_000) * 86_400_000;
          for (let wall = day - 86_400_000; wall < day + 2 * 86_400_000; wall += 900_000) {
            const d = new Date(wall);
            const expected = DateTime.fromObject(
              {
                year: d.getUTCFullYear(),
                month: d.getUTCMonth() + 1,
                day: d.getUTCDate(),
                hour: d.getUTCHours(),
                minute: d.getUTCMinutes(),
              },
              { zone },
            ).toMillis();
            expect(instantOfWall(wall, zone, provisional), `${zone} ${d.toISOString()}`).toBe(expected);
          }
        }
      }
    }
  });

  it('format wall clocks of years 1000–9999 only', () => {
    expect(formatWall(Date.UTC(2026, 2, 29, 2, 30, 5))).toBe('2026-03-29T02:30:05');
    expect(formatWall(Date.UTC(999, 0, 1))).toBeNull();
    expect(formatWall(Date.UTC(10_000, 0, 1))).toBeNull();
    expect(() => zoneOffsetMinutes(0, 'Not/AZone')).toThrow(RangeError);
  });
});
