// Fault injection for the Graph surface, reproducible from a seed: throttling, random 503/504, latency, and
// settings the Graph parts read (delta-token invalidation, webhook drop/duplicate/reorder/delay).
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createRng, type Rng } from '../common/rng.js';
import type { Clock } from './contracts.js';
import { GraphHttpError, sendGraphError } from './graph/errors.js';
import type { WebhookFaults } from './graph/webhook-delivery.js';

/** Outlook's documented limits: per app and mailbox, 10,000 requests per 10 minutes and 4 concurrent requests. */
export interface ThrottleConfig {
  enabled: boolean;
  requestsPerWindow: number;
  windowSeconds: number;
  concurrentRequests: number;
}

export interface FaultConfig {
  /** Seed of the fault generator: the same seed and request sequence give the same faults. */
  seed: number;
  throttle: ThrottleConfig;
  /** Random server errors: each Graph request fails with probability `rate`, status picked from `statuses`. */
  errors: { rate: number; statuses: Array<503 | 504>; retryAfterSeconds: number };
  /** Added latency per Graph request: `fixedMs` plus a jitter of mean `jitterMs` from `distribution`. */
  latency: { fixedMs: number; jitterMs: number; distribution: 'uniform' | 'normal' | 'exponential' };
  /** Probability that a delta request finds its token invalidated (the Graph delta routes read this). */
  delta: { invalidateRate: number };
  /** Faults applied to change notifications (the subscription engine reads these). */
  webhook: WebhookFaults;
}

export type FaultPatch = {
  [K in keyof FaultConfig]?: FaultConfig[K] extends object ? Partial<FaultConfig[K]> : FaultConfig[K];
};

export const DEFAULT_FAULTS: FaultConfig = {
  seed: 1,
  throttle: { enabled: true, requestsPerWindow: 10_000, windowSeconds: 600, concurrentRequests: 4 },
  errors: { rate: 0, statuses: [503, 504], retryAfterSeconds: 2 },
  latency: { fixedMs: 0, jitterMs: 0, distribution: 'uniform' },
  delta: { invalidateRate: 0 },
  webhook: {},
};

/** Thrown for a fault configuration that does not make sense; the admin API answers 400. */
export class FaultConfigError extends Error {
  override name = 'FaultConfigError';
}

function check(cond: boolean, message: string): void {
  if (!cond) throw new FaultConfigError(message);
}

const isRate = (x: unknown) => typeof x === 'number' && x >= 0 && x <= 1;
const isCount = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x >= 0;

/** Validates a merged configuration; throws FaultConfigError naming the first bad field. */
export function validateFaults(c: FaultConfig): FaultConfig {
  check(Number.isInteger(c.seed), 'seed must be an integer');
  check(typeof c.throttle.enabled === 'boolean', 'throttle.enabled must be a boolean');
  check(
    isCount(c.throttle.requestsPerWindow) && c.throttle.requestsPerWindow >= 1,
    'throttle.requestsPerWindow must be >= 1',
  );
  check(isCount(c.throttle.windowSeconds) && c.throttle.windowSeconds > 0, 'throttle.windowSeconds must be > 0');
  check(
    isCount(c.throttle.concurrentRequests) && c.throttle.concurrentRequests >= 1,
    'throttle.concurrentRequests must be >= 1',
  );
  check(isRate(c.errors.rate), 'errors.rate must be between 0 and 1');
  check(
    Array.isArray(c.errors.statuses) &&
      c.errors.statuses.length > 0 &&
      c.errors.statuses.every((s) => s === 503 || s === 504),
    'errors.statuses must list 503 and/or 504',
  );
  check(isCount(c.errors.retryAfterSeconds), 'errors.retryAfterSeconds must be >= 0');
  check(isCount(c.latency.fixedMs) && isCount(c.latency.jitterMs), 'latency.fixedMs and latency.jitterMs must be >= 0');
  check(
    ['uniform', 'normal', 'exponential'].includes(c.latency.distribution),
    'latency.distribution must be uniform, normal or exponential',
  );
  check(isRate(c.delta.invalidateRate), 'delta.invalidateRate must be between 0 and 1');
  check(typeof c.webhook === 'object' && c.webhook !== null, 'webhook must be an object');
  for (const [k, rule] of Object.entries(c.webhook)) {
    check(['drop', 'duplicate', 'reorder', 'delay'].includes(k), `webhook.${k} is not a known fault`);
    const r = rule as { probability?: unknown; remaining?: unknown; ms?: unknown };
    check(r.probability === undefined || isRate(r.probability), `webhook.${k}.probability must be between 0 and 1`);
    check(r.remaining === undefined || isCount(r.remaining), `webhook.${k}.remaining must be >= 0`);
    if (k === 'delay') check(isCount(r.ms), 'webhook.delay.ms must be >= 0');
  }
  return c;
}

