// The audit trail, for admins: GET /api/audit (filtered, newest first, keyset-paged) and GET /api/audit/export (the
// same filters, every entry as JSON lines, streamed).
import { Readable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { AuditFilter, AuditRecord, AuditTrail } from '../../services/tenancy/audit-trail.js';
import { actorOf } from '../auth.js';
import type { RouteModule } from '../app-deps.js';
import { errors } from '../schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const Entry = Type.Object(
  {
    id: Type.String({ description: 'Increases with every entry of the server' }),
    createdAt: Type.String({ format: 'date-time' }),
    actor: Type.String({ description: 'The acting user id, or `system`' }),
    action: Type.String({ description: 'e.g. session.signed_in, user.role_changed, proposal.approved' }),
    targetType: Nullable(Type.String()),
    targetId: Nullable(Type.String()),
    details: Type.Record(Type.String(), Type.Unknown(), { description: 'Never holds secrets' }),
  },
  { $id: 'AuditEntry' },
);

const Filters = {
  action: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  actor: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'A user id, or `system`' })),
  targetType: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  since: Type.Optional(Type.String({ format: 'date-time', description: 'Entries at or after this instant' })),
  until: Type.Optional(Type.String({ format: 'date-time', description: 'Entries before this instant' })),
};

const ListQuery = Type.Object(
  {
    ...Filters,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    cursor: Type.Optional(
      Type.String({ pattern: '^[1-9][0-9]{0,17}$', description: "The previous page's nextCursor" }),
    ),
  },
  { additionalProperties: false },
);
const ExportQuery = Type.Object(Filters, { additionalProperties: false });

const filterOf = (q: Static<typeof ExportQuery>): AuditFilter => ({
  ...(q.action ? { action: q.action } : {}),
  ...(q.actor ? { actor: q.actor } : {}),
  ...(q.targetType ? { targetType: q.targetType } : {}),
  ...(q.since ? { since: new Date(q.since) } : {}),
  ...(q.until ? { until: new Date(q.until) } : {}),
});

const entryOut = (e: AuditRecord) => ({
  id: String(e.id),
  createdAt: e.createdAt,
  actor: e.actor,
  action: e.action,
  targetType: e.targetType ?? null,
  targetId: e.targetId ?? null,
  details: e.details ?? {},
});

export function auditRoutes(trail: AuditTrail): RouteModule {
  return async (untyped: FastifyInstance) => {
    const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(Entry);
    const tags = ['audit'];
    app.get(
      '/api/audit',
      {
        schema: {
          tags,
          summary: "The organisation's audit trail, newest first; filters combine; page on with nextCursor",
          querystring: ListQuery,
          response: {
            200: Type.Object({ entries: Type.Array(Type.Ref('AuditEntry')), nextCursor: Nullable(Type.String()) }),
            ...errors(403),
          },
        },
      },
      async (req) => {
        const q = req.query;
        const page = await trail.page(actorOf(req), {
          ...filterOf(q),
          limit: q.limit ?? 100,
          ...(q.cursor ? { before: Number(q.cursor) } : {}),
        });
        return {
          entries: page.entries.map(entryOut),
          nextCursor: page.nextCursor === null ? null : String(page.nextCursor),
        };
      },
    );
    app.get(
      '/api/audit/export',
      {
        schema: {
          tags,
          summary: 'Every matching audit entry as JSON lines (one entry per line, newest first), streamed',
          querystring: ExportQuery,
          response: {
            200: {
              description: 'One AuditEntry per line',
              content: { 'application/x-ndjson': { schema: Type.Ref('AuditEntry') } },
            },
            ...errors(403),
          },
        },
      },
      async (req, reply) => {
        const entries = trail.all(actorOf(req), filterOf(req.query));
        async function* lines() {
          for await (const e of entries) yield `${JSON.stringify(entryOut(e))}\n`;
        }
        void reply
          .header('content-type', 'application/x-ndjson; charset=utf-8')
          .header('content-disposition', 'attachment; filename="audit.jsonl"');
        return reply.send(Readable.from(lines()));
      },
    );
  };
}
