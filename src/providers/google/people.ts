// People search in the Google Workspace directory: People API `GET /v1/people:searchDirectoryPeople` with
// `sources=DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE` (the domain's people; resource calendars are not among them) and
// `readMask=names,emailAddresses,organizations`. Scope `directory.readonly`; without it Google answers 403
// PERMISSION_DENIED (ACCESS_TOKEN_SCOPE_INSUFFICIENT). An account outside Workspace (gmail.com) has no directory.
import { AppError } from '../../domain/errors.js';
import type { DirectoryEntry, PeopleSearchParams } from '../../ports/calendar-provider.js';
import type { GoogleCalendarClient } from './client.js';

/** The scope the search needs. */
export const DIRECTORY_SCOPE = 'https://www.googleapis.com/auth/directory.readonly';
/** Production host of the People API (an emulator or proxy serves it at its own base URL). */
export const PEOPLE_API = 'https://people.googleapis.com';

interface GPerson {
  names?: Array<{ displayName?: string | null; metadata?: { primary?: boolean | null } | null }>;
  emailAddresses?: Array<{ value?: string | null; metadata?: { primary?: boolean | null } | null }>;
  organizations?: Array<{ title?: string | null; metadata?: { primary?: boolean | null } | null }>;
}

const primary = <T extends { metadata?: { primary?: boolean | null } | null }>(xs: T[] | undefined): T | undefined =>
  xs?.find((x) => x.metadata?.primary) ?? xs?.[0];

/** The People API's root for `apiBaseUrl` (Google's own host in production, the same base for an emulator). */
export function peopleBaseUrlFor(apiBaseUrl: string): string {
  const base = apiBaseUrl.replace(/\/+$/, '');
  return base === 'https://www.googleapis.com' ? PEOPLE_API : base;
}

/**
 * Domain profiles whose name or address starts with the query.
 * @example await googleSearchPeople(client, PEOPLE_API, { query: 'meg', limit: 10 })
 */
export async function googleSearchPeople(
  client: GoogleCalendarClient,
  baseUrl: string,
  params: PeopleSearchParams,
): Promise<DirectoryEntry[]> {
  const query = params.query.trim();
  if (!query) return [];
  const u = new URL(`${baseUrl.replace(/\/+$/, '')}/v1/people:searchDirectoryPeople`);
  u.searchParams.set('query', query);
  u.searchParams.set('readMask', 'names,emailAddresses,organizations');
  u.searchParams.set('sources', 'DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE');
  u.searchParams.set('pageSize', String(Math.min(500, Math.max(1, params.limit))));
  let page: { people?: GPerson[] };
  try {
    page = await client.getJson<{ people?: GPerson[] }>('people', u.toString());
  } catch (e) {
    if (e instanceof AppError && e.code === 'permission_denied')
      throw new AppError(
        'permission_denied',
        "Searching your organisation's directory needs Google's directory.readonly permission, which this connection was not granted: reconnect Google Calendar and allow it.",
        { details: { ...e.details, missingScope: DIRECTORY_SCOPE }, cause: e },
      );
    throw e;
  }
  const out: DirectoryEntry[] = [];
  for (const p of page.people ?? []) {
    const email = primary(p.emailAddresses)?.value?.toLowerCase();
    if (!email) continue;
    out.push({ email, name: primary(p.names)?.displayName ?? null, jobTitle: primary(p.organizations)?.title ?? null });
  }
  return out.slice(0, params.limit);
}
