// Engagement metrics, health signals and scores per customer, and the webhook signing secret.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { HealthWebhookService } from '../../services/metrics/health-webhook.js';
import type { MetricsService } from '../../services/metrics/metrics-service.js';
import { actorOf } from '../auth.js';
import { errors, IdParams } from '../schemas.js';

const NullableNumber = Type.Union([Type.Number(), Type.Null()]);
const MeetingRef = Type.Union([Type.Object({ meetingId: Type.String(), start: Type.String() }), Type.Null()]);
const Trend = Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('flat')]);
const Band = Type.Union([Type.Literal('healthy'), Type.Literal('at_risk'), Type.Literal('critical')], {
  description: 'Health band of the score: healthy from 70, at_risk from 40, critical below (docs/engagement-score.md)',
});

const Window = Type.Object({
  days: Type.Integer(),
  from: Type.String(),
  to: Type.String(),
  meetings: Type.Integer(),
  totalMinutes: Type.Number(),
  averageMinutes: NullableNumber,
  medianDaysBetween: NullableNumber,
  invitedCustomerAttendees: Type.Integer(),
  acceptedCustomerAttendees: Type.Integer(),
  attendanceRate: NullableNumber,
  cancelled: Type.Integer(),
  declined: Type.Integer(),
  stakeholdersMet: Type.Integer(),
  executivesMet: Type.Integer(),
  executiveMeetings: Type.Integer(),
  previousMeetings: Type.Integer(),
  change: Type.Integer(),
  changeRatio: NullableNumber,
});

const CustomerMetrics = Type.Object(
  {
    customerId: Type.String(),
    asOf: Type.String(),
    windows: Type.Array(Window, { description: 'Rolling windows ending now (30, 90, 365 days)' }),
    lastMeeting: MeetingRef,
    nextMeeting: MeetingRef,
    weekly: Type.Array(
      Type.Object({
        weekStart: Type.String(),
        meetings: Type.Integer(),
        minutes: Type.Number(),
        cancelled: Type.Integer(),
        declined: Type.Integer(),
        stakeholdersMet: Type.Integer(),
      }),
      { description: 'Monday-based UTC weeks, oldest first; the last one is the current (partial) week' },
    ),
  },
  { $id: 'CustomerMetrics' },
);

const MetricsResponse = Type.Intersect([Type.Ref('CustomerMetrics'), Type.Object({ trend: Trend })]);

const HealthSignals = Type.Object({
  customerId: Type.String(),
  asOf: Type.String(),
  score: Type.Integer({ minimum: 0, maximum: 100 }),
  band: Band,
  trend: Trend,
  factors: Type.Array(
    Type.Object({
      name: Type.String(),
      value: NullableNumber,
      weight: Type.Number(),
      contribution: Type.Number(),
      maxContribution: Type.Number({ description: 'Points the factor gives at full value (0 when it does not apply)' }),
      explanation: Type.String(),
    }),
  ),
  metrics: Type.Ref('CustomerMetrics'),
});

const Scores = Type.Object({
  items: Type.Array(
    Type.Object({
      customerId: Type.String(),
      name: Type.String(),
      score: Type.Integer(),
      band: Band,
      trend: Trend,
      lastContact: Type.Union([Type.String(), Type.Null()], { description: 'Start of the last held meeting' }),
    }),
  ),
});

const HistoryQuery = Type.Object(
  { days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, description: 'Days back, today included (90)' })) },
  { additionalProperties: false },
);
const ScoreHistory = Type.Object({
  items: Type.Array(
    Type.Object({
      day: Type.String({ description: 'UTC day, YYYY-MM-DD' }),
      score: Type.Integer({ minimum: 0, maximum: 100 }),
      band: Band,
    }),
    { description: 'Oldest first; days without an evaluation are absent; the last item is today, scored now' },
  ),
});

export interface CustomerMetricsRouteDeps {
  metrics: MetricsService;
  webhooks: HealthWebhookService;
}

/** Routes for metrics, health signals, scores and the webhook secret (one service call each). */
export function customerMetricsRoutes(deps: CustomerMetricsRouteDeps) {
  return async (untyped: FastifyInstance): Promise<void> => {
    const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(CustomerMetrics);
    const tags = ['customers'];
    app.get(
      '/api/customers/scores',
      {
        schema: {
          tags,
          summary: 'Engagement score and trend of every customer (best first)',
          response: { 200: Scores, ...errors() },
        },
      },
      async (req) => ({ items: await deps.metrics.scores(actorOf(req)) }),
    );
    app.get(
      '/api/customers/:id/metrics',
      {
        schema: {
          tags,
          summary: 'Meeting metrics: rolling windows, weekly series, trend',
          params: IdParams,
          response: { 200: MetricsResponse, ...errors() },
        },
      },
      async (req) => {
        const s = await deps.metrics.healthSignals(actorOf(req), req.params.id);
        return { ...s.metrics, trend: s.trend };
      },
    );
    app.get(
      '/api/customers/:id/score-history',
      {
        schema: {
          tags,
          summary: 'Engagement score per day (stored daily snapshots, today live)',
          params: IdParams,
          querystring: HistoryQuery,
          response: { 200: ScoreHistory, ...errors() },
        },
      },
      async (req) => deps.metrics.scoreHistory(actorOf(req), req.params.id, req.query.days ?? 90),
    );
    app.get(
      '/api/customers/:id/health-signals',
      {
        schema: {
          tags,
          summary: "Engagement score (0–100) with each factor's contribution and the metrics it came from",
          params: IdParams,
          response: { 200: HealthSignals, ...errors() },
        },
      },
      async (req) => deps.metrics.healthSignals(actorOf(req), req.params.id),
    );
    app.post(
      '/api/settings/webhook-secret',
      {
        schema: {
          tags: ['settings'],
          summary: 'Create or rotate the webhook signing secret (shown only in this answer)',
          response: { 200: Type.Object({ secret: Type.String(), createdAt: Type.String() }), ...errors() },
        },
      },
      async (req) => deps.webhooks.rotateSecret(actorOf(req)),
    );
  };
}
