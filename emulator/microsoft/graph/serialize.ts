// Renders stored events, occurrences and calendars as Graph JSON: time zones, $select, @odata annotations.
import { movedItemId } from './ids.js';
import type { Getter, Preferences } from './odata.js';
import { occurrenceData } from './meetings.js';
import type { CalendarRecord, EventInstance, GraphEvent } from './model.js';
import { previewOf } from './event-build.js';
import { formatInZone } from './time.js';

/** Every property of microsoft.graph.event a client may $select. */
export const EVENT_PROPERTIES: ReadonlySet<string> = new Set([
  'id',
  'createdDateTime',
  'lastModifiedDateTime',
  'changeKey',
  'categories',
  'transactionId',
  'originalStartTimeZone',
  'originalEndTimeZone',
  'iCalUId',
  'reminderMinutesBeforeStart',
  'isReminderOn',
  'hasAttachments',
  'subject',
  'bodyPreview',
  'importance',
  'sensitivity',
  'isAllDay',
  'isCancelled',
  'isOrganizer',
  'responseRequested',
  'seriesMasterId',
  'showAs',
  'type',
  'webLink',
  'onlineMeetingUrl',
  'isOnlineMeeting',
  'onlineMeetingProvider',
  'allowNewTimeProposals',
  'isDraft',
  'hideAttendees',
  'responseStatus',
  'body',
  'start',
  'end',
  'location',
  'locations',
  'recurrence',
  'attendees',
  'organizer',
  'onlineMeeting',
  'originalStart',
  'cancelledOccurrences',
  'uid',
]);

/** How to render: requested zone, body type, $select, extended-property expansion. */
export interface RenderOptions {
  prefs: Pick<Preferences, 'timeZone' | 'bodyText'> & Partial<Pick<Preferences, 'immutableIds'>>;
  select?: string[] | null;
  /** Ids of single-value extended properties to include ($expand), lower-case; null = none. */
  extendedIds?: Set<string> | 'all' | null;
  /** Put "@odata.type" first (delta responses). */
  withType?: boolean;
}

/** The Graph data of an instance (a virtual occurrence gets its own id, type, times). */
export function instanceData(inst: EventInstance): GraphEvent {
  return inst.occurrence ? occurrenceData(inst) : inst.ev.data;
}

function rezone(
  data: GraphEvent,
  startMs: number,
  endMs: number,
  prefs: RenderOptions['prefs'],
): Pick<GraphEvent, 'start' | 'end'> {
  const label = prefs.timeZone?.label ?? 'UTC';
  const iana = prefs.timeZone?.iana ?? 'UTC';
  if (data.isAllDay && data.start?.dateTime && data.end?.dateTime) {
    // all-day events are floating dates: same wall clock whatever the zone asked for
    return {
      start: { dateTime: data.start.dateTime, timeZone: label },
      end: { dateTime: data.end.dateTime, timeZone: label },
    };
  }
  return {
    start: { dateTime: formatInZone(startMs, iana), timeZone: label },
    end: { dateTime: formatInZone(endMs, iana), timeZone: label },
  };
}

