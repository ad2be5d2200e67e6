// Fast UTC-offset lookups for one IANA zone over a bounded period: luxon's offsets, cached per DST segment.
//
// luxon answers each offset question through Intl (tens of microseconds a call), which dominated the suggestion
// engine's CPU time. A ZoneClock asks luxon once a day over the period (then bisects to the minute at each
// change) and answers later questions from that table; `ZoneClock.for` reuses clocks per zone. Offsets themselves
// still come from luxon.
import { IANAZone } from 'luxon';
import { AppError } from '../errors.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Sampling step; DST changes are months apart, and any change between two samples is found by bisection. */
const SAMPLE = 24 * HOUR;
/** Margin around the period, so local days that start before it (or end after it) are covered. */
const MARGIN = 3 * 24 * HOUR;

interface Segment {
  /** First instant (epoch ms) with this offset. */
  from: number;
  /** Offset from UTC in minutes. */
  offset: number;
}

/** Local wall-clock ↔ UTC conversion for one zone, valid from `start` to `end` (plus a few days either side). */
export class ZoneClock {
  private static readonly cache = new Map<string, ZoneClock>();
  private static readonly CACHE_LIMIT = 256;
  private readonly segments: Segment[];
  private readonly lo: number;
  private readonly hi: number;

  /** Forgets cached clocks (benchmarks use it to measure a cold start). */
  static clearCache(): void {
    ZoneClock.cache.clear();
  }

  /** A clock for `zone` covering `[start, end]`, reused from earlier calls when one covers the period. */
  static for(zone: string, start: number, end: number): ZoneClock {
    const hit = ZoneClock.cache.get(zone);
    if (hit && hit.lo <= start - MARGIN && hit.hi >= end + MARGIN) return hit;
    const clock = new ZoneClock(zone, start, end);
    if (ZoneClock.cache.size >= ZoneClock.CACHE_LIMIT) ZoneClock.cache.clear();
    ZoneClock.cache.set(zone, clock);
    return clock;
  }

  constructor(zone: string, start: number, end: number) {
    const tz = IANAZone.create(zone);
    if (!tz.isValid) throw new AppError('bad_request', `Unknown time zone: ${zone}`);
    const lo = start - MARGIN;
    const hi = end + MARGIN;
    this.lo = lo;
    this.hi = hi;
    this.segments = [{ from: -Infinity, offset: tz.offset(lo) }];
    let prevT = lo;
    let prev = tz.offset(lo);
    for (let t = lo + SAMPLE; t <= hi + SAMPLE; t += SAMPLE) {
      const off = tz.offset(t);
      if (off !== prev) {
        // Binary search the first minute with the new offset.
        let a = prevT;
        let b = t;
        while (b - a > MINUTE) {
          const mid = a + Math.floor((b - a) / 2 / MINUTE) * MINUTE;
          if (tz.offset(mid) === prev) a = mid;
          else b = mid;
        }
        this.segments.push({ from: b, offset: tz.offset(b) });
        prev = tz.offset(b);
      }
      prevT = t;
    }
  }

  /** Offset from UTC, in minutes, at instant `t` (epoch ms). */
  offsetAt(t: number): number {
    let i = this.segments.length - 1;
    while (i > 0 && this.segments[i]!.from > t) i--;
    return this.segments[i]!.offset;
  }

  /** The wall-clock time at `t`, written as epoch ms of that wall clock in UTC. */
  toLocal(t: number): number {
    return t + this.offsetAt(t) * MINUTE;
  }

  /**
   * The instant of wall-clock time `local` (written as epoch ms in UTC). A time skipped by a DST change moves
   * forward by the gap (02:30 on a spring-forward night becomes 03:30), as luxon does; a repeated time takes
   * its first occurrence.
   */
  fromLocal(local: number): number {
    const valid: number[] = [];
    for (const s of this.segments) {
      const u = local - s.offset * MINUTE;
      if (this.offsetAt(u) === s.offset) valid.push(u);
    }
    if (valid.length > 0) return Math.min(...valid);
    // In a gap: use the offset in force just before it.
    return local - this.offsetAt(local - this.offsetAt(local) * MINUTE - 2 * HOUR) * MINUTE;
  }
}
