// Tests for the seeded generator: reproducibility, ranges and distributions.
import { describe, expect, it } from 'vitest';
import { createRng, hashString } from './rng.js';

describe('createRng', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const seqA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('keeps int() within bounds and reaches both ends', () => {
    const rng = createRng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const x = rng.int(3, 6);
      expect(x).toBeGreaterThanOrEqual(3);
      expect(x).toBeLessThanOrEqual(6);
      seen.add(x);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });

  it('chance() follows the probability roughly', () => {
    const rng = createRng(99);
    let hits = 0;
    for (let i = 0; i < 10_000; i++) if (rng.chance(0.25)) hits++;
    expect(hits).toBeGreaterThan(2200);
    expect(hits).toBeLessThan(2800);
    expect(createRng(1).chance(0)).toBe(false);
  });

  it('shuffle() permutes without losing items; pick() rejects empty arrays', () => {
    const rng = createRng(5);
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const out = rng.shuffle(items);
    expect([...out].sort()).toEqual(items);
    expect(items).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => rng.pick([])).toThrow(RangeError);
  });

  it('makes GUID-shaped, seed-stable ids and stable forks', () => {
    const id = createRng(3).uuid();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(createRng(3).uuid()).toBe(id);
    expect(createRng(3).fork('x').next()).toBe(createRng(3).fork('x').next());
    expect(createRng(3).fork('x').next()).not.toBe(createRng(3).fork('y').next());
  });

  it('normal() and exponential() have about the requested mean', () => {
    const rng = createRng(11);
    const n = 20_000;
    let sumN = 0;
    let sumE = 0;
    for (let i = 0; i < n; i++) {
      sumN += rng.normal(10, 2);
      sumE += rng.exponential(5);
    }
    expect(Math.abs(sumN / n - 10)).toBeLessThan(0.1);
    expect(Math.abs(sumE / n - 5)).toBeLessThan(0.2);
  });

  it('hashString is stable', () => {
    expect(hashString('abc')).toBe(hashString('abc'));
    expect(hashString('abc')).not.toBe(hashString('abd'));
  });
});