/** Renders one instance as a Graph event object (without @odata.context). */
export function renderEvent(inst: EventInstance, opts: RenderOptions): Record<string, unknown> {
  const data = instanceData(inst);
  const times = rezone(data, inst.startMs, inst.endMs, opts.prefs);
  const out: Record<string, unknown> = {};
  if (opts.withType) out['@odata.type'] = '#microsoft.graph.event';
  out['@odata.etag'] = `W/"${data.changeKey}"`;
  // Exchange returns `locations` alongside a selected `location`
  const sel = opts.select
    ? new Set(['id', ...opts.select, ...(opts.select.includes('location') ? ['locations'] : [])])
    : null;
  for (const [k, v] of Object.entries(data)) {
    if (v === undefined || k === 'singleValueExtendedProperties') continue;
    if (sel && !sel.has(k)) continue;
    if (k === 'start' || k === 'end') out[k] = times[k];
    else if (k === 'body' && opts.prefs.bodyText && v && (v as { contentType?: string }).contentType === 'html') {
      out[k] = { contentType: 'text', content: previewOf(v as { contentType: 'html'; content: string }) };
    } else out[k] = v;
  }
  // A moved event has a new default-format id; immutable ids (the keys) do not change. (Occurrence ids stay
  // derived from the series key: a limitation, see docs/fidelity.md.)
  const moves = inst.ev.moves ?? 0;
  if (moves > 0 && !opts.prefs.immutableIds) {
    if (!inst.occurrence && typeof out.id === 'string') out.id = movedItemId(out.id, moves);
    if (typeof out.seriesMasterId === 'string') out.seriesMasterId = movedItemId(out.seriesMasterId, moves);
  }
  // `uid`: one identifier for the whole series (master, occurrences, exceptions), unlike a per-item id.
  if (!sel || sel.has('uid')) out.uid = seriesUid(inst, data);
  const ext = opts.extendedIds;
  if (ext && data.singleValueExtendedProperties) {
    const list = data.singleValueExtendedProperties.filter((p) => ext === 'all' || ext.has((p.id ?? '').toLowerCase()));
    if (list.length) out.singleValueExtendedProperties = list;
  }
  return out;
}

/** The event's `uid`: the series master's iCalendar UID for every member of a series (exceptions copy it). */
function seriesUid(inst: EventInstance, data: GraphEvent): string | null {
  const own = (data as { uid?: string | null }).uid;
  return own ?? inst.ev.data.iCalUId ?? data.iCalUId ?? null;
}

/** A getter for $filter/$orderby over an instance; start/end dateTime read as instants. */
export function instanceGetter(inst: EventInstance): Getter {
  let data: GraphEvent | null = null;
  return (path) => {
    const [head, sub] = path;
    if ((head === 'start' || head === 'end') && sub === 'dateTime') return head === 'start' ? inst.startMs : inst.endMs;
    data ??= instanceData(inst);
    let v: unknown = data;
    for (const k of path) v = v == null ? undefined : (v as Record<string, unknown>)[k];
    return v;
  };
}

const CALENDAR_ORDER = [
  'id',
  'name',
  'color',
  'isDefaultCalendar',
  'changeKey',
  'canShare',
  'canViewPrivateItems',
  'hexColor',
  'canEdit',
  'allowedOnlineMeetingProviders',
  'defaultOnlineMeetingProvider',
  'isTallyingResponses',
  'isRemovable',
  'owner',
] as const;

/** Renders a calendar as Graph JSON (permissions are a separate navigation); `view` overrides sharee flags. */
export function renderCalendar(
  cal: CalendarRecord,
  select?: string[] | null,
  view: Partial<CalendarRecord> = {},
): Record<string, unknown> {
  const merged = { ...cal, ...view };
  const out: Record<string, unknown> = {};
  const sel = select ? new Set(['id', ...select]) : null;
  for (const k of CALENDAR_ORDER) if (!sel || sel.has(k)) out[k] = merged[k];
  return out;
}

/** Renders a calendar permission in Graph's property order. */
export function renderPermission(p: CalendarRecord['permissions'][number]): Record<string, unknown> {
  return {
    emailAddress: p.emailAddress,
    isRemovable: p.isRemovable,
    isInsideOrganization: p.isInsideOrganization,
    role: p.role,
    allowedRoles: p.allowedRoles,
    id: p.id,
  };
}

/** The `@odata.context` of an event collection or entity. */
export function eventsContext(
  baseUrl: string,
  userSegment: string,
  ownerId: string,
  select: string[] | null | undefined,
  entity: boolean,
): string {
  const who = userSegment === 'me' ? `users('${ownerId}')` : `users('${userSegment}')`;
  const sel = select?.length ? `(${select.join(',')})` : '';
  return `${baseUrl}/v1.0/$metadata#${who}/events${sel}${entity ? '/$entity' : ''}`;
}
