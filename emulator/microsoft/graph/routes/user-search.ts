// Graph directory search: `GET /users` with `$search` (an advanced query: `ConsistencyLevel: eventual` or 400
// Request_UnsupportedQuery), `$filter=startswith(...)` (a default query), `$count`, `$top`, `$select`; and the People
// API, `GET /me/people?$search=` (People.Read). Room mailboxes are user objects in Entra ID, so /users lists them too;
// the People API answers people only. Only the caller's own tenant is searched.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmuUser, Principal } from '../../contracts.js';
import type { GraphContext } from '../context.js';
import { GraphHttpError } from '../errors.js';
import { json } from '../route-helpers.js';

/** Delegated permissions GET /users accepts (list users: User.ReadBasic.All is the least privileged). */
export const LIST_USERS_SCOPES = ['User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All'];
/** Delegated permissions GET /me/people accepts. */
export const PEOPLE_SCOPES = ['People.Read', 'People.Read.All'];

const USER_FIELDS = [
  'id',
  'displayName',
  'givenName',
  'surname',
  'mail',
  'userPrincipalName',
  'jobTitle',
  'businessPhones',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
];
/** Properties `$search` and `startswith` accept on users (the emulator's subset of Graph's indexed properties). */
const SEARCHABLE = new Set(['displayName', 'givenName', 'surname', 'mail', 'userPrincipalName', 'jobTitle']);

const denied = () =>
  new GraphHttpError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
const unsupported = (message: string) => new GraphHttpError(400, 'Request_UnsupportedQuery', message);

type Q = Record<string, string | undefined>;
type Match = (u: EmuUser) => boolean;

function value(u: EmuUser, prop: string): string {
  const v = (u as unknown as Record<string, unknown>)[prop];
  return typeof v === 'string' ? v.toLowerCase() : '';
}

/** displayName-like properties are tokenised (any word may start with the text); addresses match from the start. */
function clauseMatch(prop: string, text: string): Match {
  const t = text.toLowerCase();
  if (prop === 'mail' || prop === 'userPrincipalName') return (u) => value(u, prop).startsWith(t);
  return (u) => {
    const v = value(u, prop);
    return v.startsWith(t) || v.split(/[\s.,_@'-]+/).some((w) => w.startsWith(t));
  };
}

/**
 * Parses `"prop:text" [AND|OR] "prop:text" …` (clauses in double quotes, left to right, no parentheses).
 * @example parseSearch('"displayName:meg" OR "mail:meg"')
 */
export function parseSearch(raw: string): Match {
  const re = /\s*"([^"]*)"\s*(?:(AND|OR)\s+|$)/gy;
  let m: RegExpExecArray | null;
  let acc: Match | null = null;
  let op: 'AND' | 'OR' | null = null;
  let consumed = 0;
  while ((m = re.exec(raw)) !== null) {
    consumed = re.lastIndex;
    const clause = m[1] ?? '';
    const colon = clause.indexOf(':');
    if (colon <= 0)
      throw unsupported(`Invalid $search clause '${clause}': use "property:text", for example "displayName:meg".`);
    const prop = clause.slice(0, colon);
    if (!SEARCHABLE.has(prop))
      throw unsupported(
        `Unsupported or invalid query filter clause specified for property '${prop}' of resource 'User'.`,
      );
    const next = clauseMatch(prop, clause.slice(colon + 1));
    const prev = acc as Match | null;
    acc = !prev ? next : op === 'AND' ? (u) => prev(u) && next(u) : (u) => prev(u) || next(u);
    op = (m[2] as 'AND' | 'OR' | undefined) ?? null;
    if (re.lastIndex >= raw.length) break;
  }
  if (!acc || consumed < raw.trimEnd().length)
    throw new GraphHttpError(400, 'BadRequest', `Syntax error: '${raw}' is not a valid $search expression.`);
  return acc;
}

/** `startswith(prop,'text')` clauses joined by `or` / `and`: the default (non-advanced) filter a picker uses. */
export function parseStartsWith(raw: string): Match {
  const parts = raw.split(/\s+(and|or)\s+/i);
  let acc: Match | null = null;
  for (let i = 0; i < parts.length; i += 2) {
    const m = /^\s*startswith\(\s*(\w+)\s*,\s*'((?:[^']|'')*)'\s*\)\s*$/i.exec(parts[i] ?? '');
    if (!m) throw unsupported('Unsupported Query.');
    const prop = m[1]!;
    if (!SEARCHABLE.has(prop))
      throw unsupported(
        `Unsupported or invalid query filter clause specified for property '${prop}' of resource 'User'.`,
      );
    const t = m[2]!.replace(/''/g, "'").toLowerCase();
    const next: Match = (u) => value(u, prop).startsWith(t);
    const prev = acc as Match | null;
    const op = (parts[i - 1] ?? '').toLowerCase();
    acc = !prev ? next : op === 'and' ? (u) => prev(u) && next(u) : (u) => prev(u) || next(u);
  }
  return acc!;
}

