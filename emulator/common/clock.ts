// The emulator's clock: real time plus an offset that the admin API (and tests) can move forward.

/** A movable clock. `now` is bound, so it can be passed around as a plain `() => number`. */
export class EmuClock {
  private offsetMs = 0;

  constructor(private readonly base: () => number = Date.now) {}

  readonly now = (): number => this.base() + this.offsetMs;

  /** Moves the clock forward (or back, with a negative value) by `ms`. Returns the new time. */
  advance(ms: number): number {
    if (!Number.isFinite(ms)) throw new RangeError('advance() needs a finite number of milliseconds');
    this.offsetMs += ms;
    return this.now();
  }

  /** The current offset from real time. */
  get offset(): number {
    return this.offsetMs;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
