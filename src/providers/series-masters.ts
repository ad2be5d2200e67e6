// Shared by the providers' sync rounds: the series masters a page of changes refers to without carrying them.
import type { EventChange } from '../ports/calendar-provider.js';

/**
 * Ids of the series masters that upserted occurrences or exceptions in `changes` point at but that neither `changes`
 * carries nor `known` holds (each once, in order of first mention): the provider reads them and prepends them to the
 * page. `known` is the masters the sync run already delivered in earlier pages.
 */
export function missingSeriesMasterIds(
  changes: readonly EventChange[],
  known: ReadonlySet<string> = new Set(),
): string[] {
  const present = new Set<string>();
  for (const c of changes) if (c.kind === 'upsert') present.add(c.event.id);
  const missing = new Set<string>();
  for (const c of changes) {
    const master = c.kind === 'upsert' ? c.event.seriesMasterId : null;
    if (master && !present.has(master) && !known.has(master)) missing.add(master);
  }
  return [...missing];
}
