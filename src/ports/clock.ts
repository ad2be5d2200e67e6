// The Clock port: the one source of "now" for domain, services and jobs; tests pin it instead of reading the wall clock.

export interface Clock {
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock tests set and move: starts at `start` and moves only when told to (or, with `running`, with real time).
 * @example const clock = fixedClock('2026-12-12T10:00:00Z'); clock.advance(60_000);
 */
export function fixedClock(
  start: string | Date,
  opts: { running?: boolean } = {},
): Clock & {
  set(t: string | Date): void;
  advance(ms: number): void;
} {
  let base = new Date(start).getTime();
  let realAtBase = Date.now();
  return {
    now: () => new Date(opts.running ? base + (Date.now() - realAtBase) : base),
    set(t) {
      base = new Date(t).getTime();
      realAtBase = Date.now();
    },
    advance(ms) {
      base += ms;
    },
  };
}