/** Merges a patch (sections are merged one level deep) onto a configuration and validates the result. */
export function mergeFaults(base: FaultConfig, patch: FaultPatch): FaultConfig {
  check(typeof patch === 'object' && patch !== null && !Array.isArray(patch), 'faults must be a JSON object');
  for (const k of Object.keys(patch)) check(k in DEFAULT_FAULTS, `unknown fault setting '${k}'`);
  const merged: FaultConfig = {
    seed: patch.seed ?? base.seed,
    throttle: { ...base.throttle, ...patch.throttle },
    errors: { ...base.errors, ...patch.errors },
    latency: { ...base.latency, ...patch.latency },
    delta: { ...base.delta, ...patch.delta },
    webhook: patch.webhook !== undefined ? ({ ...patch.webhook } as WebhookFaults) : { ...base.webhook },
  };
  return validateFaults(merged);
}

/** Reads a `--faults file.json` (a FaultPatch). */
export function loadFaultFile(path: string): FaultPatch {
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text) as FaultPatch;
  } catch (e) {
    throw new FaultConfigError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Request times of one app+mailbox inside the window: a queue with a moving head (amortised O(1) per request). */
class SlidingWindow {
  private times: number[] = [];
  private head = 0;

  prune(cutoff: number): void {
    while (this.head < this.times.length && (this.times[this.head] ?? 0) <= cutoff) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }

  get size(): number {
    return this.times.length - this.head;
  }

  get oldest(): number | undefined {
    return this.times[this.head];
  }

  push(t: number): void {
    this.times.push(t);
  }
}

/** Live fault state: configuration, the seeded generator, per app+mailbox request windows and in-flight counts. */
export class Faults {
  private cfg: FaultConfig;
  private rng: Rng;
  private readonly windows = new Map<string, SlidingWindow>();
  private readonly inFlight = new Map<string, number>();
  private readonly listeners = new Set<(c: FaultConfig) => void>();

  constructor(
    private readonly clock: Clock,
    patch: FaultPatch = {},
  ) {
    this.cfg = mergeFaults(DEFAULT_FAULTS, patch);
    this.rng = createRng(this.cfg.seed);
  }

  /** A copy of the current configuration (the getter the Graph parts use). */
  get config(): FaultConfig {
    return structuredClone(this.cfg);
  }

  /** Applies a patch; a new seed restarts the generator. Listeners see the new configuration. */
  update(patch: FaultPatch): FaultConfig {
    const next = mergeFaults(this.cfg, patch);
    const reseed = patch.seed !== undefined;
    this.cfg = next;
    if (reseed) this.rng = createRng(next.seed);
    for (const l of this.listeners) l(this.config);
    return this.config;
  }

  /** Back to the defaults (plus `patch`), with fresh windows and generator. */
  reset(patch: FaultPatch = {}): FaultConfig {
    this.windows.clear();
    this.rng = createRng(0);
    this.cfg = DEFAULT_FAULTS;
    return this.update({ seed: DEFAULT_FAULTS.seed, ...patch });
  }

  onChange(listener: (c: FaultConfig) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Admits one request of `appId` on `mailbox`, or returns the 429 to answer. On admission the caller must call
   * `release()` when the request ends (concurrency accounting).
   */
  admit(appId: string, mailbox: string): { release: () => void } | GraphHttpError {
    const t = this.cfg.throttle;
    const key = `${appId}|${mailbox}`;
    if (t.enabled) {
      if ((this.inFlight.get(key) ?? 0) >= t.concurrentRequests) {
        return new GraphHttpError(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', {
          'Retry-After': '1',
        });
      }
      const now = this.clock();
      const windowMs = t.windowSeconds * 1000;
      let hits = this.windows.get(key);
      if (!hits) this.windows.set(key, (hits = new SlidingWindow()));
      hits.prune(now - windowMs);
      if (hits.size >= t.requestsPerWindow) {
        const retry = Math.max(1, Math.ceil(((hits.oldest ?? now) + windowMs - now) / 1000));
        return new GraphHttpError(429, 'ApplicationThrottled', 'Application is over its MailboxRequests limit.', {
          'Retry-After': String(retry),
        });
      }
      hits.push(now);
    }
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const n = (this.inFlight.get(key) ?? 1) - 1;
        if (n <= 0) this.inFlight.delete(key);
        else this.inFlight.set(key, n);
      },
    };
  }

  /** A random 503/504 for this request, or null. */
  randomError(): GraphHttpError | null {
    const e = this.cfg.errors;
    if (e.rate <= 0 || !this.rng.chance(e.rate)) return null;
    const status = this.rng.pick(e.statuses);
    const headers = { 'Retry-After': String(e.retryAfterSeconds) };
    return status === 503
      ? new GraphHttpError(
          503,
          'ServiceNotAvailable',
          'The service is temporarily unavailable. Please retry later.',
          headers,
        )
      : new GraphHttpError(
          504,
          'GatewayTimeout',
          'The gateway did not receive a timely response from the upstream service.',
          headers,
        );
  }

  /** Latency to add to this request, in milliseconds. */
  latencyMs(): number {
    const l = this.cfg.latency;
    if (l.fixedMs <= 0 && l.jitterMs <= 0) return 0;
    let jitter = 0;
    if (l.jitterMs > 0) {
      if (l.distribution === 'uniform') jitter = this.rng.next() * 2 * l.jitterMs;
      else if (l.distribution === 'normal') jitter = this.rng.normal(l.jitterMs, l.jitterMs / 2);
      else jitter = this.rng.exponential(l.jitterMs);
    }
    return Math.max(0, Math.round(l.fixedMs + jitter));
  }

  /** For the Graph delta routes: true when this delta request should find its token invalidated. */
  shouldInvalidateDelta(): boolean {
    return this.cfg.delta.invalidateRate > 0 && this.rng.chance(this.cfg.delta.invalidateRate);
  }
}

