// toInstant reads Graph's plain instants without luxon: the same text as luxon's fromISO(…, UTC).toUTC().toISO(),
// null where luxon finds the value invalid, for generated values in and out of range.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { toInstant } from './mapping.js';

const luxon = (v: string) => {
  const p = DateTime.fromISO(v, { zone: 'UTC' });
  return p.isValid ? p.toUTC().toISO() : null;
};

/** A small deterministic generator (mulberry32), so a failure names a value that comes again. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('toInstant', () => {
  it('gives what luxon gives for Graph forms and their edges', () => {
    const values = [
      '2026-03-08T15:00:00.0000000Z',
      '2026-03-08T15:00:00.0290000',
      '2026-03-08T15:00:00.029Z',
      '2024-02-29T23:59:59.9999999-12:00',
      '2026-02-29T00:00:00Z',
      '2026-03-08T24:00:00Z',
      '2026-03-08T15:00:60Z',
      '9999-12-31T23:59:59-01:00',
      '1000-01-01T00:00:00+01:00',
      '0999-12-31T23:00:00Z',
      '2026-03-08T15:00:00.5+14:00',
      '2026-03-08T15:00:00+0100',
      '2026-03-08 15:00:00Z',
      '2026-03-08',
      'not a date',
    ];
    for (const v of values) expect(toInstant(v), v).toBe(luxon(v));
  });

  it('gives what luxon gives for 20,000 generated values', () => {
    const next = random(20);
    const int = (a: number, b: number) => a + Math.floor(next() * (b - a + 1));
    const pad = (x: number, k = 2) => String(x).padStart(k, '0');
    for (let i = 0; i < 20_000; i++) {
      const fraction = next() < 0.3 ? '' : `.${String(int(0, 999_999_999)).padStart(9, '0').slice(0, int(1, 9))}`;
      const offset = ['', 'Z', `${next() < 0.5 ? '+' : '-'}${pad(int(0, 25))}:${pad(int(0, 61))}`][int(0, 2)];
      const v = `${pad(int(900, 10_000), 4)}-${pad(int(0, 13))}-${pad(int(0, 32))}T${pad(int(0, 25))}:${pad(int(0, 60))}:${pad(int(0, 60))}${fraction}${offset}`;
      expect(toInstant(v), v).toBe(luxon(v));
    }
  });
});
