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
});
