// Request log and counters for the emulator: per endpoint template, per mailbox and per status; resettable.

/** One logged request. */
export interface LoggedRequest {
  at: string;
  method: string;
  /** Concrete URL path with query. */
  url: string;
  /** Route template, e.g. `/v1.0/users/:id/events`, or the path when no route matched. */
  route: string;
  status: number;
  durationMs: number;
  /** Mailbox (user id or UPN) the request addressed, when known. */
  mailbox: string | null;
  /** Client id from the access token, when known. */
  appId: string | null;
  /** Fault that answered the request instead of the handler, if any (e.g. `throttle`). */
  fault: string | null;
}

/** Aggregated counts since the last reset. */
export interface RequestCounters {
  total: number;
  byRoute: Record<string, number>;
  byMailbox: Record<string, number>;
  byStatus: Record<string, number>;
  byFault: Record<string, number>;
}

/** Keeps the last `capacity` requests and counts all of them. */
export class RequestLog {
  private entries: LoggedRequest[] = [];
  private counters: RequestCounters = RequestLog.emptyCounters();

  constructor(private readonly capacity = 5000) {}

  private static emptyCounters(): RequestCounters {
    return { total: 0, byRoute: {}, byMailbox: {}, byStatus: {}, byFault: {} };
  }

  record(entry: LoggedRequest): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    const c = this.counters;
    c.total++;
    const key = `${entry.method} ${entry.route}`;
    c.byRoute[key] = (c.byRoute[key] ?? 0) + 1;
    if (entry.mailbox) c.byMailbox[entry.mailbox] = (c.byMailbox[entry.mailbox] ?? 0) + 1;
    c.byStatus[String(entry.status)] = (c.byStatus[String(entry.status)] ?? 0) + 1;
    if (entry.fault) c.byFault[entry.fault] = (c.byFault[entry.fault] ?? 0) + 1;
  }

  /** Logged requests, oldest first, optionally filtered. */
  list(filter: { route?: string; mailbox?: string; status?: number; limit?: number } = {}): LoggedRequest[] {
    let out = this.entries.filter(
      (e) =>
        (filter.route === undefined || e.route === filter.route || `${e.method} ${e.route}` === filter.route) &&
        (filter.mailbox === undefined || e.mailbox === filter.mailbox) &&
        (filter.status === undefined || e.status === filter.status),
    );
    if (filter.limit !== undefined) out = out.slice(-filter.limit);
    return out;
  }

  counts(): RequestCounters {
    return structuredClone(this.counters);
  }

  reset(): void {
    this.entries = [];
    this.counters = RequestLog.emptyCounters();
  }
}
