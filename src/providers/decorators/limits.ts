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
 * The send times of one key's requests in the window, oldest first: expired times leave from the front (a head index,
 * the array compacted in place now and then) instead of the window being copied on every request — at 9,000 a window
 * that copy was 72 KB and O(n) per request (issue 20).
 */
class SendTimes {
  private times: number[] = [];
  private head = 0;

  /** Forgets the times at or before `cutoff`; returns how many are left. */
  expire(cutoff: number): number {
    const t = this.times;
    let h = this.head;
    while (h < t.length && t[h]! <= cutoff) h++;
    if (h === t.length) {
      t.length = 0;
      h = 0;
    } else if (h >= 1024 && h * 2 >= t.length) {
      t.copyWithin(0, h);
      t.length -= h;
      h = 0;
    }
    this.head = h;
    return t.length - h;
  }

  /** Adds `count` sends at `now`, kept in order (a clock that stepped back puts them among the later ones). */
  add(now: number, count: number): void {
    const t = this.times;
    for (let k = 0; k < count; k++) {
      let i = t.length;
      while (i > this.head && t[i - 1]! > now) i--;
      if (i === t.length) t.push(now);
      else t.splice(i, 0, now);
    }
  }

  /** The i-th oldest time still in the window. */
  at(i: number): number {
    return this.times[this.head + i]!;
  }
}

/**
 * A sliding-window request budget per limit key: when spent, requests wait for the oldest to leave the window
 * instead of drawing the provider's 429s.
 */
export function requestBudget(opts: BudgetOptions = {}): TransportDecorator {
  const max = opts.requests ?? 9_000;
  const windowMs = opts.windowMs ?? 600_000;
  const timing = opts.timing ?? realTiming;
  const windows = new Map<string, SendTimes>();
  return (next: HttpTransport) => async (req) => {
    const key = keyOf(req);
    const weight = Math.min(req.weight ?? 1, max);
    let sent = windows.get(key);
    if (!sent) windows.set(key, (sent = new SendTimes()));
    for (;;) {
      const now = timing.now();
      const inWindow = sent.expire(now - windowMs);
      if (inWindow + weight <= max) {
        sent.add(now, weight);
        break;
      }
      await timing.sleep(Math.max(1, sent.at(inWindow + weight - max - 1) + windowMs - now));
    }
    return next(req);
  };
}
