// Platform webhook endpoints (admins): CRUD, the secret (shown on create and on rotation only), the delivery log, a
// redelivery and a test event; the event catalogue. Every event's JSON Schema is a component of the OpenAPI document.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { WEBHOOK_EVENT_DESCRIPTIONS, WEBHOOK_EVENT_TYPES } from '../../domain/webhook-events.js';
import { MAX_SECRET_OVERLAP_SECONDS, type WebhookEndpointService } from '../../services/webhooks/webhook-endpoints.js';
import { actorOf } from '../auth.js';
import type { RouteModule } from '../app-deps.js';
import { errors, IdParams, Uuid } from '../schemas.js';
import { WEBHOOK_EVENT_SCHEMAS } from '../webhook-event-schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const SUBSCRIBABLE = WEBHOOK_EVENT_TYPES.filter((t) => t !== 'webhook.test');
const EventType = Type.Union(
  SUBSCRIBABLE.map((t) => Type.Literal(t)),
  { description: 'An event type of the catalogue (GET /api/webhook-endpoints/event-types).' },
);

const Endpoint = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    url: Type.String(),
    description: Type.String(),
    eventTypes: Type.Array(Type.String(), { description: 'The event types it receives; empty: all of them.' }),
    enabled: Type.Boolean(),
    secretRotatedAt: Type.String({ format: 'date-time' }),
    previousSecretExpiresAt: Nullable(
      Type.String({
        format: 'date-time',
        description:
          'Until when deliveries also carry a signature with the secret the last rotation replaced (null: none kept).',
      }),
    ),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'WebhookEndpoint' },
);

const Delivery = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    endpointId: Type.String({ format: 'uuid' }),
    eventId: Type.String({ format: 'uuid' }),
    eventType: Type.String(),
    status: Type.Union([
      Type.Literal('pending'),
      Type.Literal('sending'),
      Type.Literal('sent'),
      Type.Literal('failed'),
    ]),
    attempts: Type.Integer(),
    lastStatusCode: Nullable(Type.Integer()),
    lastError: Nullable(Type.String()),
    lastAttemptAt: Nullable(Type.String({ format: 'date-time' })),
    nextRetryAt: Nullable(Type.String({ format: 'date-time', description: 'When the next attempt is due (pending).' })),
    replayOf: Nullable(Type.String({ format: 'uuid', description: 'The delivery this one redelivers.' })),
    createdAt: Type.String({ format: 'date-time' }),
    sentAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'WebhookDelivery' },
);

const Attempt = Type.Object({
  attempt: Type.Integer(),
  attemptedAt: Type.String({ format: 'date-time' }),
  statusCode: Nullable(Type.Integer({ description: "The receiver's HTTP status; null when none came." })),
  error: Nullable(Type.String()),
  responseBody: Nullable(Type.String({ description: "The start of the receiver's answer (at most 512 characters)." })),
  durationMs: Type.Integer(),
  nextRetryAt: Nullable(Type.String({ format: 'date-time' })),
});

const DeliveryDetail = Type.Object({
  ...Delivery.properties,
  event: Type.Object(
    { id: Type.String(), type: Type.String(), body: Type.Record(Type.String(), Type.Unknown()) },
    {
      description:
        'The event as sent (without deliveryId, added to each delivery); its schema: components/schemas/Webhook…Event.',
    },
  ),
  attemptLog: Type.Array(Attempt),
});

const Url = Type.String({
  minLength: 1,
  maxLength: 2000,
  description:
    'An https URL of a public host (checked again on every delivery; http and loopback only with CALBRIDGE_ALLOW_LOOPBACK_WEBHOOKS).',
});
const Description = Type.String({ maxLength: 200 });
const EventTypes = Type.Array(EventType, {
  maxItems: SUBSCRIBABLE.length,
  uniqueItems: true,
  description: 'Event types to receive; empty or absent: all of them.',
});
const CreateBody = Type.Object(
  {
    url: Url,
    description: Type.Optional(Description),
    eventTypes: Type.Optional(EventTypes),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const PatchBody = Type.Object(
  {
    url: Type.Optional(Url),
    description: Type.Optional(Description),
    eventTypes: Type.Optional(EventTypes),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
const Secret = Type.String({ description: 'The signing secret (whsec_…): shown only in this answer.' });
const RotateBody = Type.Object(
  {
    overlapSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_SECRET_OVERLAP_SECONDS,
        description:
          'How long the replaced secret still signs deliveries beside the new one (default 86400, 24 h; 0: stop at once).',
      }),
    ),
  },
  { additionalProperties: false },
);
const DeliveryParams = Type.Object({ id: Uuid, deliveryId: Uuid });
const DeliveryQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    before: Type.Optional(Type.String({ format: 'uuid', description: 'A delivery id: the page after it.' })),
    status: Type.Optional(
      Type.Union([Type.Literal('pending'), Type.Literal('sending'), Type.Literal('sent'), Type.Literal('failed')]),
    ),
  },
  { additionalProperties: false },
);

