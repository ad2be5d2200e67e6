// SortedBlocks behaves like a plain sorted array under random inserts and removals, with tiny blocks to force splits.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SortedBlocks } from './sorted-blocks.js';

interface Item {
  key: number;
  id: number;
}
const cmp = (a: Item, b: Item): number => a.key - b.key || a.id - b.id;

describe('SortedBlocks', () => {
  it('matches a sorted array for lowerBound, between, findBefore, findFrom and countBetween', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 40 })), { maxLength: 300 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: -1, max: 42 }),
        fc.integer({ min: -1, max: 42 }),
        (ops, blockSize, k1, k2) => {
          const list = new SortedBlocks<Item>(cmp, blockSize);
          let plain: Item[] = [];
          ops.forEach(([insert, key], id) => {
            const victim = plain.find((x) => x.key === key);
            if (insert || !victim) {
              const item = { key, id };
              list.insert(item);
              plain = [...plain, item].sort(cmp);
            } else {
              expect(list.remove(victim)).toBe(true);
              expect(list.remove(victim)).toBe(false);
              plain = plain.filter((x) => x !== victim);
            }
          });
          expect(list.size).toBe(plain.length);
          expect(
            list.between(
              list.lowerBound(() => false),
              list.end(),
            ),
          ).toEqual(plain);
          const [lo, hi] = [Math.min(k1, k2), Math.max(k1, k2)];
          const from = list.lowerBound((x) => x.key < lo);
          const to = list.lowerBound((x) => x.key < hi);
          expect(list.between(from, to)).toEqual(plain.filter((x) => x.key >= lo && x.key < hi));
          const even = (x: Item): boolean => x.id % 2 === 0;
          expect(list.countBetween(from, to, even)).toBe(
            plain.filter((x) => x.key >= lo && x.key < hi && even(x)).length,
          );
          expect(list.findBefore(to, even)).toEqual(plain.filter((x) => x.key < hi && even(x)).at(-1) ?? null);
          expect(list.findFrom(from, even)).toEqual(plain.find((x) => x.key >= lo && even(x)) ?? null);
        },
      ),
      { numRuns: 300 },
    );
  });
});
