// Sync API: status per calendar, manual sync, Graph change-notification webhooks (public), Prometheus /metrics.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { JobQueue } from '../../ports/jobs.js';
import type { SyncStatusSource, SyncStore } from '../../ports/sync.js';
import { SyncStatusService } from '../../services/sync/sync-status.js';
import type { Metrics } from '../../services/telemetry/metrics.js';
import type { SyncWorker } from '../../services/sync/worker.js';
import { AppError } from '../../domain/errors.js';
import { metricsAccess } from '../../services/telemetry/metrics-access.js';
import type { AppDeps } from '../app-deps.js';
import { actorOf } from '../auth.js';
import { aliasedRoutes, CALENDAR_PREFIXES } from '../route-aliases.js';
import { errors, Uuid } from '../schemas.js';

export interface SyncRouteDeps {
  store: SyncStore & SyncStatusSource;
  queue: JobQueue;
  worker: SyncWorker;
  metrics: Metrics;
  /** The poll interval of users who set none. */
  pollIntervalSeconds: number;
  /** Whether change notifications can reach this server (a public https URL); otherwise every calendar is polled. */
  notificationsEnabled: () => boolean;
  now: () => Date;
}

const CalendarStatus = Type.Object({
  calendarId: Type.String(),
  name: Type.String(),
  isShared: Type.Boolean(),
  ownerEmail: Type.Union([Type.String(), Type.Null()]),
  selected: Type.Boolean(),
  isDefault: Type.Boolean(),
  canEdit: Type.Boolean(),
  accessLost: Type.Union(
    [
      Type.Object({
        code: Type.Literal('calendar_access_lost'),
        since: Type.String(),
        providerAnswer: Type.Union([Type.String(), Type.Null()]),
        message: Type.String(),
      }),
      Type.Null(),
    ],
    {
      description:
        'Set when the provider stopped serving the calendar to this connection (its owner removed the share): it is no longer synced and its meetings are kept; a calendar refresh that lists it again resumes it.',
    },
  ),
  provider: Type.Union([Type.Literal('MICROSOFT'), Type.Literal('GOOGLE')]),
  connectionId: Type.String(),
  pollIntervalSeconds: Type.Integer({ description: "The owner's poll interval (or the server default)." }),
  lastSuccessAt: Type.Union([Type.String(), Type.Null()]),
  lagSeconds: Type.Union([Type.Number(), Type.Null()]),
  nextRunAt: Type.Union([Type.String(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  throttled: Type.Boolean({ description: 'The last attempt was throttled by the provider (retried automatically).' }),
  subscriptionExpiresAt: Type.Union([Type.String(), Type.Null()]),
  lastNotificationAt: Type.Union([Type.String(), Type.Null()]),
  fullSyncInProgress: Type.Boolean(),
  pagesSynced: Type.Integer(),
  eventsSynced: Type.Integer(),
});

const Validation = Type.Object({ validationToken: Type.Optional(Type.String({ maxLength: 2048 })) });
/** Largest Graph notification POST read (a full batch of basic notifications is well under it). */
const NOTIFICATION_BODY_LIMIT = 2 * 1_048_576;

/** The sync routes; the logic is SyncStatusService's, built here from the deps (the composition root's shape). */
export function syncRoutes(d: SyncRouteDeps) {
  const sync = new SyncStatusService(d);
  return async (untyped: FastifyInstance, deps: AppDeps): Promise<void> => {
    const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
    const cal = aliasedRoutes(app, CALENDAR_PREFIXES);
    cal.get(
      '/sync-status',
      {
        schema: {
          tags: ['sync'],
          summary: 'Sync status of each calendar of the caller',
          response: {
            200: Type.Object({
              calendars: Type.Array(CalendarStatus),
              notifications: Type.Boolean({
                description: 'Change notifications reach this server; without them calendars are only polled.',
              }),
              queue: Type.Object(
                { queued: Type.Integer(), active: Type.Integer() },
                { description: "Syncs of the tenant's calendars waiting or running (never other tenants')." },
              ),
            }),
            ...errors(),
          },
        },
      },
      async (req) => {
        const actor = actorOf(req);
        return sync.status(actor.tenantId, actor.userId);
      },
    );

    const SyncBody = Type.Object(
      { calendarId: Type.Optional(Uuid), full: Type.Optional(Type.Boolean()) },
      { additionalProperties: false },
    );
    cal.post(
      '/sync',
      {
        schema: {
          tags: ['sync'],
          summary: 'Queue a sync of one or all of the caller’s calendars',
          body: SyncBody,
          response: { 202: Type.Object({ queued: Type.Integer() }), ...errors() },
        },
      },
      async (req, reply) => {
        const actor = actorOf(req);
        const queued = await sync.requestSync(actor.tenantId, actor.userId, req.body);
        return reply.status(202).send({ queued });
      },
    );

    // Graph calls these and wants a 2xx within 3 seconds: a batch is checked, stored with one insert and answered 202;
    // the worker's graph-notifications job verifies it and queues the syncs. A larger body than NOTIFICATION_BODY_LIMIT
    // is 413 payload_too_large, more than MAX_NOTIFICATIONS_PER_BATCH items 413 notification_batch_too_large.
    for (const kind of ['notifications', 'lifecycle'] as const) {
      app.post(
        `/api/webhooks/microsoft/${kind}`,
        {
          bodyLimit: NOTIFICATION_BODY_LIMIT,
          schema: {
            tags: ['webhooks'],
            security: [],
            summary: `Microsoft Graph ${kind === 'notifications' ? 'change' : 'lifecycle'} notifications`,
            querystring: Validation,
            response: {
              200: {
                description: 'The subscription validation: the validationToken echoed as text.',
                content: { 'text/plain': { schema: Type.String() } },
              },
              202: Type.Object(
                { accepted: Type.Integer() },
                { description: 'The batch is stored; the worker verifies each notification and queues the syncs.' },
              ),
              400: Type.Ref('ErrorResponse', { description: 'The body is not `{ value: [ notifications ] }`.' }),
              413: Type.Ref('ErrorResponse', {
                description: `A body over ${NOTIFICATION_BODY_LIMIT} bytes (payload_too_large) or more notifications than one batch may hold (notification_batch_too_large); nothing was processed.`,
              }),
            },
          },
        },
        async (req, reply) => {
          const token = req.query.validationToken;
          if (token !== undefined)
            return reply.status(200).header('content-type', 'text/plain; charset=utf-8').send(token);
          const accepted = await sync.intakeGraphNotifications(req.body);
          return reply.status(202).send({ accepted });
        },
      );
    }

    const GoogleParams = Type.Object({ calendarId: Uuid });
    // Google posts its messages with `Content-Type: application/json; utf-8` and no body (the headers carry all), which
    // the default JSON parser refuses; in this scope any body is accepted unread.
    await app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 65_536 }, (_req, _body, done) =>
        done(null, undefined),
      );
      scope.withTypeProvider<TypeBoxTypeProvider>().post(
        '/api/webhooks/google/:calendarId',
        {
          schema: {
            tags: ['webhooks'],
            security: [],
            summary: 'Google Calendar push notifications (events.watch channels)',
            params: GoogleParams,
            response: {
              200: Type.Object(
                { accepted: Type.Boolean() },
                {
                  description:
                    'Every push of a well-formed calendar id is answered 200 (Google retries other answers); accepted says whether a sync was queued.',
                },
              ),
            },
          },
        },
        async (req, reply) => {
          const header = (name: string) => {
            const v = req.headers[name];
            return typeof v === 'string' ? v : undefined;
          };
          const r = await sync.intakeGooglePush({
            calendarId: req.params.calendarId,
            token: header('x-goog-channel-token'),
            state: header('x-goog-resource-state'),
          });
          if (r === 'rejected') req.log.warn('Google push dropped: unknown channel or token mismatch');
          // Google retries non-2xx answers; a rejected push is answered 200 so a forger learns nothing either.
          return reply.status(200).send({ accepted: r === 'queued' });
        },
      );
    });

    // Server-wide figures: METRICS_TOKEN's bearer token when configured, else loopback clients only (404 to others).
    app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
      const access = metricsAccess({
        token: deps.config.metricsToken,
        authorization: req.headers.authorization,
        remoteAddress: req.socket.remoteAddress,
      });
      if (access === 'hidden') throw new AppError('route_not_found', 'No route GET /metrics');
      if (access === 'unauthenticated')
        throw new AppError('unauthenticated', 'The metrics token is required (Authorization: Bearer <METRICS_TOKEN>).');
      const m = await sync.metricsExposition();
      return reply.header('content-type', m.contentType).send(m.body);
    });
  };
}
