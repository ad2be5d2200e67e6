// The emulator's clock: real time plus an offset that the admin API (and tests) can move or set.

/** A movable clock. `now` is bound, so it can be passed around as a plain `() => number`. */
export class EmuClock {
  private offsetMs: number;
  private readonly initialOffsetMs: number;

  /** `initialOffsetMs` is where the clock starts and where `reset()` puts it back (default 0: real time). */
  constructor(
    private readonly base: () => number = Date.now,
    initialOffsetMs = 0,
  ) {
    if (!Number.isFinite(initialOffsetMs)) throw new RangeError('the initial clock offset must be a finite number');
    this.offsetMs = initialOffsetMs;
    this.initialOffsetMs = initialOffsetMs;
  }

  readonly now = (): number => this.base() + this.offsetMs;

  /** Moves the clock forward (or back, with a negative value) by `ms`. Returns the new time. */
  advance(ms: number): number {
    if (!Number.isFinite(ms)) throw new RangeError('advance() needs a finite number of milliseconds');
    this.offsetMs += ms;
    return this.now();
  }

  /** Sets the clock to an absolute instant (epoch ms); it runs on from there. Returns the new time. */
  set(instantMs: number): number {
    if (!Number.isFinite(instantMs)) throw new RangeError('set() needs a finite instant in epoch milliseconds');
    this.offsetMs = instantMs - this.base();
    return this.now();
  }

  /** Sets the offset from real time. Returns the new time. */
  setOffset(ms: number): number {
    if (!Number.isFinite(ms)) throw new RangeError('setOffset() needs a finite number of milliseconds');
    this.offsetMs = ms;
    return this.now();
  }

  /** The current offset from real time. */
  get offset(): number {
    return this.offsetMs;
  }

  /** Back to the offset the clock was created with. */
  reset(): void {
    this.offsetMs = this.initialOffsetMs;
  }
}

/** An instant given as epoch ms, an ISO 8601 string or a Date, in epoch ms; throws a RangeError when invalid. */
export function parseInstant(value: string | number | Date): number {
  const ms =
    typeof value === 'number'
      ? value
      : value instanceof Date
        ? value.getTime()
        : // Date.parse accepts many shapes; require at least a full date.
          /^\d{4}-\d{2}-\d{2}/.test(value)
          ? Date.parse(value)
          : Number.NaN;
  if (!Number.isFinite(ms))
    throw new RangeError(`not an instant: ${String(value)} (use ISO 8601, e.g. 2026-12-12T10:00:00Z)`);
  return ms;
}

/**
 * The starting offset of an emulator clock from its start options: `now` (an instant the clock starts at) wins
 * over `clockOffsetMs`; neither gives 0 (real time).
 */
export function initialClockOffset(
  opts: { now?: string | number | Date; clockOffsetMs?: number },
  base: () => number = Date.now,
): number {
  if (opts.now !== undefined) return parseInstant(opts.now) - base();
  if (opts.clockOffsetMs !== undefined) {
    if (!Number.isFinite(opts.clockOffsetMs)) throw new RangeError('clockOffsetMs must be a finite number');
    return opts.clockOffsetMs;
  }
  return 0;
}

/**
 * Applies a `POST /_emulator/clock` body to the clock: exactly one of `advanceMs` (move by), `now` (set to an
 * instant, ISO 8601 or epoch ms) or `offsetMs` (set the offset from real time). Returns the clock's answer, or an
 * error message for a 400.
 */
export function applyClockRequest(
  clock: EmuClock,
  body: unknown,
): { ok: true; answer: { now: string; offsetMs: number } } | { ok: false; message: string } {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const given = (['advanceMs', 'now', 'offsetMs'] as const).filter((k) => b[k] !== undefined);
  if (given.length !== 1) return { ok: false, message: 'Give exactly one of advanceMs, now or offsetMs.' };
  try {
    if (given[0] === 'advanceMs') {
      if (typeof b.advanceMs !== 'number') return { ok: false, message: 'advanceMs must be a number.' };
      clock.advance(b.advanceMs);
    } else if (given[0] === 'offsetMs') {
      if (typeof b.offsetMs !== 'number') return { ok: false, message: 'offsetMs must be a number.' };
      clock.setOffset(b.offsetMs);
    } else {
      if (typeof b.now !== 'string' && typeof b.now !== 'number')
        return { ok: false, message: 'now must be an ISO 8601 instant or epoch milliseconds.' };
      clock.set(parseInstant(b.now));
    }
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
  return { ok: true, answer: clockAnswer(clock) };
}

/** What `GET /_emulator/clock` answers. */
export function clockAnswer(clock: EmuClock): { now: string; offsetMs: number } {
  return { now: new Date(clock.now()).toISOString(), offsetMs: clock.offset };
}
