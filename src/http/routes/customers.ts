// Customers and stakeholders: /api/customers CRUD, scoped by the caller's tenant.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../auth.js';
import type { AppDeps } from '../app-deps.js';
import { CUSTOMER_SORTS } from '../../domain/customers.js';
import { errors, IdParams, Paging, Uuid } from '../schemas.js';

const StakeholderInput = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 320 }),
    name: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    role: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
  },
  { additionalProperties: false },
);
const Stakeholder = Type.Object({
  id: Type.String(),
  customerId: Type.String(),
  email: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  role: Type.Union([Type.String(), Type.Null()]),
});
const Customer = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    domains: Type.Array(Type.String()),
    subjectPatterns: Type.Array(Type.String()),
    stakeholders: Type.Array(Stakeholder),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'Customer' },
);
const CustomerCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    domains: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 50 })),
    subjectPatterns: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50 })),
    stakeholders: Type.Optional(Type.Array(StakeholderInput, { maxItems: 500 })),
  },
  { additionalProperties: false },
);
const CustomerPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    domains: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 50 })),
    subjectPatterns: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
const ListQuery = Type.Intersect([
  Paging,
  Type.Object({
    search: Type.Optional(Type.String({ maxLength: 100, description: 'Part of the name (case-insensitive)' })),
    sort: Type.Optional(
      Type.Union(
        CUSTOMER_SORTS.map((s) => Type.Literal(s)),
        {
          description:
            'Order of the list, applied before `limit`/`offset` (default `name`): `name`; `createdAt`; `health` (the ' +
            'engagement score of GET /api/customers/scores); `trend` (down, flat, up); `lastContact` (never ' +
            'contacted first, then the longest ago). Ties go by name. Another value is 400 `validation_failed`.',
        },
      ),
    ),
    order: Type.Optional(
      Type.Union([Type.Literal('asc'), Type.Literal('desc')], {
        description: '`asc` (default) or `desc`; ties still go by name A→Z',
      }),
    ),
  }),
]);

export default async function customerRoutes(untyped: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(Customer);
  const tags = ['customers'];
  app.get(
    '/api/customers',
    {
      schema: {
        tags,
        summary: 'List customers, filtered by name and sorted (by name, creation, health, trend or last contact)',
        querystring: ListQuery,
        response: { 200: Type.Object({ items: Type.Array(Type.Ref('Customer')) }), ...errors() },
      },
    },
    async (req) => {
      const q = req.query;
      return {
        items: await deps.customers.list(actorOf(req), {
          limit: q.limit ?? 50,
          offset: q.offset ?? 0,
          search: q.search,
          sort: q.sort,
          order: q.order,
        }),
      };
    },
  );
  app.post(
    '/api/customers',
    {
      schema: {
        tags,
        summary: 'Create a customer',
        body: CustomerCreate,
        response: { 201: Type.Ref('Customer'), ...errors() },
      },
    },
    async (req, reply) => reply.status(201).send(await deps.customers.create(actorOf(req), req.body)),
  );
  app.get(
    '/api/customers/:id',
    {
      schema: {
        tags,
        summary: 'Get a customer',
        params: IdParams,
        response: { 200: Type.Ref('Customer'), ...errors() },
      },
    },
    async (req) => deps.customers.get(actorOf(req), req.params.id),
  );
  app.patch(
    '/api/customers/:id',
    {
      schema: {
        tags,
        summary: 'Update a customer',
        params: IdParams,
        body: CustomerPatch,
        response: { 200: Type.Ref('Customer'), ...errors() },
      },
    },
    async (req) => deps.customers.update(actorOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/customers/:id',
    { schema: { tags, summary: 'Delete a customer', params: IdParams, response: { 204: Type.Null(), ...errors() } } },
    async (req, reply) => {
      await deps.customers.delete(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/customers/:id/stakeholders',
    {
      schema: {
        tags,
        summary: 'Add or update a stakeholder',
        params: IdParams,
        body: StakeholderInput,
        response: { 201: Stakeholder, ...errors() },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await deps.customers.addStakeholder(actorOf(req), req.params.id, req.body)),
  );
  const ShParams = Type.Object({ id: Uuid, stakeholderId: Uuid });
  app.delete(
    '/api/customers/:id/stakeholders/:stakeholderId',
    {
      schema: { tags, summary: 'Remove a stakeholder', params: ShParams, response: { 204: Type.Null(), ...errors() } },
    },
    async (req, reply) => {
      const p = req.params;
      await deps.customers.removeStakeholder(actorOf(req), p.id, p.stakeholderId);
      return reply.status(204).send(null);
    },
  );
}
