// Fault injection for the Calendar API: per-user rate limiting (403 or 429 rateLimitExceeded, or a usage limit such
// as quotaExceeded / dailyLimitExceeded), random 500/503 backend errors, latency, and Meet creation that stays pending
// or fails; reproducible from a seed.
import { createRng, type Rng } from '../common/rng.js';
import { GoogleApiError, RATE_REASONS, rateLimit, type RateReason } from './errors.js';

export interface GoogleFaultConfig {
  seed: number;
  /** Per user: more than `requestsPerWindow` requests in `windowSeconds` are refused with `status`. */
  throttle: {
    enabled: boolean;
    requestsPerWindow: number;
    windowSeconds: number;
    status: 403 | 429;
    retryAfterSeconds: number | null;
    reason: RateReason;
  };
  /** Each Calendar API request fails with probability `rate`, status picked from `statuses`. */
  errors: { rate: number; statuses: Array<500 | 503> };
  latency: { fixedMs: number };
  /**
   * Meet creation (conferenceData.createRequest): Google creates conferences asynchronously. With `pendingReads` > 0
   * a new conference answers `pending` to the write and to that many events.get reads, then ends in `outcome`;
   * `outcome: 'failure'` ends it without entry points (statusCode failure).
   */
  conference: { pendingReads: number; outcome: 'success' | 'failure' };
}

export type GoogleFaultPatch = {
  [K in keyof GoogleFaultConfig]?: GoogleFaultConfig[K] extends object
    ? Partial<GoogleFaultConfig[K]>
    : GoogleFaultConfig[K];
};

export const DEFAULT_GOOGLE_FAULTS: GoogleFaultConfig = {
  seed: 1,
  throttle: {
    enabled: false,
    requestsPerWindow: 600,
    windowSeconds: 60,
    status: 403,
    retryAfterSeconds: null,
    reason: 'rateLimitExceeded',
  },
  errors: { rate: 0, statuses: [500, 503] },
  latency: { fixedMs: 0 },
  conference: { pendingReads: 0, outcome: 'success' },
};

export class FaultConfigError extends Error {}

function validate(c: GoogleFaultConfig): GoogleFaultConfig {
  const bad = (m: string) => {
    throw new FaultConfigError(m);
  };
  if (!Number.isInteger(c.seed)) bad('seed must be an integer');
  if (!(c.throttle.requestsPerWindow >= 1)) bad('throttle.requestsPerWindow must be >= 1');
  if (!(c.throttle.windowSeconds > 0)) bad('throttle.windowSeconds must be > 0');
  if (c.throttle.status !== 403 && c.throttle.status !== 429) bad('throttle.status must be 403 or 429');
  if (!RATE_REASONS.includes(c.throttle.reason)) bad(`throttle.reason must be one of ${RATE_REASONS.join(', ')}`);
  if (!(c.errors.rate >= 0 && c.errors.rate <= 1)) bad('errors.rate must be between 0 and 1');
  if (
    !Array.isArray(c.errors.statuses) ||
    c.errors.statuses.length === 0 ||
    c.errors.statuses.some((s) => s !== 500 && s !== 503)
  )
    bad('errors.statuses must list 500 and/or 503');
  if (!(c.latency.fixedMs >= 0)) bad('latency.fixedMs must be >= 0');
  if (!(Number.isInteger(c.conference.pendingReads) && c.conference.pendingReads >= 0))
    bad('conference.pendingReads must be an integer >= 0');
  if (c.conference.outcome !== 'success' && c.conference.outcome !== 'failure')
    bad("conference.outcome must be 'success' or 'failure'");
  return c;
}

export class GoogleFaults {
  config: GoogleFaultConfig = structuredClone(DEFAULT_GOOGLE_FAULTS);
  private rng: Rng = createRng(1);
  private windows = new Map<string, number[]>();

  constructor(
    private readonly now: () => number,
    initial: GoogleFaultPatch = {},
  ) {
    this.update(initial);
  }

  update(patch: GoogleFaultPatch): GoogleFaultConfig {
    if (typeof patch !== 'object' || patch === null) throw new FaultConfigError('faults must be a JSON object');
    for (const k of Object.keys(patch))
      if (!(k in DEFAULT_GOOGLE_FAULTS)) throw new FaultConfigError(`unknown fault setting '${k}'`);
    const c = this.config;
    this.config = validate({
      seed: patch.seed ?? c.seed,
      throttle: { ...c.throttle, ...patch.throttle },
      errors: { ...c.errors, ...patch.errors },
      latency: { ...c.latency, ...patch.latency },
      conference: { ...c.conference, ...patch.conference },
    });
    this.rng = createRng(this.config.seed);
    this.windows.clear();
    return this.config;
  }

  reset(initial: GoogleFaultPatch = {}): void {
    this.config = structuredClone(DEFAULT_GOOGLE_FAULTS);
    this.update(initial);
  }

  /** The fault answering this request instead of the handler, if any (throttle counts every request). */
  check(user: string): { error: GoogleApiError; kind: string } | null {
    const t = this.config.throttle;
    if (t.enabled) {
      const now = this.now();
      const times = (this.windows.get(user) ?? []).filter((x) => x > now - t.windowSeconds * 1000);
      if (times.length >= t.requestsPerWindow) {
        this.windows.set(user, times);
        return { error: rateLimit(t.status, t.retryAfterSeconds ?? undefined, t.reason), kind: 'throttle' };
      }
      times.push(now);
      this.windows.set(user, times);
    }
    const e = this.config.errors;
    if (e.rate > 0 && this.rng.chance(e.rate)) {
      const status = this.rng.pick(e.statuses);
      const error =
        status === 500
          ? new GoogleApiError(500, 'backendError', 'Backend Error')
          : new GoogleApiError(503, 'backendError', 'The service is currently unavailable.');
      return { error, kind: `error${status}` };
    }
    return null;
  }

  async delay(): Promise<void> {
    if (this.config.latency.fixedMs > 0) await new Promise((r) => setTimeout(r, this.config.latency.fixedMs));
  }
}
