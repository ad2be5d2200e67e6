// Incremental sync of the calendar list (calendarList.list with syncToken): the token holds what the caller's list held
// (calendar id → access role) when it was issued; a later call returns the entries added or changed since, and those
// gone from the list (calendar deleted, share removed) as `deleted: true` entries. Paging by offset, as events.list.
import { badRequest, fullSyncRequired, GoogleApiError } from './errors.js';
import { ACCESS_ROLES, type AccessRole } from './model.js';

type Q = Record<string, string | undefined>;

interface ListToken {
  /** The caller. */
  u: string;
  /** Generation of the caller's primary calendar (invalidateSyncTokens ends every token). */
  g: number;
  /** The entries then: [calendar id, version (access role and the user's own settings of the entry)]. */
  e: Array<[string, string]>;
}

const encode = (x: unknown) => Buffer.from(JSON.stringify(x)).toString('base64url');
function decode<T>(s: string): T | null {
  try {
    return JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as T;
  } catch {
    return null;
  }
}

export interface ListEntry {
  id: string;
  role: AccessRole;
  /** Changes when the entry changes for the user (role, their own settings); not with calendar properties. */
  version: string;
  hidden?: boolean;
}

/**
 * calendarList.list paging and sync. `entries`: the caller's list now (already in list order). Returns the entries of
 * this page (`deleted` ones carry only their id) and the page's tokens.
 */
export function calendarListPage(
  q: Q,
  caller: string,
  generation: number,
  entries: ListEntry[],
): { items: Array<ListEntry & { deleted?: true }>; nextPageToken?: string; nextSyncToken?: string } {
  const maxResults = q.maxResults === undefined ? 100 : Number(q.maxResults);
  if (!Number.isInteger(maxResults) || maxResults < 1) throw badRequest('Invalid value for maxResults', 'maxResults');
  const size = Math.min(250, maxResults);
  let items: Array<ListEntry & { deleted?: true }>;
  /** What the next sync token remembers: the whole list after a sync, what the caller was shown after a full list. */
  let shown = entries;
  if (q.syncToken !== undefined) {
    // minAccessRole cannot go with a sync token; deleted and hidden entries are always in an incremental result.
    const bad =
      q.minAccessRole !== undefined ? 'minAccessRole' : ['showDeleted', 'showHidden'].find((p) => q[p] === 'false');
    if (bad)
      throw new GoogleApiError(400, 'invalid', `Invalid parameter: ${bad} cannot be used together with syncToken.`, {
        locationType: 'parameter',
        location: bad,
      });
    const t = decode<ListToken>(q.syncToken);
    if (!t || t.u !== caller || t.g !== generation || !Array.isArray(t.e)) throw fullSyncRequired();
    const before = new Map(t.e);
    const now = new Set(entries.map((x) => x.id));
    items = [
      ...entries.filter((x) => before.get(x.id) !== x.version),
      ...[...before.keys()]
        .filter((id) => !now.has(id))
        .map((id) => ({ id, role: 'none' as const, version: '', deleted: true as const })),
    ];
  } else {
    const min = (q.minAccessRole ?? 'freeBusyReader') as AccessRole;
    if (!ACCESS_ROLES.includes(min) || min === 'none')
      throw badRequest('Invalid value for minAccessRole', 'minAccessRole');
    // Hidden entries only with showHidden (an incremental result always has them).
    items = entries.filter(
      (x) => ACCESS_ROLES.indexOf(x.role) >= ACCESS_ROLES.indexOf(min) && (!x.hidden || q.showHidden === 'true'),
    );
    shown = items;
  }
  const offset = q.pageToken ? (decode<{ o: number }>(q.pageToken)?.o ?? -1) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw badRequest('Invalid page token.', 'pageToken');
  const page = items.slice(offset, offset + size);
  if (offset + size < items.length) return { items: page, nextPageToken: encode({ o: offset + size }) };
  const token: ListToken = { u: caller, g: generation, e: shown.map((x) => [x.id, x.version]) };
  return { items: page, nextSyncToken: encode(token) };
}

interface VersionToken {
  u: string;
  /** The entries then: [id, version (etag)]. */
  e: Array<[string, string]>;
}

/**
 * settings.list paging and sync: `entries` are the caller's settings now with their etags. With a syncToken, only the
 * settings whose etag changed since (410 fullSyncRequired for a token of another user or one that does not decode).
 */
export function versionedPage<T extends { id: string; etag: string }>(
  q: Q,
  caller: string,
  entries: T[],
): { items: T[]; nextPageToken?: string; nextSyncToken?: string } {
  const maxResults = q.maxResults === undefined ? 100 : Number(q.maxResults);
  if (!Number.isInteger(maxResults) || maxResults < 1) throw badRequest('Invalid value for maxResults', 'maxResults');
  const size = Math.min(250, maxResults);
  let items = entries;
  if (q.syncToken !== undefined) {
    const t = decode<VersionToken>(q.syncToken);
    if (!t || t.u !== caller || !Array.isArray(t.e)) throw fullSyncRequired();
    const before = new Map(t.e);
    items = entries.filter((x) => before.get(x.id) !== x.etag);
  }
  const offset = q.pageToken ? (decode<{ o: number }>(q.pageToken)?.o ?? -1) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw badRequest('Invalid page token.', 'pageToken');
  const page = items.slice(offset, offset + size);
  if (offset + size < items.length) return { items: page, nextPageToken: encode({ o: offset + size }) };
  return {
    items: page,
    nextSyncToken: encode({ u: caller, e: entries.map((x) => [x.id, x.etag]) } satisfies VersionToken),
  };
}
