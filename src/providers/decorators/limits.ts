// Per-mailbox limits as transport wrappers: at most N concurrent requests, and a request budget per time window
// kept below the provider's own limit (Outlook: 4 concurrent, 10,000 per 10 minutes per app and mailbox).
import { realTiming, type HttpRequest, type HttpTransport, type Timing, type TransportDecorator } from './http.js';

/** A counting semaphore that admits weighted holders in arrival order. */
class Semaphore {
  private used = 0;
  private readonly waiters: Array<{ weight: number; go: () => void }> = [];
  constructor(private readonly capacity: number) {}

  async acquire(weight: number): Promise<() => void> {
    const w = Math.min(weight, this.capacity);
    if (this.waiters.length === 0 && this.used + w <= this.capacity) this.used += w;
    else await new Promise<void>((go) => this.waiters.push({ weight: w, go }));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= w;
      this.drain();
    };
  }

  private drain(): void {
    while (this.waiters.length > 0 && this.used + this.waiters[0]!.weight <= this.capacity) {
      const next = this.waiters.shift()!;
      this.used += next.weight;
      next.go();
    }
  }

  get idle(): boolean {
    return this.used === 0 && this.waiters.length === 0;
  }
}

const keyOf = (req: HttpRequest) => req.limitKey ?? 'default';

/**
 * No more than `limit` requests in flight per limit key (a batch counts its weight).
 * @example compose(transport, retry(), concurrencyLimit(4))
 */
export function concurrencyLimit(limit = 4): TransportDecorator {
  const semaphores = new Map<string, Semaphore>();
  return (next: HttpTransport) => async (req) => {
    const key = keyOf(req);
    let s = semaphores.get(key);
    if (!s) semaphores.set(key, (s = new Semaphore(limit)));
    const release = await s.acquire(req.weight ?? 1);
    try {
      return await next(req);
    } finally {
      release();
      if (s.idle) semaphores.delete(key);
    }
  };
}

export interface BudgetOptions {
  /** Requests allowed per window and key (default 9,000: a margin below Outlook's 10,000). */
  requests?: number;
  windowMs?: number;
  timing?: Timing;
}

/**
 * A sliding-window request budget per limit key: when spent, requests wait for the oldest to leave the window
 * instead of drawing the provider's 429s.
 */
export function requestBudget(opts: BudgetOptions = {}): TransportDecorator {
  const max = opts.requests ?? 9_000;
  const windowMs = opts.windowMs ?? 600_000;
  const timing = opts.timing ?? realTiming;
  const windows = new Map<string, number[]>();
  return (next: HttpTransport) => async (req) => {
    const key = keyOf(req);
    const weight = Math.min(req.weight ?? 1, max);
    for (;;) {
      const now = timing.now();
      const hits = (windows.get(key) ?? []).filter((t) => t > now - windowMs);
      if (hits.length + weight <= max) {
        for (let i = 0; i < weight; i++) hits.push(now);
        windows.set(key, hits);
        break;
      }
      windows.set(key, hits);
      await timing.sleep(Math.max(1, hits[hits.length + weight - max - 1]! + windowMs - now));
    }
    return next(req);
  };
}
