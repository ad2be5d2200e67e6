// Test harness for the calendar routes: a small directory, a store and a Fastify app with a fake authenticate.
import Fastify, { type FastifyInstance } from 'fastify';
import type { EmuUser, Principal } from '../contracts.js';
import type { GraphContext } from './context.js';
import { Directory } from '../directory.js';
import { GraphHttpError, sendGraphError } from './errors.js';
import { MailboxStore } from './store.js';

export const TENANT = '11111111-1111-4111-8111-111111111111';
export const OTHER_TENANT = '22222222-2222-4222-8222-222222222222';

/** Every delegated calendar scope. */
export const ALL_SCOPES = [
  'Calendars.ReadWrite',
  'Calendars.ReadWrite.Shared',
  'MailboxSettings.ReadWrite',
  'User.Read',
  'User.ReadBasic.All',
];

function user(id: string, tenantId: string, mail: string, name: string, extra: Partial<EmuUser> = {}): EmuUser {
  return {
    id,
    tenantId,
    userPrincipalName: mail,
    mail,
    displayName: name,
    givenName: name.split(' ')[0] ?? null,
    surname: name.split(' ')[1] ?? null,
    jobTitle: null,
    kind: 'user',
    mailbox: 'exchangeOnline',
    password: 'x',
    ...extra,
  };
}

/** Builds a directory with Contoso (adele, megan, alex, onprem, room) and Acme (bob). */
export function testDirectory(): Directory {
  const d = new Directory();
  d.addTenant({ id: TENANT, displayName: 'Contoso', domains: ['contoso.com'] });
  d.addTenant({ id: OTHER_TENANT, displayName: 'Acme', domains: ['acmecorp.com'] });
  d.addUser(user('a0000000-0000-4000-8000-000000000001', TENANT, 'adele.vance@contoso.com', 'Adele Vance'));
  d.addUser(user('a0000000-0000-4000-8000-000000000002', TENANT, 'megan.bowen@contoso.com', 'Megan Bowen'));
  d.addUser(user('a0000000-0000-4000-8000-000000000003', TENANT, 'alex.wilber@contoso.com', 'Alex Wilber'));
  d.addUser(
    user('a0000000-0000-4000-8000-000000000004', TENANT, 'legacy.user@contoso.com', 'Legacy User', {
      mailbox: 'onPremises',
    }),
  );
  d.addUser(
    user('a0000000-0000-4000-8000-000000000005', TENANT, 'rainier@contoso.com', 'Conf Room Rainier', { kind: 'room' }),
  );
  d.addUser(user('b0000000-0000-4000-8000-000000000001', OTHER_TENANT, 'bob@acmecorp.com', 'Bob Buyer'));
  return d;
}

/** An app-only token for the fake authenticate: "Bearer app:<tenantId>|<role> <role>…". */
export function appTokenFor(tenantId: string, roles: string[]): string {
  return `Bearer app:${tenantId}|${roles.join(' ')}`;
}

/** A token for the fake authenticate: "Bearer <userId>|<scope> <scope>…". */
export function tokenFor(userId: string, scopes: string[] = ALL_SCOPES): string {
  return `Bearer ${userId}|${scopes.join(' ')}`;
}

/** A Fastify app with the given route modules under /v1.0 and Graph's error rendering. */
export async function buildTestApp(
  routes: Array<(app: FastifyInstance, ctx: GraphContext) => Promise<void>>,
  opts: { now?: number } = {},
): Promise<{
  app: FastifyInstance;
  ctx: GraphContext;
  store: MailboxStore;
  directory: Directory;
  clock: { now: number };
}> {
  const directory = testDirectory();
  const clock = { now: opts.now ?? Date.parse('2026-11-16T12:00:00Z') };
  const store = new MailboxStore({ directory, clock: () => clock.now });
  for (const u of directory.users.values()) if (u.mailbox === 'exchangeOnline') store.ensureMailbox(u);
  const ctx: GraphContext = {
    directory,
    store,
    clock: () => clock.now,
    baseUrl: () => 'https://graph.test',
    authenticate: async (h): Promise<Principal> => {
      const app = /^Bearer app:([^|]+)\|(.*)$/.exec(h ?? '');
      if (app)
        return {
          kind: 'application',
          tenantId: app[1]!,
          userId: null,
          appId: 'app',
          scopes: new Set(app[2]!.split(' ').filter(Boolean)),
        };
      const m = /^Bearer (.+?)\|(.*)$/.exec(h ?? '');
      if (!m) throw new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
      const u = directory.users.get(m[1]!);
      if (!u) throw new GraphHttpError(401, 'InvalidAuthenticationToken', 'Unknown user.');
      return {
        kind: 'delegated',
        tenantId: u.tenantId,
        userId: u.id,
        appId: 'app',
        scopes: new Set(m[2]!.split(' ').filter(Boolean)),
      };
    },
  };
  // As the server: path segments match without regard to case, long ids fit in a parameter.
  const app = Fastify({ routerOptions: { maxParamLength: 500, caseSensitive: false } });
  app.setErrorHandler((err, req, reply) => {
    if (err instanceof GraphHttpError) return sendGraphError(req, reply, err);
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    return sendGraphError(
      req,
      reply,
      new GraphHttpError(
        status,
        status === 500 ? 'InternalServerError' : 'BadRequest',
        status === 500 ? `internal: ${(err as Error).message}` : (err as Error).message,
      ),
    );
  });
  await app.register(
    async (scoped) => {
      for (const r of routes) await r(scoped, ctx);
    },
    { prefix: '/v1.0' },
  );
  await app.ready();
  return { app, ctx, store, directory, clock };
}

/** Reads a conformance case from the shared corpus (never copied into the repo; tests check corpusAvailable first). */
export async function conformanceCase(id: string): Promise<{
  request: { url: string; body: unknown } | null;
  response: { status: number | null; body: unknown } | null;
}> {
  const { readFile } = await import('node:fs/promises');
  const { corpusPath } = await import('../../conformance/corpus.js');
  return JSON.parse(await readFile(corpusPath('graph-conformance', 'cases', `${id}.json`), 'utf8')) as never;
}

/**
 * Differences in shape between a documented body and ours: every property of `expected` must exist in
 * `actual` with the same JSON type (null matches anything; arrays compare their first elements).
 */
export function shapeDiff(expected: unknown, actual: unknown, path = '$'): string[] {
  if (expected === null || actual === null) return [];
  const kind = (v: unknown) => (Array.isArray(v) ? 'array' : typeof v);
  if (kind(expected) !== kind(actual)) return [`${path}: expected ${kind(expected)}, got ${kind(actual)}`];
  if (Array.isArray(expected)) {
    const a = actual as unknown[];
    if (expected.length === 0 || a.length === 0) return [];
    return shapeDiff(expected[0], a[0], `${path}[0]`);
  }
  if (typeof expected === 'object') {
    const out: string[] = [];
    for (const [k, v] of Object.entries(expected as Record<string, unknown>)) {
      const act = actual as Record<string, unknown>;
      if (!(k in act)) out.push(`${path}.${k}: missing`);
      else out.push(...shapeDiff(v, act[k], `${path}.${k}`));
    }
    return out;
  }
  return [];
}
