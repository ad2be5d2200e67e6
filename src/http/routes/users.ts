// The organisation's people and API keys: members list their colleagues (to pick approvers); admins invite, change
// roles, deactivate, reactivate, revoke sessions, delete, and manage API keys. Roles per route: src/http/access.ts.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { User } from '../../domain/tenancy.js';
import type { ApiKeyRecord } from '../../ports/stores.js';
import type { UserService } from '../../services/tenancy/user-service.js';
import { actorOf } from '../auth.js';
import type { RouteModule } from '../app-deps.js';
import { errors, IdParams } from '../schemas.js';

const RoleSchema = Type.Union([Type.Literal('member'), Type.Literal('approver'), Type.Literal('admin')]);
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const UserOut = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    displayName: Nullable(Type.String()),
    role: RoleSchema,
    status: Type.Union([Type.Literal('invited'), Type.Literal('active'), Type.Literal('deactivated')], {
      description: '`invited` until their first sign-in; `deactivated` users cannot sign in and have no keys',
    }),
  },
  { $id: 'User' },
);

const ApiKeyOut = Type.Object(
  {
    id: Type.String(),
    prefix: Type.String({ description: 'The first characters of the key after `cbk_`, to recognise it' }),
    user: Type.Object({ id: Type.String(), email: Type.String() }),
    createdAt: Type.String({ format: 'date-time' }),
    lastUsedAt: Nullable(Type.String({ format: 'date-time', description: 'To the minute' })),
    revokedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'ApiKey' },
);

const InviteBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 320 }),
    displayName: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }))),
    role: RoleSchema,
  },
  { additionalProperties: false },
);

const PatchBody = Type.Object({ role: RoleSchema }, { additionalProperties: false });

const CreateKeyBody = Type.Object(
  { userId: Type.String({ format: 'uuid', description: 'The active user the key acts as' }) },
  { additionalProperties: false },
);

const userOut = (u: User) => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  role: u.role,
  status: u.status,
});

const keyOut = (k: ApiKeyRecord) => ({
  id: k.id,
  prefix: k.prefix,
  user: { id: k.userId, email: k.userEmail },
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

export function userRoutes(users: UserService): RouteModule {
  return async (untyped: FastifyInstance) => {
    const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(UserOut);
    app.addSchema(ApiKeyOut);
    const tags = ['users'];
    app.get(
      '/api/users',
      {
        schema: {
          tags,
          summary: "The organisation's users (every member may list their colleagues, to pick approvers)",
          response: { 200: Type.Object({ users: Type.Array(Type.Ref('User')) }), ...errors() },
        },
      },
      async (req) => ({ users: (await users.list(actorOf(req))).map(userOut) }),
    );
    app.post(
      '/api/users',
      {
        schema: {
          tags,
          summary: 'Invite a person: a user with status `invited`, active from their first sign-in',
          body: InviteBody,
          response: { 201: Type.Ref('User'), ...errors(403, 409) },
        },
      },
      async (req, reply) => {
        const u = await users.invite(actorOf(req), req.body);
        return reply.code(201).send(userOut(u));
      },
    );
    app.patch(
      '/api/users/:id',
      {
        schema: {
          tags,
          summary: "Change a user's role (409 last_admin when no active admin would be left)",
          params: IdParams,
          body: PatchBody,
          response: { 200: Type.Ref('User'), ...errors(403, 409) },
        },
      },
      async (req) => userOut(await users.changeRole(actorOf(req), req.params.id, req.body.role)),
    );
    app.post(
      '/api/users/:id/deactivate',
      {
        schema: {
          tags,
          summary: 'Deactivate a user: sessions and API keys revoked at once, calendar connections stopped, data kept',
          params: IdParams,
          response: {
            200: Type.Object({
              user: Type.Ref('User'),
              sessionsRevoked: Type.Integer(),
              apiKeysRevoked: Type.Integer(),
            }),
            ...errors(403, 409),
          },
        },
      },
      async (req) => {
        const r = await users.deactivate(actorOf(req), req.params.id);
        return { user: userOut(r.user), sessionsRevoked: r.sessions, apiKeysRevoked: r.apiKeys };
      },
    );
    app.post(
      '/api/users/:id/reactivate',
      {
        schema: {
          tags,
          summary: 'Let a deactivated user sign in again (their old keys and sessions stay revoked)',
          params: IdParams,
          response: { 200: Type.Ref('User'), ...errors(403) },
        },
      },
      async (req) => userOut(await users.reactivate(actorOf(req), req.params.id)),
    );
    app.delete(
      '/api/users/:id/sessions',
      {
        schema: {
          tags,
          summary: 'End every browser session of a user',
          params: IdParams,
          response: { 200: Type.Object({ ended: Type.Integer() }), ...errors(403) },
        },
      },
      async (req) => ({ ended: await users.revokeSessions(actorOf(req), req.params.id) }),
    );
    app.delete(
      '/api/users/:id',
      {
        schema: {
          tags,
          summary:
            'Delete a user: tokens erased at once, their personal data removed (see docs/security.md), a record kept in the audit trail',
          params: IdParams,
          response: { 204: Type.Null(), ...errors(403, 409) },
        },
      },
      async (req, reply) => {
        await users.delete(actorOf(req), req.params.id);
        return reply.code(204).send(null);
      },
    );

    const keyTags = ['api-keys'];
    app.get(
      '/api/api-keys',
      {
        schema: {
          tags: keyTags,
          summary: "The organisation's API keys (never the keys themselves)",
          response: { 200: Type.Object({ apiKeys: Type.Array(Type.Ref('ApiKey')) }), ...errors(403) },
        },
      },
      async (req) => ({ apiKeys: (await users.listApiKeys(actorOf(req))).map(keyOut) }),
    );
    app.post(
      '/api/api-keys',
      {
        schema: {
          tags: keyTags,
          summary: 'Issue an API key for a user; the key is in this answer only',
          body: CreateKeyBody,
          response: {
            201: Type.Object({
              apiKey: Type.String({ description: 'Shown once; only its hash is stored' }),
              key: Type.Ref('ApiKey'),
            }),
            ...errors(403, 409),
          },
        },
      },
      async (req, reply) => {
        const r = await users.createApiKey(actorOf(req), req.body.userId);
        return reply.code(201).send({ apiKey: r.apiKey, key: keyOut(r.key) });
      },
    );
    app.delete(
      '/api/api-keys/:id',
      {
        schema: {
          tags: keyTags,
          summary: 'Revoke an API key (at once in this process, within 10 s in the others)',
          params: IdParams,
          response: { 200: Type.Ref('ApiKey'), ...errors(403) },
        },
      },
      async (req) => keyOut(await users.revokeApiKey(actorOf(req), req.params.id)),
    );
  };
}