const registry = new WeakMap<object, Faults>();

/** Associates fault state with an emulator's store, so Graph modules can find it from their GraphContext. */
export function attachFaults(store: object, faults: Faults): void {
  registry.set(store, faults);
}

/** The fault state of the emulator owning `store` (e.g. `faultsFor(ctx.store)?.config.delta`). */
export function faultsFor(store: object): Faults | undefined {
  return registry.get(store);
}

/**
 * Who a Graph request is for: the app, the mailbox its path addresses (for logs: `tenant` outside any mailbox, `none`
 * for `/me` without a user) and what it counts against for throttling (null: not throttled itself).
 */
export type RequestIdentity = (req: FastifyRequest) => { appId: string; mailbox: string; throttleKey: string | null };

/** Installs the fault hooks on the `/v1.0` scope: latency, random errors, throttling (in that order). */
export function registerFaultHooks(scope: FastifyInstance, faults: Faults, identify: RequestIdentity): void {
  scope.addHook('onRequest', async (req, reply) => {
    const delay = faults.latencyMs();
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const random = faults.randomError();
    if (random) {
      (req as FaultTagged).emuFault = `error-${random.status}`;
      return sendGraphError(req, reply, random);
    }
    const who = identify(req);
    if (who.throttleKey === null) return;
    const admitted = faults.admit(who.appId, who.throttleKey);
    if (admitted instanceof GraphHttpError) {
      (req as FaultTagged).emuFault = admitted.message.includes('Concurrency')
        ? 'throttle-concurrency'
        : 'throttle-rate';
      return sendGraphError(req, reply, admitted);
    }
    (req as FaultTagged).emuRelease = admitted.release;
  });
  const release = async (req: FastifyRequest) => {
    (req as FaultTagged).emuRelease?.();
  };
  scope.addHook('onResponse', release);
  scope.addHook('onRequestAbort', release);
}

/** Request fields the fault hooks set (read by the request log). */
export interface FaultTagged extends FastifyRequest {
  emuFault?: string;
  emuRelease?: () => void;
}
