// Tests for the movable emulator clock.
import { describe, expect, it } from 'vitest';
import { EmuClock, applyClockRequest, initialClockOffset, parseInstant } from './clock.js';

describe('EmuClock', () => {
  it('follows the base clock plus the offset', () => {
    let t = 1000;
    const clock = new EmuClock(() => t);
    expect(clock.now()).toBe(1000);
    clock.advance(500);
    t = 1100;
    const now = clock.now;
    expect(now()).toBe(1600);
    expect(clock.offset).toBe(500);
    clock.reset();
    expect(clock.now()).toBe(1100);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
  });

  it('is set to an instant or an offset, and reset() goes back to the offset it started with', () => {
    let t = 1000;
    const clock = new EmuClock(() => t, 250);
    expect(clock.now()).toBe(1250);
    expect(clock.set(5000)).toBe(5000);
    t = 1010;
    expect(clock.now()).toBe(5010);
    expect(clock.offset).toBe(4000);
    expect(clock.setOffset(-10)).toBe(1000);
    clock.reset();
    expect(clock.offset).toBe(250);
    expect(() => clock.set(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('clock options and requests', () => {
  it('parses instants and start options (`now` wins over clockOffsetMs)', () => {
    expect(parseInstant('2026-12-12T10:00:00Z')).toBe(Date.UTC(2026, 11, 12, 10));
    expect(parseInstant(42)).toBe(42);
    expect(() => parseInstant('tomorrow')).toThrow(RangeError);
    const base = () => Date.UTC(2026, 0, 1);
    expect(initialClockOffset({ now: '2026-01-02T00:00:00Z', clockOffsetMs: 5 }, base)).toBe(86_400_000);
    expect(initialClockOffset({ clockOffsetMs: 5 }, base)).toBe(5);
    expect(initialClockOffset({}, base)).toBe(0);
  });

  it('applies exactly one of advanceMs, now and offsetMs', () => {
    const clock = new EmuClock(() => Date.UTC(2026, 0, 1));
    expect(applyClockRequest(clock, { now: '2026-12-12T10:00:00Z' })).toEqual({
      ok: true,
      answer: { now: '2026-12-12T10:00:00.000Z', offsetMs: Date.UTC(2026, 11, 12, 10) - Date.UTC(2026, 0, 1) },
    });
    expect(applyClockRequest(clock, { advanceMs: 1000 })).toMatchObject({
      ok: true,
      answer: { now: '2026-12-12T10:00:01.000Z' },
    });
    expect(applyClockRequest(clock, { offsetMs: 0 })).toMatchObject({ answer: { now: '2026-01-01T00:00:00.000Z' } });
    expect(applyClockRequest(clock, {})).toMatchObject({ ok: false });
    expect(applyClockRequest(clock, { advanceMs: 1, now: 2 })).toMatchObject({ ok: false });
    expect(applyClockRequest(clock, { advanceMs: '1' })).toMatchObject({ ok: false });
    expect(applyClockRequest(clock, { now: 'not a date' })).toMatchObject({ ok: false });
    expect(applyClockRequest(clock, null)).toMatchObject({ ok: false });
  });
});
