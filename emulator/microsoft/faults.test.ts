// Tests for fault injection: throttling windows and concurrency, seeded random errors, latency, validation, hooks.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { EmuClock } from '../common/clock.js';
import { DEFAULT_FAULTS, FaultConfigError, Faults, loadFaultFile, mergeFaults, registerFaultHooks } from './faults.js';
import { GraphHttpError } from './graph/errors.js';

describe('Faults.admit (throttling)', () => {
  it('allows requestsPerWindow per app and mailbox, then 429 with Retry-After until the window frees a slot', () => {
    const clock = new EmuClock(() => 1_000_000);
    const f = new Faults(clock.now, { throttle: { requestsPerWindow: 3, windowSeconds: 60 } });
    for (let i = 0; i < 3; i++) {
      const ok = f.admit('app', 'mbx');
      expect(ok).not.toBeInstanceOf(GraphHttpError);
      (ok as { release: () => void }).release();
      clock.advance(1000);
    }
    const denied = f.admit('app', 'mbx');
    expect(denied).toBeInstanceOf(GraphHttpError);
    const err = denied as GraphHttpError;
    expect(err.status).toBe(429);
    expect(err.code).toBe('ApplicationThrottled');
    // The first request was 3 s ago: its slot frees in 57 s.
    expect(err.headers['Retry-After']).toBe('57');
    // Other mailboxes and other apps have their own budget.
    expect(f.admit('app', 'other')).not.toBeInstanceOf(GraphHttpError);
    expect(f.admit('app2', 'mbx')).not.toBeInstanceOf(GraphHttpError);
    clock.advance(57_000);
    expect(f.admit('app', 'mbx')).not.toBeInstanceOf(GraphHttpError);
  });

  it('limits concurrent requests per app and mailbox; a release frees a slot', () => {
    const f = new Faults(() => 0, { throttle: { concurrentRequests: 2 } });
    const a = f.admit('app', 'm') as { release: () => void };
    const b = f.admit('app', 'm') as { release: () => void };
    const c = f.admit('app', 'm');
    expect(c).toBeInstanceOf(GraphHttpError);
    expect((c as GraphHttpError).message).toBe('Application is over its MailboxConcurrency limit.');
    a.release();
    a.release(); // idempotent
    expect(f.admit('app', 'm')).not.toBeInstanceOf(GraphHttpError);
    expect(f.admit('app', 'm')).toBeInstanceOf(GraphHttpError);
    b.release();
  });

  it('counts exactly the requests inside the sliding window over long runs', () => {
    const clock = new EmuClock(() => 0);
    const f = new Faults(clock.now, {
      throttle: { requestsPerWindow: 3000, windowSeconds: 10, concurrentRequests: 1 },
    });
    const admitOne = () => {
      const r = f.admit('a', 'm');
      if (r instanceof GraphHttpError) return false;
      r.release();
      return true;
    };
    // One request every 5 ms: 2,000 inside any 10 s window, never throttled.
    for (let i = 0; i < 6000; i++) {
      expect(admitOne()).toBe(true);
      clock.advance(5);
    }
    // Now (30,000 ms) the window (20,000, 30,000] holds the 1,999 requests from 20,005 ms on;
    // a burst at this instant fills it up to exactly 3,000.
    let admitted = 0;
    while (admitOne()) admitted++;
    expect(admitted).toBe(1001);
  });

  it('does nothing when throttling is disabled', () => {
    const f = new Faults(() => 0, { throttle: { enabled: false, requestsPerWindow: 1, concurrentRequests: 1 } });
    for (let i = 0; i < 10; i++) expect(f.admit('a', 'm')).not.toBeInstanceOf(GraphHttpError);
  });
});

describe('random errors and latency', () => {
  const statuses = (f: Faults, n: number) => Array.from({ length: n }, () => f.randomError()?.status ?? 200);

  it('are reproducible from the seed', () => {
    const cfg = { seed: 42, errors: { rate: 0.5 } };
    const a = statuses(new Faults(() => 0, cfg), 50);
    expect(statuses(new Faults(() => 0, cfg), 50)).toEqual(a);
    expect(statuses(new Faults(() => 0, { ...cfg, seed: 43 }), 50)).not.toEqual(a);
    expect(new Set(a)).toEqual(new Set([200, 503, 504]));
  });

  it('always fail at rate 1 with Retry-After, never at rate 0', () => {
    const always = new Faults(() => 0, { errors: { rate: 1, statuses: [503], retryAfterSeconds: 7 } });
    const e = always.randomError()!;
    expect(e.status).toBe(503);
    expect(e.code).toBe('ServiceNotAvailable');
    expect(e.headers['Retry-After']).toBe('7');
    expect(statuses(new Faults(() => 0), 100).every((s) => s === 200)).toBe(true);
  });

  it('adds fixed latency plus jitter within the distribution', () => {
    const f = new Faults(() => 0, { latency: { fixedMs: 100, jitterMs: 20, distribution: 'uniform' } });
    const xs = Array.from({ length: 500 }, () => f.latencyMs());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...xs)).toBeLessThanOrEqual(140);
    expect(new Faults(() => 0).latencyMs()).toBe(0);
    const exp = new Faults(() => 0, { latency: { fixedMs: 0, jitterMs: 50, distribution: 'exponential' } });
    const mean = Array.from({ length: 4000 }, () => exp.latencyMs()).reduce((s, x) => s + x, 0) / 4000;
    expect(mean).toBeGreaterThan(40);
    expect(mean).toBeLessThan(60);
  });

  it('invalidates delta tokens at the configured rate only', () => {
    expect(new Faults(() => 0).shouldInvalidateDelta()).toBe(false);
    expect(new Faults(() => 0, { delta: { invalidateRate: 1 } }).shouldInvalidateDelta()).toBe(true);
  });
});

