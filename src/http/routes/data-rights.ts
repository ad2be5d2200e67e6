// A tenant admin's data rights: GET /api/tenant/export (everything calbridge holds about the tenant, JSON lines,
// streamed), POST /api/tenant/deletion and POST /api/users/{id}/deletion (one background job each, confirmed by the
// tenant's name or the user's address), GET /api/data-jobs/{id} (progress, admins of the tenant) and
// GET /api/data-jobs/{id}/status?token= (the same, by the status token: it outlives the tenant and its keys).
import { Readable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { DataRightsService } from '../../services/tenancy/data-rights.js';
import { actorOf } from '../auth.js';
import type { RouteModule } from '../app-deps.js';
import { errors, IdParams } from '../schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Job = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    kind: Type.Union([Type.Literal('tenant_deletion'), Type.Literal('user_deletion')]),
    state: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')], {
      description: '`failed` is retried by the queue (up to 5 times); each run resumes what is left',
    }),
    stepsDone: Type.Integer(),
    stepsTotal: Type.Integer({ description: '0 until the job has started and counted its steps' }),
    step: Nullable(Type.String({ description: 'e.g. revoke_access, stop_connection:google, forget_jobs, erase_rows' })),
    result: Type.Record(Type.String(), Type.Number(), {
      description:
        'Counts: apiKeysRevoked, sessionsRevoked, connectionsStopped, subscriptionsDeleted, grantsRevoked, ' +
        'grantsErasedNotRevocable (Microsoft), grantRevocationsFailed, queuedJobsRemoved, rowsErased',
    }),
    errorCode: Nullable(Type.String()),
    attempts: Type.Integer(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    finishedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'DataJob' },
);
const Requested = Type.Object({
  job: Type.Ref('DataJob'),
  statusToken: Nullable(
    Type.String({
      description:
        'For GET /api/data-jobs/{id}/status?token= (shown once; null when a deletion already queued is answered)',
    }),
  ),
});
const Confirm = Type.Object(
  {
    confirm: Type.String({
      minLength: 1,
      maxLength: 320,
      description: "The tenant's name (tenant deletion) or the user's address (user deletion), typed by the admin",
    }),
  },
  { additionalProperties: false },
);
const StatusQuery = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 100, description: 'The statusToken of the request' }) },
  { additionalProperties: false },
);

export function dataRightsRoutes(rights: DataRightsService): RouteModule {
  return async (untyped: FastifyInstance) => {
    const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(Job);
    const tags = ['tenant'];
    app.get(
      '/api/tenant/export',
      {
        schema: {
          tags,
          summary:
            "Everything calbridge holds about the caller's tenant as JSON lines, streamed: a header, the restorable " +
            'backup document, then one {table, row} line per row of every table naming the tenant (secrets left out)',
          response: {
            200: {
              description: 'One JSON object per line',
              content: { 'application/x-ndjson': { schema: Type.Object({}, { additionalProperties: true }) } },
            },
            ...errors(403),
          },
        },
      },
      async (req, reply) => {
        const lines = rights.exportTenant(actorOf(req));
        // the first line is read before answering, so a failure is a proper error answer, not a cut stream
        const it = lines[Symbol.asyncIterator]();
        const first = await it.next();
        async function* all() {
          if (!first.done) yield first.value;
          for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
        }
        void reply
          .header('content-type', 'application/x-ndjson; charset=utf-8')
          .header('content-disposition', 'attachment; filename="tenant-export.jsonl"');
        return reply.send(Readable.from(all()));
      },
    );
    app.post(
      '/api/tenant/deletion',
      {
        schema: {
          tags,
          summary:
            "Delete the caller's tenant in a background job: keys and sessions revoked, calendar connections stopped " +
            "(subscriptions deleted, Google grants revoked), every row erased. Confirm with the tenant's name.",
          body: Confirm,
          response: { 202: Requested, ...errors(403) },
        },
      },
      async (req, reply) => {
        const r = await rights.requestTenantDeletion(actorOf(req), req.body.confirm);
        return reply.code(202).send(r);
      },
    );
    app.post(
      '/api/users/:id/deletion',
      {
        schema: {
          tags: ['users'],
          summary:
            'Delete a user in a background job (what DELETE /api/users/{id} does at once, with the Google grant ' +
            "revoked). Confirm with the user's address.",
          params: IdParams,
          body: Confirm,
          response: { 202: Requested, ...errors(403, 409) },
        },
      },
      async (req, reply) => {
        const r = await rights.requestUserDeletion(actorOf(req), req.params.id, req.body.confirm);
        return reply.code(202).send(r);
      },
    );
    app.get(
      '/api/data-jobs/:id',
      {
        schema: {
          tags,
          summary: "A deletion job of the caller's tenant: state and steps done of total",
          params: IdParams,
          response: { 200: Type.Ref('DataJob'), ...errors(403) },
        },
      },
      async (req) => rights.status(actorOf(req), req.params.id),
    );
    app.get(
      '/api/data-jobs/:id/status',
      {
        schema: {
          tags,
          summary:
            'A deletion job by its status token (no caller: it still answers once the tenant and its keys are gone)',
          security: [],
          params: IdParams,
          querystring: StatusQuery,
          response: { 200: Type.Ref('DataJob'), ...errors() },
        },
      },
      async (req) => rights.statusByToken(req.params.id, req.query.token),
    );
  };
}