export function webhookEndpointRoutes(service: WebhookEndpointService): RouteModule {
  return async (untyped: FastifyInstance) => {
    const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(Endpoint);
    app.addSchema(Delivery);
    for (const s of Object.values(WEBHOOK_EVENT_SCHEMAS)) app.addSchema(s);
    const tags = ['webhooks'];
    app.get(
      '/api/webhook-endpoints/event-types',
      {
        schema: {
          tags,
          summary: 'The event catalogue: every event type an endpoint can receive, and its JSON Schema component',
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({ type: Type.String(), description: Type.String(), schema: Type.String() }),
              ),
            }),
            ...errors(403),
          },
        },
      },
      async () => ({
        items: WEBHOOK_EVENT_TYPES.map((type) => ({
          type,
          description: WEBHOOK_EVENT_DESCRIPTIONS[type],
          schema: `#/components/schemas/${String((WEBHOOK_EVENT_SCHEMAS[type] as { $id?: string }).$id)}`,
        })),
      }),
    );
    app.get(
      '/api/webhook-endpoints',
      {
        schema: {
          tags,
          summary: "The tenant's webhook endpoints (never their secrets)",
          response: { 200: Type.Object({ items: Type.Array(Type.Ref('WebhookEndpoint')) }), ...errors(403) },
        },
      },
      async (req) => ({ items: await service.list(actorOf(req)) }),
    );
    app.post(
      '/api/webhook-endpoints',
      {
        schema: {
          tags,
          summary:
            'Create an endpoint (400 webhook_url_not_allowed for a URL the SSRF policy refuses; 422 limit_exceeded past 10); the secret is shown once',
          body: CreateBody,
          response: {
            201: Type.Object({ endpoint: Type.Ref('WebhookEndpoint'), secret: Secret }),
            ...errors(403, 422),
          },
        },
      },
      async (req, reply) => {
        reply.code(201);
        return service.create(actorOf(req), req.body);
      },
    );
    app.get(
      '/api/webhook-endpoints/:id',
      {
        schema: {
          tags,
          summary: 'One endpoint',
          params: IdParams,
          response: { 200: Type.Ref('WebhookEndpoint'), ...errors(403) },
        },
      },
      async (req) => service.get(actorOf(req), req.params.id),
    );
    app.patch(
      '/api/webhook-endpoints/:id',
      {
        schema: {
          tags,
          summary: 'Change the URL, description, event types or enabled',
          params: IdParams,
          body: PatchBody,
          response: { 200: Type.Ref('WebhookEndpoint'), ...errors(403) },
        },
      },
      async (req) => service.update(actorOf(req), req.params.id, req.body),
    );
    app.delete(
      '/api/webhook-endpoints/:id',
      {
        schema: {
          tags,
          summary: 'Delete an endpoint with its deliveries and their log',
          params: IdParams,
          response: { 204: Type.Null(), ...errors(403) },
        },
      },
      async (req, reply) => {
        await service.delete(actorOf(req), req.params.id);
        return reply.code(204).send(null);
      },
    );
    app.post(
      '/api/webhook-endpoints/:id/secret',
      {
        // The body is optional: a rotation without one takes the default overlap.
        preValidation: async (req) => {
          if (req.body === undefined || req.body === null) req.body = {};
        },
        schema: {
          tags,
          summary:
            'Rotate the signing secret: deliveries from now on (retries included) are signed with the new one and, during the overlap, also with the old one',
          params: IdParams,
          body: Type.Optional(RotateBody),
          response: {
            200: Type.Object({
              secret: Secret,
              rotatedAt: Type.String({ format: 'date-time' }),
              previousSecretExpiresAt: Nullable(Type.String({ format: 'date-time' })),
            }),
            ...errors(403),
          },
        },
      },
      async (req) => service.rotateSecret(actorOf(req), req.params.id, req.body ?? {}),
    );
    app.get(
      '/api/webhook-endpoints/:id/deliveries',
      {
        schema: {
          tags,
          summary: "The endpoint's delivery log, newest first (status, attempts, last status code, next retry)",
          params: IdParams,
          querystring: DeliveryQuery,
          response: { 200: Type.Object({ items: Type.Array(Type.Ref('WebhookDelivery')) }), ...errors(403) },
        },
      },
      async (req) => ({ items: await service.deliveries(actorOf(req), req.params.id, req.query) }),
    );
    app.get(
      '/api/webhook-endpoints/:id/deliveries/:deliveryId',
      {
        schema: {
          tags,
          summary: 'One delivery with its event and every attempt (status code, the start of the answer, next retry)',
          params: DeliveryParams,
          response: { 200: DeliveryDetail, ...errors(403) },
        },
      },
      async (req) => {
        const p = req.params;
        return service.delivery(actorOf(req), p.id, p.deliveryId);
      },
    );
    app.post(
      '/api/webhook-endpoints/:id/deliveries/:deliveryId/replay',
      {
        schema: {
          tags,
          summary:
            'Redeliver one delivery: a new delivery of the same event (same eventId), queued now (409 webhook_endpoint_disabled)',
          params: DeliveryParams,
          response: { 202: Type.Ref('WebhookDelivery'), ...errors(403, 409) },
        },
      },
      async (req, reply) => {
        const p = req.params;
        reply.code(202);
        return service.replay(actorOf(req), p.id, p.deliveryId);
      },
    );
    app.post(
      '/api/webhook-endpoints/:id/test',
      {
        schema: {
          tags,
          summary: 'Send a webhook.test event to this endpoint (whatever its filters), queued now (409 when disabled)',
          params: IdParams,
          response: { 202: Type.Ref('WebhookDelivery'), ...errors(403, 409) },
        },
      },
      async (req, reply) => {
        reply.code(202);
        return service.sendTest(actorOf(req), req.params.id);
      },
    );
  };
}
