// events.list: time-range listing (masters or singleEvents expansion), paging, and syncToken incremental sync
// (410 fullSyncRequired for an unknown or invalidated token, 400 for parameters that cannot go with a token).
import { DateTime } from 'luxon';
import { badRequest, fullSyncRequired, GoogleApiError, timeRangeEmpty, updatedMinTooLongAgo } from './errors.js';
import type { AccessRole, GCalendar, GEvent } from './model.js';
import { instantOf, zoneOf } from './recurrence.js';
import { eventJson } from './serialize.js';
import type { GoogleStore } from './store.js';

type Q = Record<string, string | undefined>;

interface SyncToken {
  c: string;
  s: number;
  g: number;
  /** Window (ms) of the full sync, used to expand series when singleEvents. */
  w: [number, number] | null;
  se: boolean;
}

const encode = (x: unknown) => Buffer.from(JSON.stringify(x)).toString('base64url');
function decode<T>(s: string): T | null {
  try {
    return JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as T;
  } catch {
    return null;
  }
}

/** A query parameter that may be repeated (Fastify gives an array then). */
const many = (v: unknown): string[] => (v === undefined ? [] : ([] as string[]).concat(v as string | string[]));

/** `maxAttendees` (at least 1): more attendees than that are cut to the caller's own entry. */
export function maxAttendeesOf(q: Q): number | undefined {
  if (q.maxAttendees === undefined) return undefined;
  const n = Number(q.maxAttendees);
  if (!Number.isInteger(n) || n < 1) throw badRequest('Invalid value for maxAttendees', 'maxAttendees');
  return n;
}

const NOT_WITH_SYNC = [
  'iCalUID',
  'orderBy',
  'privateExtendedProperty',
  'q',
  'sharedExtendedProperty',
  'timeMin',
  'timeMax',
  'updatedMin',
];

function parseTime(v: string | undefined, name: string): DateTime | null {
  if (v === undefined) return null;
  const d = DateTime.fromISO(v, { setZone: true });
  if (!d.isValid || !/(Z|[+-]\d\d:?\d\d)$/i.test(v)) throw badRequest(`Bad Request`, name);
  return d;
}

/** Expands the changed/listed events into what the caller sees (instances when singleEvents). */
function expand(
  store: GoogleStore,
  cal: GCalendar,
  events: GEvent[],
  single: boolean,
  from: DateTime,
  to: DateTime,
  withCancelled: boolean,
): GEvent[] {
  const out: GEvent[] = [];
  for (const e of events) {
    if (!single) {
      out.push(e);
      continue;
    }
    if (e.recurringEventId) {
      // Exceptions are listed through their master, unless only the exception changed (sync).
      if (withCancelled || store.overlaps(cal, e, from, to)) out.push(e);
      continue;
    }
    if (e.recurrence) {
      if (e.status === 'cancelled') {
        out.push(e);
        continue;
      }
      out.push(...store.instances(cal, e, from, to, withCancelled));
    } else out.push(e);
  }
  return out;
}

