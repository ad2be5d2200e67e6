// Unit tests of the per-mailbox concurrency limit and the request budget.
import { describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse, Timing } from './http.js';
import { concurrencyLimit, requestBudget } from './limits.js';

const req = (limitKey: string, weight = 1): HttpRequest => ({
  method: 'GET',
  url: 'https://x/',
  headers: {},
  limitKey,
  weight,
});
const ok: HttpResponse = { status: 200, headers: new Headers(), body: null };

describe('concurrencyLimit', () => {
  it('keeps at most 4 requests in flight per mailbox, independently per mailbox, counting batch weight', async () => {
    const inFlight = new Map<string, number>();
    const peak = new Map<string, number>();
    const transport = async (r: HttpRequest) => {
      const k = r.limitKey!;
      inFlight.set(k, (inFlight.get(k) ?? 0) + (r.weight ?? 1));
      peak.set(k, Math.max(peak.get(k) ?? 0, inFlight.get(k)!));
      await new Promise((res) => setTimeout(res, 5));
      inFlight.set(k, inFlight.get(k)! - (r.weight ?? 1));
      return ok;
    };
    const limited = concurrencyLimit(4)(transport);
    await Promise.all([
      ...Array.from({ length: 20 }, () => limited(req('a'))),
      ...Array.from({ length: 10 }, () => limited(req('b'))),
      ...Array.from({ length: 3 }, () => limited(req('a', 3))),
    ]);
    expect(peak.get('a')).toBe(4);
    expect(peak.get('b')).toBe(4);
  });
});

describe('requestBudget', () => {
  it('holds requests once the window budget is spent, until the oldest leave the window', async () => {
    let now = 0;
    const waits: number[] = [];
    const timing: Timing = {
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
      random: () => 0,
    };
    let sent = 0;
    const limited = requestBudget({ requests: 3, windowMs: 1000, timing })(async () => {
      sent++;
      return ok;
    });
    for (let i = 0; i < 3; i++) await limited(req('a'));
    expect(waits).toEqual([]);
    now = 400;
    await limited(req('a'));
    expect(waits).toEqual([600]);
    await limited(req('b'));
    expect(waits).toEqual([600]);
    expect(sent).toBe(5);
  });

  // The budget as it was written before issue 20 (the window's array filtered on every request): the reference.
  const filteringBudget = (max: number, windowMs: number, timing: Timing) => {
    const windows = new Map<string, number[]>();
    return async (key: string, weight: number) => {
      for (;;) {
        const now = timing.now();
        const hits = (windows.get(key) ?? []).filter((t) => t > now - windowMs);
        if (hits.length + weight <= max) {
          for (let i = 0; i < weight; i++) hits.push(now);
          windows.set(key, hits);
          return;
        }
        windows.set(key, hits);
        await timing.sleep(Math.max(1, hits[hits.length + weight - max - 1]! + windowMs - now));
      }
    };
  };

  it.each([
    { max: 5, windowMs: 1000, n: 2000, step: 300 },
    // thousands in the window: the queue's front is dropped and compacted many times
    { max: 1500, windowMs: 5000, n: 12_000, step: 6 },
  ])(
    'waits exactly as the filtering budget did ($max per $windowMs ms, $n requests)',
    async ({ max, windowMs, n, step }) => {
      let seed = 7;
      const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const plan = Array.from({ length: n }, () => ({
        advance: Math.floor(rand() * step),
        key: rand() < 0.7 ? 'a' : 'b',
        weight: 1 + Math.floor(rand() * 3),
      }));
      const runWith = async (
        send: (key: string, weight: number) => Promise<void>,
        timing: Timing & { set(t: number): void },
      ) => {
        let t = 0;
        for (const p of plan) {
          t = Math.max(t + p.advance, timing.now());
          timing.set(t);
          await send(p.key, p.weight);
        }
      };
      const clock = () => {
        let now = 0;
        const waits: number[] = [];
        return {
          waits,
          timing: {
            now: () => now,
            set: (t: number) => void (now = t),
            sleep: async (ms: number) => {
              waits.push(ms);
              now += ms;
            },
            random: () => 0,
          },
        };
      };
      const ours = clock();
      const limited = requestBudget({ requests: max, windowMs, timing: ours.timing })(async () => ok);
      await runWith((key, weight) => limited(req(key, weight)).then(() => undefined), ours.timing);
      const ref = clock();
      await runWith(filteringBudget(max, windowMs, ref.timing), ref.timing);
      expect(ref.waits.length).toBeGreaterThan(10);
      expect(ours.waits).toEqual(ref.waits);
    },
  );

  it('counts sends made while the clock stepped back until they leave the window', async () => {
    let now = 10_000;
    const waits: number[] = [];
    const timing: Timing = {
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
      random: () => 0,
    };
    const limited = requestBudget({ requests: 2, windowMs: 1000, timing })(async () => ok);
    await limited(req('a'));
    now = 9_500; // the clock stepped back half a second
    await limited(req('a'));
    now = 10_600; // the send at 9,500 has left the window, the one at 10,000 has not
    await limited(req('a'));
    expect(waits).toEqual([]);
    await limited(req('a')); // two in the window (10,000 and 10,600): waits until 10,000 leaves
    expect(waits).toEqual([400]);
  });
});
