// Shared by the providers' sync rounds: the series masters a page of changes refers to without carrying them.
import type { EventChange } from '../ports/calendar-provider.js';

/**
 * Ids of the series masters that upserted occurrences or exceptions in `changes` point at but that `changes` does not
 * carry (each once, in order of first mention): the provider reads them and prepends them to the page.
 */
export function missingSeriesMasterIds(changes: readonly EventChange[]): string[] {
  const present = new Set(changes.flatMap((c) => (c.kind === 'upsert' ? [c.event.id] : [])));
  return [
    ...new Set(
      changes.flatMap((c) =>
        c.kind === 'upsert' && c.event.seriesMasterId && !present.has(c.event.seriesMasterId)
          ? [c.event.seriesMasterId]
          : [],
      ),
    ),
  ];
}
