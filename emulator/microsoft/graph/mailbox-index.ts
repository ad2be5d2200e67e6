// Per-mailbox indexes of the Graph store: events by id, start-ordered singles, series masters and exceptions.
import type { CalendarRecord, ChangeRecord, MailboxSettingsRecord, StoredEvent } from './model.js';

/** One mailbox's data and indexes. */
export interface Mailbox {
  userId: string;
  calendars: Map<string, CalendarRecord>;
  defaultCalendarId: string;
  events: Map<string, StoredEvent>;
  /** Non-master events ordered by startMs (ties by id). */
  sorted: StoredEvent[];
  masters: Map<string, StoredEvent>;
  /** masterId → (originalStartMs → exception id). */
  exceptions: Map<string, Map<number, string>>;
  maxDurationMs: number;
  settings: MailboxSettingsRecord;
  changes: ChangeRecord[];
  seq: number;
  /** Oldest sequence a delta token may still start from. */
  minSeq: number;
  /** Bumped by invalidateDeltaTokens: older tokens answer 410. */
  epoch: number;
  transactionIds: Map<string, string>;
}

/** Orders events by start, then id. */
export function cmp(a: StoredEvent, b: StoredEvent): number {
  return a.startMs - b.startMs || (a.data.id! < b.data.id! ? -1 : a.data.id! > b.data.id! ? 1 : 0);
}

/** First index in `arr` whose startMs >= ms. */
export function lowerBound(arr: StoredEvent[], ms: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]!.startMs < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Adds an event to the mailbox maps and the start-ordered index (binary insertion). */
export function indexEvent(b: Mailbox, ev: StoredEvent): void {
  b.events.set(ev.data.id!, ev);
  if (ev.data.type === 'seriesMaster') {
    b.masters.set(ev.data.id!, ev);
    return;
  }
  if (ev.data.type === 'exception' && ev.data.seriesMasterId && ev.originalStartMs !== undefined) {
    const m = b.exceptions.get(ev.data.seriesMasterId) ?? new Map<number, string>();
    m.set(ev.originalStartMs, ev.data.id!);
    b.exceptions.set(ev.data.seriesMasterId, m);
  }
  b.maxDurationMs = Math.max(b.maxDurationMs, ev.endMs - ev.startMs);
  const s = b.sorted;
  if (s.length === 0 || cmp(s[s.length - 1]!, ev) <= 0) s.push(ev);
  else s.splice(lowerBound(s, ev.startMs), 0, ev);
}

/** Removes an event from the mailbox indexes (not from `events`). */
export function unindexEvent(b: Mailbox, ev: StoredEvent): void {
  if (ev.data.type === 'seriesMaster') {
    b.masters.delete(ev.data.id!);
    return;
  }
  if (ev.data.type === 'exception' && ev.data.seriesMasterId && ev.originalStartMs !== undefined) {
    b.exceptions.get(ev.data.seriesMasterId)?.delete(ev.originalStartMs);
  }
  for (let i = lowerBound(b.sorted, ev.startMs); i < b.sorted.length && b.sorted[i]!.startMs === ev.startMs; i++) {
    if (b.sorted[i] === ev) {
      b.sorted.splice(i, 1);
      return;
    }
  }
}
