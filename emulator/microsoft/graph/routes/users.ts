// Graph routes: the signed-in user's profile (/me) and other users' profiles (/users/{id | userPrincipalName}).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmuUser } from '../../contracts.js';
import type { GraphContext } from '../context.js';
import { GraphHttpError } from '../errors.js';
import { errors } from '../mailbox-access.js';
import { json, param } from '../route-helpers.js';

const FIELDS = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;

function profile(u: EmuUser, select: string[] | null): Record<string, unknown> {
  const all: Record<string, unknown> = {
    businessPhones: [],
    displayName: u.displayName,
    givenName: u.givenName,
    jobTitle: u.jobTitle,
    mail: u.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'en-US',
    surname: u.surname,
    userPrincipalName: u.userPrincipalName,
    id: u.id,
  };
  if (!select) return all;
  const out: Record<string, unknown> = {};
  for (const k of select) {
    if (!(FIELDS as readonly string[]).includes(k))
      throw errors.badRequest(
        `Could not find a property named '${k}' on type 'microsoft.graph.user'.`,
        'Request_BadRequest',
      );
    out[k] = all[k];
  }
  if (!('id' in out)) out.id = u.id;
  return out;
}

function selectOf(q: unknown): string[] | null {
  const s = (q as Record<string, string | undefined>).$select;
  return s
    ? s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : null;
}

export default async function userRoutes(app: FastifyInstance, ctx: GraphContext): Promise<void> {
  app.get('/me', async (req, reply) => {
    const p = await ctx.authenticate(req.headers.authorization);
    if (p.kind === 'application' || !p.userId)
      throw new GraphHttpError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
    if (
      !['User.Read', 'User.ReadWrite', 'User.ReadBasic.All', 'User.Read.All', 'Directory.Read.All'].some((s) =>
        p.scopes.has(s),
      )
    )
      throw new GraphHttpError(
        403,
        'Authorization_RequestDenied',
        'Insufficient privileges to complete the operation.',
      );
    const u = ctx.directory.users.get(p.userId);
    if (!u)
      throw new GraphHttpError(
        404,
        'Request_ResourceNotFound',
        `Resource '${p.userId}' does not exist or one of its queried reference-property objects are not present.`,
      );
    const sel = selectOf(req.query);
    return json(reply, 200, {
      '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#users${sel ? `(${sel.join(',')})` : ''}/$entity`,
      ...profile(u, sel),
    });
  });

  app.get('/users/:user', async (req, reply) => {
    const p = await ctx.authenticate(req.headers.authorization);
    const key = decodeURIComponent(param(req, 'user'));
    const u = ctx.directory.getUser(key);
    const self = !!u && u.id === p.userId;
    const allowed = self
      ? ['User.Read', 'User.ReadWrite', 'User.ReadBasic.All', 'User.Read.All', 'Directory.Read.All']
      : ['User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All'];
    if (!allowed.some((s) => p.scopes.has(s)))
      throw new GraphHttpError(
        403,
        'Authorization_RequestDenied',
        'Insufficient privileges to complete the operation.',
      );
    if (!u || u.tenantId !== p.tenantId) {
      throw new GraphHttpError(
        404,
        'Request_ResourceNotFound',
        `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`,
      );
    }
    const sel = selectOf(req.query);
    return json(reply, 200, {
      '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#users${sel ? `(${sel.join(',')})` : ''}/$entity`,
      ...profile(u, sel),
    });
  });

  // The manager of a user (Graph `GET /me/manager`, `GET /users/{id}/manager`): 404 when the user has none.
  const manager = async (req: FastifyRequest, reply: FastifyReply, key: string | null) => {
    const p = await ctx.authenticate(req.headers.authorization);
    const u = key === null ? (p.userId ? ctx.directory.users.get(p.userId) : undefined) : ctx.directory.getUser(key);
    const self = !!u && u.id === p.userId;
    const allowed = self
      ? ['User.Read', 'User.ReadWrite', 'User.ReadBasic.All', 'User.Read.All', 'Directory.Read.All']
      : ['User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All'];
    if (key === null && (p.kind === 'application' || !p.userId))
      throw new GraphHttpError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
    if (!allowed.some((s) => p.scopes.has(s)))
      throw new GraphHttpError(
        403,
        'Authorization_RequestDenied',
        'Insufficient privileges to complete the operation.',
      );
    const m = u && u.tenantId === p.tenantId && u.managerId ? ctx.directory.users.get(u.managerId) : undefined;
    if (!u || u.tenantId !== p.tenantId || !m)
      throw new GraphHttpError(
        404,
        'Request_ResourceNotFound',
        `Resource '${key ?? 'manager'}' does not exist or one of its queried reference-property objects are not present.`,
      );
    const sel = selectOf(req.query);
    return json(reply, 200, {
      '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#directoryObjects/$entity`,
      '@odata.type': '#microsoft.graph.user',
      ...profile(m, sel),
    });
  };
  app.get('/me/manager', (req, reply) => manager(req, reply, null));
  app.get('/users/:user/manager', (req, reply) => manager(req, reply, decodeURIComponent(param(req, 'user'))));
}