describe('configuration', () => {
  it('merges sections one level deep and validates', () => {
    const c = mergeFaults(DEFAULT_FAULTS, { throttle: { concurrentRequests: 1 } });
    expect(c.throttle).toEqual({ ...DEFAULT_FAULTS.throttle, concurrentRequests: 1 });
    expect(() => mergeFaults(DEFAULT_FAULTS, { errors: { rate: 2 } })).toThrow(/errors.rate/);
    expect(() => mergeFaults(DEFAULT_FAULTS, { bogus: 1 } as never)).toThrow(FaultConfigError);
    expect(() => mergeFaults(DEFAULT_FAULTS, { webhook: { drop: { probability: -1 } } })).toThrow(/webhook.drop/);
    expect(() => mergeFaults(DEFAULT_FAULTS, { latency: { distribution: 'pareto' as 'normal' } })).toThrow(
      /distribution/,
    );
  });

  it('notifies listeners and reads JSON files', () => {
    const f = new Faults(() => 0);
    const seen: number[] = [];
    f.onChange((c) => seen.push(c.errors.rate));
    f.update({ errors: { rate: 0.25 } });
    expect(seen).toEqual([0.25]);
    expect(f.config.errors.rate).toBe(0.25);
    const dir = mkdtempSync(join(tmpdir(), 'faults-'));
    writeFileSync(join(dir, 'ok.json'), JSON.stringify({ throttle: { requestsPerWindow: 5 } }));
    writeFileSync(join(dir, 'bad.json'), '{nope');
    expect(loadFaultFile(join(dir, 'ok.json'))).toEqual({ throttle: { requestsPerWindow: 5 } });
    expect(() => loadFaultFile(join(dir, 'bad.json'))).toThrow(FaultConfigError);
  });
});

describe('registerFaultHooks', () => {
  let app: FastifyInstance;
  afterEach(async () => app.close());

  async function build(f: Faults, handler: () => Promise<unknown>) {
    app = Fastify();
    await app.register(
      async (scope) => {
        registerFaultHooks(scope, f, (req) => {
          const mailbox = String(req.headers['x-mailbox'] ?? 'm');
          return { appId: 'app', mailbox, throttleKey: mailbox === 'unthrottled' ? null : mailbox };
        });
        scope.get('/thing', handler);
      },
      { prefix: '/v1.0' },
    );
    app.get('/outside', async () => ({ ok: true }));
  }

  it('answers 429 Graph errors to the 5th concurrent request of one mailbox and lets others through', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let entered = 0;
    let allIn!: () => void;
    const fourInside = new Promise<void>((r) => (allIn = r));
    await build(new Faults(() => 0, { throttle: { concurrentRequests: 4 } }), async () => {
      if (++entered === 4) allIn();
      await gate;
      return { ok: true };
    });
    const first = Array.from({ length: 4 }, () => app.inject({ method: 'GET', url: '/v1.0/thing' }));
    await fourInside;
    const fifth = await app.inject({ method: 'GET', url: '/v1.0/thing' });
    expect(fifth.statusCode).toBe(429);
    expect(fifth.headers['retry-after']).toBe('1');
    expect(fifth.json()).toMatchObject({
      error: {
        code: 'ApplicationThrottled',
        message: 'Application is over its MailboxConcurrency limit.',
        innerError: { code: '429', status: '429', message: 'Please retry after' },
      },
    });
    expect(fifth.json<{ error: { innerError: Record<string, string> } }>().error.innerError).toHaveProperty(
      'request-id',
    );
    const otherMailbox = app.inject({ method: 'GET', url: '/v1.0/thing', headers: { 'x-mailbox': 'other' } });
    open();
    expect((await Promise.all(first)).map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
    expect((await otherMailbox).statusCode).toBe(200);
    // Slots were released when the responses finished.
    expect((await app.inject({ method: 'GET', url: '/v1.0/thing' })).statusCode).toBe(200);
  });

  it('does not count a request without a throttle key', async () => {
    await build(new Faults(() => 0, { throttle: { requestsPerWindow: 1 } }), async () => ({ ok: true }));
    const headers = { 'x-mailbox': 'unthrottled' };
    const codes = [];
    for (let i = 0; i < 3; i++)
      codes.push((await app.inject({ method: 'GET', url: '/v1.0/thing', headers })).statusCode);
    expect(codes).toEqual([200, 200, 200]);
    expect((await app.inject({ method: 'GET', url: '/v1.0/thing' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/v1.0/thing' })).statusCode).toBe(429);
  });

  it('injects server errors only under the scope', async () => {
    await build(new Faults(() => 0, { errors: { rate: 1, statuses: [504] } }), async () => ({ ok: true }));
    const res = await app.inject({ method: 'GET', url: '/v1.0/thing' });
    expect(res.statusCode).toBe(504);
    expect(res.json()).toMatchObject({ error: { code: 'GatewayTimeout' } });
    expect((await app.inject({ method: 'GET', url: '/outside' })).statusCode).toBe(200);
  });
});
