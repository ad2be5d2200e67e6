// The caller: who am I, my tenant and its settings.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { SCORE_FACTORS, type ScoreFactorName } from '../../domain/metrics/score.js';
import { actorOf } from '../auth.js';
import type { AppDeps } from '../app-deps.js';
import { errors } from '../schemas.js';

/** One optional weight per score factor; any other key is refused (it would be stored and never used). */
const Weight = Type.Optional(Type.Number({ minimum: 0, maximum: 100 }));
const EngagementWeights = Type.Object(
  // fromEntries forgets the keys; naming them gives the body a per-factor type ({ recency?: number, … })
  Object.fromEntries(SCORE_FACTORS.map((f) => [f, Weight])) as Record<ScoreFactorName, typeof Weight>,
  { additionalProperties: false },
);

/** Closed at every level: an unknown key is 400 validation_failed naming it (never stored). */
const Settings = Type.Object(
  {
    onlineMeetingByDefault: Type.Optional(Type.Boolean()),
    privacyMode: Type.Optional(Type.Boolean()),
    bufferMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 240 })),
    allowSelfApprovalInternal: Type.Optional(Type.Boolean()),
    ownDomains: Type.Optional(Type.Array(Type.String({ minLength: 3, maxLength: 253 }), { maxItems: 50 })),
    sharedCalendarVisibility: Type.Optional(Type.Union([Type.Literal('owner'), Type.Literal('team')])),
    engagementWeights: Type.Optional(EngagementWeights),
    healthWebhookThreshold: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    healthWebhookUrl: Type.Optional(Type.Union([Type.String({ format: 'uri', maxLength: 2000 }), Type.Null()])),
    prepBriefMinutesBefore: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })),
    proposalTtlHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 720 })),
    signIn: Type.Optional(
      Type.Object(
        {
          microsoftTenantIds: Type.Optional(
            Type.Array(
              Type.String({
                pattern: '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$',
                description: 'An Entra ID tenant id (the ID token `tid`)',
              }),
              { maxItems: 50 },
            ),
          ),
          googleDomains: Type.Optional(
            Type.Array(
              Type.String({
                minLength: 3,
                maxLength: 253,
                description: 'A Google Workspace domain (the ID token `hd`)',
              }),
              { maxItems: 50 },
            ),
          ),
        },
        {
          additionalProperties: false,
          description: 'Who may sign in with Microsoft or Google: allowed Entra tenant ids and Google domains',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

const Me = Type.Object({
  user: Type.Object({
    id: Type.String(),
    email: Type.String(),
    displayName: Type.Union([Type.String(), Type.Null()]),
    timeZone: Type.String(),
  }),
  tenant: Type.Object({ id: Type.String(), name: Type.String(), calendarProvider: Type.String(), settings: Settings }),
});

export default async function meRoutes(untyped: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/me',
    { schema: { tags: ['tenant'], summary: 'The calling user and tenant', response: { 200: Me, ...errors() } } },
    async (req) => {
      const actor = actorOf(req);
      return deps.tenants.getCaller(actor);
    },
  );
  app.patch(
    '/api/settings',
    {
      schema: {
        tags: ['tenant'],
        summary: "Update the tenant's settings",
        body: Settings,
        response: { 200: Settings, ...errors() },
      },
    },
    async (req) => (await deps.tenants.updateSettings(actorOf(req), req.body)).settings,
  );
}
