// Unit tests of the retry decorator with a scripted transport and recorded waits (no real sleeping).
import { describe, expect, it } from 'vitest';
import { AppError, isAppError } from '../../domain/errors.js';
import type { HttpRequest, HttpResponse, Timing } from './http.js';
import { retry, retryAfterMs } from './retry.js';

function scripted(statuses: Array<number | Error>, headers: Record<string, string> = {}) {
  const calls: HttpRequest[] = [];
  const transport = async (req: HttpRequest): Promise<HttpResponse> => {
    calls.push(req);
    const next = statuses.shift() ?? 200;
    if (next instanceof Error) throw next;
    return { status: next, headers: new Headers(next === 200 ? {} : headers), body: null };
  };
  return { transport, calls };
}

function fakeTiming(now = Date.parse('2026-03-01T12:00:00Z')) {
  const waits: number[] = [];
  const timing: Timing = { now: () => now, sleep: async (ms) => void waits.push(ms), random: () => 0.5 };
  return { timing, waits };
}

const GET: HttpRequest = { method: 'GET', url: 'https://graph.test/v1.0/me', headers: {} };
const POST: HttpRequest = { method: 'POST', url: 'https://graph.test/v1.0/me/events', headers: {} };

describe('retry', () => {
  it('waits the Retry-After seconds of a 429 before resending', async () => {
    const s = scripted([429, 429], { 'retry-after': '3' });
    const t = fakeTiming();
    const res = await retry({ timing: t.timing })(s.transport)(GET);
    expect(res.status).toBe(200);
    expect(s.calls).toHaveLength(3);
    expect(t.waits).toEqual([3000, 3000]);
  });

  it('reads Retry-After as an HTTP date', async () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    expect(retryAfterMs('Sun, 01 Mar 2026 12:00:07 GMT', now)).toBe(7000);
    expect(retryAfterMs('2.128', now)).toBe(2128);
    expect(retryAfterMs('soon', now)).toBeNull();
    const s = scripted([503], { 'retry-after': 'Sun, 01 Mar 2026 12:00:05 GMT' });
    const t = fakeTiming(now);
    await retry({ timing: t.timing })(s.transport)(POST);
    expect(t.waits).toEqual([5000]);
  });

  it('retries a 504 only when the request is idempotent (it may have been processed)', async () => {
    const post = scripted([504], { 'retry-after': '1' });
    expect((await retry({ timing: fakeTiming().timing })(post.transport)(POST)).status).toBe(504);
    expect(post.calls).toHaveLength(1);
    const keyed = scripted([504], { 'retry-after': '1' });
    const t = fakeTiming();
    expect((await retry({ timing: t.timing })(keyed.transport)({ ...POST, idempotent: true })).status).toBe(200);
    expect(t.waits).toEqual([1000]);
  });

  it('backs off exponentially with jitter on a 500 for idempotent requests only', async () => {
    const get = scripted([500, 502, 500]);
    const t = fakeTiming();
    expect((await retry({ timing: t.timing, baseDelayMs: 100 })(get.transport)(GET)).status).toBe(200);
    expect(t.waits).toEqual([50, 100, 200]);
    const post = scripted([500]);
    expect((await retry({ timing: fakeTiming().timing })(post.transport)(POST)).status).toBe(500);
    expect(post.calls).toHaveLength(1);
  });

  it('with added jitter waits every whole step, however small the random part (never a quick burst)', async () => {
    const zero = (t: ReturnType<typeof fakeTiming>) => ({ ...t.timing, random: () => 0 });
    const full = fakeTiming();
    await retry({ timing: zero(full), baseDelayMs: 100, maxRetries: 4 })(scripted([429, 429, 429, 429]).transport)(GET);
    expect(full.waits).toEqual([0, 0, 0, 0]);
    const added = fakeTiming();
    const s = scripted([429, 429, 429, 429, 429]);
    const res = await retry({ timing: zero(added), baseDelayMs: 100, maxRetries: 4, maxDelayMs: 700, jitter: 'added' })(
      s.transport,
    )(GET);
    expect(res.status).toBe(429);
    // 100, 200, 400, then capped at maxDelayMs: at least 1,400 ms in all before giving up.
    expect(added.waits).toEqual([100, 200, 400, 700]);
    const half = fakeTiming();
    await retry({ timing: half.timing, baseDelayMs: 100, jitter: 'added' })(scripted([503, 500]).transport)(GET);
    expect(half.waits).toEqual([150, 250]);
  });

  it('retries connection resets for idempotent requests and gives up after maxRetries', async () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const s = scripted([reset, reset, reset]);
    await expect(retry({ timing: fakeTiming().timing, maxRetries: 2 })(s.transport)(GET)).rejects.toThrow(
      'socket hang up',
    );
    expect(s.calls).toHaveLength(3);
  });

  it('returns the last throttled answer when retries run out', async () => {
    const s = scripted([429, 429, 429], { 'retry-after': '3' });
    const t = fakeTiming();
    const res = await retry({ timing: t.timing, maxRetries: 2 })(s.transport)(GET);
    expect(res.status).toBe(429);
    expect(t.waits).toEqual([3000, 3000]);
  });

  it('never retries sooner than Retry-After asks, however long the backoff cap', async () => {
    const s = scripted([429], { 'retry-after': '45' });
    const t = fakeTiming();
    const res = await retry({ timing: t.timing, maxDelayMs: 10_000, maxWaitMs: 60_000 })(s.transport)(GET);
    expect(res.status).toBe(200);
    expect(t.waits).toEqual([45_000]);
  });

  it('does not sleep a Retry-After above the bound: fails at once with the wait in retryAfterSeconds', async () => {
    const s = scripted([429], { 'retry-after': '600' });
    const t = fakeTiming();
    const err = await retry({ timing: t.timing })(s.transport)(GET).catch((e: unknown) => e);
    expect(isAppError(err, 'provider_throttled')).toBe(true);
    expect((err as AppError).details).toMatchObject({ status: 429, retryAfterSeconds: 600, host: 'graph.test' });
    expect(t.waits).toEqual([]);
    expect(s.calls).toHaveLength(1);

    const now = Date.parse('2026-03-01T12:00:00Z');
    const u = scripted([503], { 'retry-after': 'Sun, 01 Mar 2026 12:02:00 GMT' });
    const t2 = fakeTiming(now);
    const err2 = await retry({ timing: t2.timing, maxWaitMs: 30_000 })(u.transport)(POST).catch((e: unknown) => e);
    expect(isAppError(err2, 'provider_unavailable')).toBe(true);
    expect((err2 as AppError).details?.retryAfterSeconds).toBe(120);
    expect(t2.waits).toEqual([]);
  });
});
