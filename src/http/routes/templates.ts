// Meeting templates CRUD (/api/templates); QBR, kickoff and check-in exist for every tenant from the first request.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { TemplateService } from '../../services/scheduling/templates.js';
import { actorOf } from '../auth.js';
import type { RouteModule } from '../app-deps.js';
import { errors, IdParams } from '../schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const Template = Type.Object(
  {
    id: Type.String(),
    key: Nullable(Type.String()),
    name: Type.String(),
    subjectTemplate: Type.String({ description: 'Placeholders: {customer}, {organizer}, {date}' }),
    bodyHtml: Type.String(),
    durationMinutes: Type.Integer(),
    attendeeRoles: Type.Array(Type.String()),
    onlineMeeting: Nullable(Type.Boolean({ description: "null: the tenant's onlineMeetingByDefault" })),
    reminderMinutes: Nullable(Type.Integer()),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'Template' },
);

const fields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  subjectTemplate: Type.String({ minLength: 1, maxLength: 255 }),
  bodyHtml: Type.String({ maxLength: 100_000 }),
  durationMinutes: Type.Integer({ minimum: 5, maximum: 1440 }),
  attendeeRoles: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 20 }),
  onlineMeeting: Nullable(Type.Boolean()),
  reminderMinutes: Nullable(Type.Integer({ minimum: 0, maximum: 40_320 })),
};
const CreateBody = Type.Object(
  {
    ...fields,
    key: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 50 }))),
    bodyHtml: Type.Optional(fields.bodyHtml),
    attendeeRoles: Type.Optional(fields.attendeeRoles),
    onlineMeeting: Type.Optional(fields.onlineMeeting),
    reminderMinutes: Type.Optional(fields.reminderMinutes),
  },
  { additionalProperties: false },
);
const PatchBody = Type.Partial(Type.Object(fields), { additionalProperties: false, minProperties: 1 });

export function templateRoutes(service: TemplateService): RouteModule {
  return async (untyped: FastifyInstance) => {
    const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(Template);
    const tags = ['templates'];
    app.get(
      '/api/templates',
      {
        schema: {
          tags,
          summary: 'List meeting templates',
          response: { 200: Type.Object({ items: Type.Array(Type.Ref('Template')) }), ...errors() },
        },
      },
      async (req) => ({ items: await service.list(actorOf(req)) }),
    );
    app.get(
      '/api/templates/:id',
      {
        schema: {
          tags,
          summary: 'Get a template',
          params: IdParams,
          response: { 200: Type.Ref('Template'), ...errors() },
        },
      },
      async (req) => service.get(actorOf(req), req.params.id),
    );
    app.post(
      '/api/templates',
      {
        schema: {
          tags,
          summary: 'Create a template',
          body: CreateBody,
          response: { 201: Type.Ref('Template'), ...errors(409) },
        },
      },
      async (req, reply) => {
        const b = req.body;
        const t = await service.create(actorOf(req), {
          key: b.key ?? null,
          name: b.name,
          subjectTemplate: b.subjectTemplate,
          bodyHtml: b.bodyHtml ?? '',
          durationMinutes: b.durationMinutes,
          attendeeRoles: b.attendeeRoles ?? [],
          onlineMeeting: b.onlineMeeting ?? null,
          reminderMinutes: b.reminderMinutes ?? null,
        });
        return reply.status(201).send(t);
      },
    );
    app.patch(
      '/api/templates/:id',
      {
        schema: {
          tags,
          summary: 'Update a template',
          params: IdParams,
          body: PatchBody,
          response: { 200: Type.Ref('Template'), ...errors(409) },
        },
      },
      async (req) => service.update(actorOf(req), req.params.id, req.body),
    );
    app.delete(
      '/api/templates/:id',
      { schema: { tags, summary: 'Delete a template', params: IdParams, response: { 204: Type.Null(), ...errors() } } },
      async (req, reply) => {
        await service.delete(actorOf(req), req.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