function selectOf(q: Q, allowed: string[], type: string): string[] | null {
  if (!q.$select) return null;
  const sel = q.$select
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  for (const k of sel)
    if (!allowed.includes(k))
      throw new GraphHttpError(400, 'BadRequest', `Could not find a property named '${k}' on type '${type}'.`);
  return sel;
}

function topOf(q: Q, max: number): number {
  if (q.$top === undefined) return 100;
  const n = Number(q.$top);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new GraphHttpError(
      400,
      'Request_UnsupportedQuery',
      `Invalid page size specified: '${q.$top}'. Must be between 1 and ${max} inclusive.`,
    );
  return n;
}

function userJson(u: EmuUser, sel: string[] | null): Record<string, unknown> {
  const all: Record<string, unknown> = {
    id: u.id,
    displayName: u.displayName,
    givenName: u.givenName,
    surname: u.surname,
    mail: u.mail,
    userPrincipalName: u.userPrincipalName,
    jobTitle: u.jobTitle,
    businessPhones: [],
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'en-US',
  };
  if (!sel) return all;
  return Object.fromEntries(sel.map((k) => [k, all[k]]));
}

const eventual = (req: FastifyRequest) => String(req.headers.consistencylevel ?? '').toLowerCase() === 'eventual';

async function delegated(ctx: GraphContext, req: FastifyRequest): Promise<Principal> {
  return ctx.authenticate(req.headers.authorization);
}

export default async function userSearchRoutes(app: FastifyInstance, ctx: GraphContext): Promise<void> {
  app.get('/users', async (req, reply) => {
    const p = await delegated(ctx, req);
    if (!LIST_USERS_SCOPES.some((s) => p.scopes.has(s)) && !(p.kind === 'application' && p.scopes.has('User.Read.All')))
      throw denied();
    const q = req.query as Q;
    // $search on directory objects is an advanced query: without the header Graph refuses it (the documented body).
    if (q.$search !== undefined && !eventual(req))
      throw unsupported(
        "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
      );
    if (q.$count !== undefined && !['true', 'false'].includes(q.$count))
      throw new GraphHttpError(400, 'BadRequest', `Invalid value '${q.$count}' for $count: use true or false.`);
    // $count=true is itself an advanced query parameter: without the header, Graph refuses it.
    if (q.$count === 'true' && !eventual(req)) throw unsupported('Unsupported Query.');
    const sel = selectOf(q, USER_FIELDS, 'microsoft.graph.user');
    const top = topOf(q, 999);
    const search = q.$search !== undefined ? parseSearch(q.$search.trim()) : null;
    const filter = q.$filter !== undefined ? parseStartsWith(q.$filter) : null;
    const all = ctx.directory
      .usersOfTenant(p.tenantId)
      .filter((u) => (!search || search(u)) && (!filter || filter(u)))
      .sort((a, b) => a.displayName.localeCompare(b.displayName));
    const sel2 = sel ? `(${sel.join(',')})` : '';
    return json(reply, 200, {
      '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#users${sel2}`,
      ...(q.$count === 'true' ? { '@odata.count': all.length } : {}),
      value: all.slice(0, top).map((u) => userJson(u, sel)),
    });
  });

  // People API: the people relevant to the signed-in user, people only (no rooms), fuzzy prefix search on names and
  // addresses. Relevance here: the user's manager and direct reports and peers first, then everyone else by name.
  app.get('/me/people', async (req, reply) => {
    const p = await delegated(ctx, req);
    if (p.kind === 'application' || !p.userId)
      throw new GraphHttpError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
    if (!PEOPLE_SCOPES.some((s) => p.scopes.has(s)))
      throw new GraphHttpError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
    const q = req.query as Q;
    const me = ctx.directory.users.get(p.userId);
    const top = topOf(q, 1000);
    const text = (q.$search ?? '').trim().replace(/^"|"$/g, '').toLowerCase();
    const match = text ? clauseMatch('displayName', text) : () => true;
    const near = (u: EmuUser) =>
      !!me && (u.id === me.managerId || u.managerId === me.id || (!!me.managerId && u.managerId === me.managerId));
    const people = ctx.directory
      .usersOfTenant(p.tenantId)
      .filter((u) => u.kind === 'user' && u.id !== p.userId && (match(u) || value(u, 'mail').startsWith(text)))
      .sort((a, b) => Number(near(b)) - Number(near(a)) || a.displayName.localeCompare(b.displayName));
    return json(reply, 200, {
      '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#users('${p.userId}')/people`,
      value: people.slice(0, top).map((u) => ({
        id: u.id,
        displayName: u.displayName,
        givenName: u.givenName,
        surname: u.surname,
        jobTitle: u.jobTitle,
        companyName: null,
        userPrincipalName: u.userPrincipalName,
        scoredEmailAddresses: [
          { address: u.mail, relevanceScore: near(u) ? 20 : 8, selectionLikelihood: 'notSpecified' },
        ],
        personType: { class: 'Person', subclass: 'OrganizationUser' },
      })),
    });
  });
}
