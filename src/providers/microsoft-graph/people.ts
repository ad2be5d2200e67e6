// People search in the organisation's directory: Graph `GET /users?$search="displayName:…" OR "mail:…"` (delegated
// User.ReadBasic.All). `$search` on directory objects is an advanced query: it needs `ConsistencyLevel: eventual`
// (without it Graph answers 400 Request_UnsupportedQuery). Room mailboxes are user objects in Entra ID, so the rooms
// the mailbox can see are left out; when the room list cannot be read (no Place.Read.All consent), entries with
// neither a given name nor a surname (how room and resource mailboxes are made) are left out instead.
import { AppError } from '../../domain/errors.js';
import type { DirectoryEntry, PeopleSearchParams, RoomInfo } from '../../ports/calendar-provider.js';
import type { GraphClient } from './client.js';

/** The delegated permission the search needs (user-consentable). */
export const PEOPLE_SEARCH_SCOPE = 'User.ReadBasic.All';

interface GraphUser {
  displayName?: string | null;
  givenName?: string | null;
  surname?: string | null;
  mail?: string | null;
  userPrincipalName?: string | null;
  jobTitle?: string | null;
}

/** A `$search` clause's text: double quotes and backslashes cannot be escaped inside one, so they are dropped. */
const clauseText = (q: string) => q.replace(/["\\]/g, ' ').replace(/\s+/g, ' ').trim();

/**
 * Directory people whose name (any word) or address starts with the query, rooms excluded.
 * @example await graphSearchPeople(graph, { query: 'meg', limit: 10 }, async () => []) // [{ email: 'megan.bowen@…' }]
 */
export async function graphSearchPeople(
  graph: GraphClient,
  params: PeopleSearchParams,
  /** The rooms the mailbox can list; a rejection (no Place.Read.All, rooms turned off) means "unknown". */
  rooms: () => Promise<RoomInfo[]>,
): Promise<DirectoryEntry[]> {
  const q = clauseText(params.query);
  if (!q) return [];
  const search = `"displayName:${q}" OR "mail:${q}"`;
  // A few more than asked for: rooms the search also finds are removed afterwards.
  const top = Math.min(999, params.limit + 5);
  const path = `/users?$search=${encodeURIComponent(search)}&$select=displayName,givenName,surname,mail,userPrincipalName,jobTitle&$top=${top}&$count=true`;
  const [page, roomList] = await Promise.all([
    graph
      .call<{ value?: GraphUser[] }>({
        method: 'GET',
        path,
        headers: { ConsistencyLevel: 'eventual' },
        idempotent: true,
      })
      .catch((e: unknown) => {
        if (e instanceof AppError && e.code === 'permission_denied')
          throw new AppError(
            'permission_denied',
            `Searching the organisation's directory needs the Microsoft Graph permission ${PEOPLE_SEARCH_SCOPE}, which this connection was not granted: reconnect Outlook to grant it.`,
            { details: { ...e.details, missingScope: PEOPLE_SEARCH_SCOPE }, cause: e },
          );
        throw e;
      }),
    rooms().catch(() => null),
  ]);
  const roomSet = new Set((roomList ?? []).map((r) => r.email.toLowerCase()));
  // Without the room list, a nameless account (no given name, no surname) is taken for a room or resource mailbox.
  const nameless = (u: GraphUser) => roomList === null && !u.givenName && !u.surname;
  const out: DirectoryEntry[] = [];
  for (const u of page.value ?? []) {
    const email = (u.mail ?? u.userPrincipalName ?? '').toLowerCase();
    // Accounts without a mailbox address (and guests' #EXT# principal names) cannot be invited.
    if (!email || email.includes('#ext#') || roomSet.has(email) || nameless(u)) continue;
    out.push({ email, name: u.displayName ?? null, jobTitle: u.jobTitle ?? null });
    if (out.length >= params.limit) break;
  }
  return out;
}