/** Answers events.list for a calendar the caller may read (`accessRole`: the caller's role on it). */
export function listEvents(
  store: GoogleStore,
  cal: GCalendar,
  q: Q,
  accessRole: AccessRole = 'owner',
): Record<string, unknown> {
  const maxResults = Math.min(2500, Math.max(1, Number(q.maxResults ?? 250) || 250));
  if (q.maxResults !== undefined && !(Number(q.maxResults) >= 1))
    throw badRequest('Invalid value for maxResults', 'maxResults');
  let single = q.singleEvents === 'true';
  let items: GEvent[];
  let window: [number, number] | null;
  if (q.syncToken !== undefined) {
    // All deletions since the token are always in the result: showDeleted may not be false with a token.
    const bad =
      NOT_WITH_SYNC.find((p) => q[p] !== undefined) ?? (q.showDeleted === 'false' ? 'showDeleted' : undefined);
    if (bad)
      throw new GoogleApiError(400, 'invalid', `Invalid parameter: ${bad} cannot be used together with syncToken.`, {
        locationType: 'parameter',
        location: bad,
      });
    const t = decode<SyncToken>(q.syncToken);
    if (!t || t.c !== cal.id || t.g !== cal.generation || t.s > cal.seq) throw fullSyncRequired();
    window = t.w;
    single = single || t.se;
    const from = window ? DateTime.fromMillis(window[0]) : DateTime.fromMillis(store.now()).minus({ years: 1 });
    const to = window ? DateTime.fromMillis(window[1]) : DateTime.fromMillis(store.now()).plus({ years: 2 });
    const changed = [...cal.events.values()].filter((e) => e.seq > t.s).sort((a, b) => a.seq - b.seq);
    items = expand(store, cal, changed, single, from, to, true);
  } else {
    const min = parseTime(q.timeMin, 'timeMin');
    const max = parseTime(q.timeMax, 'timeMax');
    if (min && max && max.toMillis() <= min.toMillis()) throw timeRangeEmpty();
    const updatedMin = parseTime(q.updatedMin, 'updatedMin');
    // Deletions are remembered for about four weeks; older updatedMin values cannot be answered.
    if (updatedMin && updatedMin.toMillis() < store.now() - 28 * 86_400_000) throw updatedMinTooLongAgo();
    if (q.orderBy === 'startTime' && !single)
      throw badRequest('The requested ordering is not available for the particular query.', 'orderBy');
    const from = min ?? DateTime.fromMillis(store.now()).minus({ years: 1 });
    const to = max ?? DateTime.fromMillis(store.now()).plus({ years: 2 });
    window = [from.toMillis(), to.toMillis()];
    const showDeleted = q.showDeleted === 'true';
    // Without showDeleted, deleted events are left out, but cancelled instances of a live series stay when the series
    // is not expanded (singleEvents false): the client needs them to show the series right.
    let base = [...cal.events.values()].filter(
      (e) =>
        showDeleted ||
        updatedMin !== null ||
        e.status !== 'cancelled' ||
        (!single && e.recurringEventId !== undefined && cal.events.get(e.recurringEventId)?.status !== 'cancelled'),
    );
    if (updatedMin) base = base.filter((e) => Date.parse(e.updated) >= updatedMin.toMillis());
    if (single) base = base.filter((e) => !e.recurringEventId);
    if (q.iCalUID) base = base.filter((e) => e.iCalUID === q.iCalUID);
    // Extended property constraints (propertyName=value, repeatable, all must match), private and shared apart.
    for (const kind of ['private', 'shared'] as const)
      for (const p of many(q[`${kind}ExtendedProperty`])) {
        const at = p.indexOf('=');
        const [k, v] = at < 0 ? [p, ''] : [p.slice(0, at), p.slice(at + 1)];
        base = base.filter((e) => e.extendedProperties?.[kind]?.[k] === v);
      }
    // Free text: summary, description, location, attendees' and the organizer's names and addresses.
    if (q.q) {
      const terms = q.q.toLowerCase().split(/\s+/).filter(Boolean);
      const text = (e: GEvent) =>
        [
          e.summary,
          e.description,
          e.location,
          e.organizer.email,
          e.organizer.displayName,
          ...(e.attendees ?? []).flatMap((a) => [a.email, a.displayName]),
        ]
          .filter(Boolean)
          .join(' ')
          .toLowerCase();
      base = base.filter((e) => terms.every((term) => text(e).includes(term)));
    }
    const inRange = (e: GEvent) => e.recurrence !== undefined || store.overlaps(cal, e, from, to);
    items = expand(store, cal, base.filter(inRange), single, from, to, showDeleted);
    if (single) items = items.filter((e) => store.overlaps(cal, e, from, to));
    if (q.orderBy === 'updated') items.sort((a, b) => a.updated.localeCompare(b.updated));
    else items.sort((a, b) => store.startMs(cal, a) - store.startMs(cal, b) || a.id.localeCompare(b.id));
  }
  const types = many(q.eventTypes);
  if (types.length > 0) items = items.filter((e) => types.includes(e.eventType));
  const offset = q.pageToken ? (decode<{ o: number }>(q.pageToken)?.o ?? -1) : 0;
  if (offset < 0) throw badRequest('Invalid page token.', 'pageToken');
  const page = items.slice(offset, offset + maxResults);
  const more = offset + maxResults < items.length;
  const owner = store.users.get(cal.owner);
  return {
    kind: 'calendar#events',
    etag: `"${cal.seq}"`,
    summary: cal.id,
    description: '',
    updated: new Date(store.now()).toISOString(),
    timeZone: cal.timeZone,
    accessRole,
    defaultReminders: owner?.kind === 'room' ? [] : [{ method: 'popup', minutes: 10 }],
    ...(more
      ? { nextPageToken: encode({ o: offset + maxResults }) }
      : {
          nextSyncToken: encode({
            c: cal.id,
            s: cal.seq,
            g: cal.generation,
            w: window,
            se: single,
          } satisfies SyncToken),
        }),
    items: page.map((e) =>
      eventJson(store, cal, e, {
        idOnlyWhenDeleted: q.syncToken !== undefined && q.showDeleted !== 'true',
        maxAttendees: maxAttendeesOf(q),
      }),
    ),
  };
}

/** events.instances: the instances of one series. */
export function listInstances(store: GoogleStore, cal: GCalendar, master: GEvent, q: Q): Record<string, unknown> {
  const min = parseTime(q.timeMin, 'timeMin') ?? instantOf(master.start, zoneOf(master.start, cal.timeZone));
  const max = parseTime(q.timeMax, 'timeMax') ?? DateTime.fromMillis(store.now()).plus({ years: 2 });
  // originalStart: only the instance that was originally at that time (moved or not), whatever the range.
  const original = parseTime(q.originalStart, 'originalStart');
  let all = original
    ? store.instances(cal, master, original, original.plus({ minutes: 1 }), q.showDeleted === 'true')
    : store.instances(cal, master, min, max, q.showDeleted === 'true');
  if (original)
    all = all.filter(
      (e) =>
        e.originalStartTime !== undefined &&
        instantOf(e.originalStartTime, zoneOf(e.originalStartTime, cal.timeZone)).toMillis() === original.toMillis(),
    );
  const maxResults = Math.min(2500, Math.max(1, Number(q.maxResults ?? 250) || 250));
  const offset = q.pageToken ? (decode<{ o: number }>(q.pageToken)?.o ?? 0) : 0;
  const page = all.slice(offset, offset + maxResults);
  return {
    kind: 'calendar#events',
    etag: store.etag(master),
    summary: cal.id,
    updated: master.updated,
    timeZone: cal.timeZone,
    accessRole: 'owner',
    defaultReminders: [{ method: 'popup', minutes: 10 }],
    ...(offset + maxResults < all.length ? { nextPageToken: encode({ o: offset + maxResults }) } : {}),
    items: page.map((e) => eventJson(store, cal, e, { maxAttendees: maxAttendeesOf(q) })),
  };
}
