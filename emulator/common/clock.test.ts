// Tests for the movable emulator clock.
import { describe, expect, it } from 'vitest';
import { EmuClock } from './clock.js';

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
});
