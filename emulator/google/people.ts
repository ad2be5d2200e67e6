// People API v1: `GET /v1/people:searchDirectoryPeople`, the domain directory of the signed-in Workspace user
// (domain profiles: the people of the user's own domain; resource calendars are not people). Scope
// directory.readonly. The People API is a newer Google API: its errors carry `status` and `details` (google.rpc),
// not the Calendar API's `errors[]`.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { unauthorized, sendGoogleError } from './errors.js';
import type { GoogleFaults } from './faults.js';
import type { GUser } from './model.js';
import { SCOPE_PREFIX, type OAuthState } from './oauth.js';
import type { GoogleStore } from './store.js';

export const DIRECTORY_SCOPES = ['directory.readonly'].map((s) => SCOPE_PREFIX + s);

const SOURCES = new Set(['DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE', 'DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT']);
/** readMask paths the emulator fills; other valid Person fields are accepted and left out. */
const FILLED = new Set(['names', 'emailAddresses', 'organizations', 'metadata', 'photos']);
const VALID_MASK = new Set([
  ...FILLED,
  'addresses',
  'biographies',
  'birthdays',
  'calendarUrls',
  'clientData',
  'coverPhotos',
  'events',
  'externalIds',
  'genders',
  'imClients',
  'interests',
  'locales',
  'locations',
  'memberships',
  'miscKeywords',
  'nicknames',
  'occupations',
  'phoneNumbers',
  'relations',
  'sipAddresses',
  'skills',
  'urls',
  'userDefined',
]);

/** An error of a google.rpc-style API: `{ error: { code, message, status, details? } }`. */
class RpcError extends Error {
  constructor(
    readonly code: number,
    readonly status: string,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
  }
}

const invalid = (message: string) => new RpcError(400, 'INVALID_ARGUMENT', message);

function sendRpc(reply: FastifyReply, e: RpcError): FastifyReply {
  return reply
    .code(e.code)
    .header('content-type', 'application/json; charset=UTF-8')
    .send({
      error: {
        code: e.code,
        message: e.message,
        status: e.status,
        ...(e.details.length ? { details: e.details } : {}),
      },
    });
}

const scopeInsufficient = () =>
  new RpcError(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
      domain: 'googleapis.com',
      metadata: {
        method: 'google.people.v1.PeopleService.SearchDirectoryPeople',
        service: 'people.googleapis.com',
      },
    },
  ]);

function personJson(u: GUser, mask: Set<string>) {
  const id = Buffer.from(u.email).toString('hex').slice(0, 21);
  const source = { type: 'DOMAIN_PROFILE', id };
  const [given, ...rest] = u.name.split(' ');
  const out: Record<string, unknown> = { resourceName: `people/${id}`, etag: `%${id}` };
  if (mask.has('metadata')) out.metadata = { sources: [source], objectType: 'PERSON' };
  if (mask.has('names'))
    out.names = [
      {
        metadata: { primary: true, source },
        displayName: u.name,
        givenName: given,
        familyName: rest.join(' ') || undefined,
        displayNameLastFirst: rest.length ? `${rest.join(' ')}, ${given}` : u.name,
      },
    ];
  if (mask.has('emailAddresses'))
    out.emailAddresses = [{ metadata: { primary: true, verified: true, source }, value: u.email }];
  if (mask.has('organizations') && u.title)
    out.organizations = [{ metadata: { primary: true, source }, title: u.title, type: 'work' }];
  return out;
}

/** Prefix match on any word of the name or on the address (the documented "prefix query"). */
function matches(u: GUser, q: string): boolean {
  const t = q.toLowerCase();
  if (u.email.toLowerCase().startsWith(t)) return true;
  const name = u.name.toLowerCase();
  return name.startsWith(t) || name.split(/\s+/).some((w) => w.startsWith(t));
}

export interface PeopleDeps {
  store: GoogleStore;
  oauth: OAuthState;
  faults: GoogleFaults;
}

export async function peopleRoutes(app: FastifyInstance, deps: PeopleDeps): Promise<void> {
  app.addHook('onRequest', async (req, reply) => {
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const t = token ? deps.oauth.lookup(token) : null;
    if (!t) return sendGoogleError(reply, unauthorized(req.headers.authorization === undefined));
    req.googleToken = t;
    await deps.faults.delay();
    const fault = deps.faults.check(t.user);
    if (fault) return sendGoogleError(reply, fault.error);
  });
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof RpcError) return sendRpc(reply, err);
    return sendRpc(reply, new RpcError(500, 'INTERNAL', 'Internal error encountered.'));
  });
  // `people:searchDirectoryPeople` (the colon is literal: escaped for the router).
  app.get('/v1/people::searchDirectoryPeople', async (req) => {
    const t = req.googleToken!;
    if (!t.scopes.some((s) => DIRECTORY_SCOPES.includes(s))) throw scopeInsufficient();
    const q = req.query as Record<string, string | string[] | undefined>;
    const one = (k: string) => (Array.isArray(q[k]) ? (q[k] as string[])[0] : (q[k] as string | undefined));
    const many = (k: string) => (q[k] === undefined ? [] : Array.isArray(q[k]) ? (q[k] as string[]) : [q[k] as string]);
    const query = one('query');
    if (query === undefined) throw invalid('query is required.');
    const rawMask = one('readMask');
    if (!rawMask)
      throw invalid(
        'readMask is required. Please specify one or more valid paths. Valid paths are documented at https://developers.google.com/people/api/rest/v1/people/searchDirectoryPeople.',
      );
    const mask = new Set(
      rawMask
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
    for (const p of mask) if (!VALID_MASK.has(p)) throw invalid(`Invalid readMask path "${p}".`);
    const sources = [...many('sources'), ...many('sources[]')];
    if (sources.length === 0) throw invalid('sources is required.');
    for (const s of sources)
      if (!SOURCES.has(s))
        throw invalid(`Invalid value at 'sources' (type.googleapis.com/google.people.v1.DirectorySourceType), "${s}"`);
    const size = one('pageSize') === undefined ? 100 : Number(one('pageSize'));
    if (!Number.isInteger(size) || size < 0 || size > 500)
      throw invalid('pageSize must be between 1 and 500, inclusive.');
    const me = deps.store.users.get(t.user);
    const profiles = sources.includes('DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE');
    const found =
      !me || !profiles || !query.trim()
        ? []
        : [...deps.store.users.values()]
            .filter((u) => u.kind === 'user' && u.domain === me.domain && matches(u, query.trim()))
            .sort((a, b) => a.name.localeCompare(b.name));
    const token = one('pageToken');
    const from = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
    if (!Number.isInteger(from) || from < 0) throw invalid('Invalid pageToken.');
    const end = from + (size || 100);
    const page = found.slice(from, end);
    return {
      people: page.map((u) => personJson(u, mask)),
      ...(found.length > end ? { nextPageToken: Buffer.from(String(end)).toString('base64url') } : {}),
      totalSize: found.length,
    };
  });
}
