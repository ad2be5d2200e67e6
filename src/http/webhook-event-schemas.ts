// JSON Schemas of every platform webhook event (issue 19), registered as OpenAPI components (components/schemas,
// `Webhook…Event`), referenced from docs/webhooks.md. Bodies are what a receiver gets: deliveryId and eventId included.
import { Type, type TObject, type TProperties } from 'typebox';
import { WEBHOOK_EVENT_DESCRIPTIONS, type WebhookEventType } from '../domain/webhook-events.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const envelope = (type: WebhookEventType) => ({
  deliveryId: Type.String({ format: 'uuid', description: 'This delivery (a redelivery has its own).' }),
  eventId: Type.String({
    format: 'uuid',
    description:
      'The event: the same in every delivery of it (to each endpoint, and when redelivered). De-duplicate by it.',
  }),
  type: Type.Literal(type),
  tenantId: Type.String({ format: 'uuid' }),
  occurredAt: Type.String({ format: 'date-time' }),
});

const Meeting = Type.Object({
  id: Type.String({ format: 'uuid' }),
  userId: Type.String({ format: 'uuid', description: 'The calbridge user whose calendar holds it.' }),
  calendarId: Nullable(Type.String()),
  subject: Type.String(),
  start: Type.String({ format: 'date-time' }),
  end: Type.String({ format: 'date-time' }),
  isCancelled: Type.Boolean(),
  eventType: Nullable(Type.String({ description: 'singleInstance, occurrence, exception or seriesMaster' })),
  iCalUId: Nullable(Type.String()),
});

const MeetingCustomer = Nullable(
  Type.Object({
    id: Type.String({ format: 'uuid' }),
    detectionReason: Nullable(
      Type.String({
        description:
          'How the meeting was linked to the customer: the detection rule that matched (domain, stakeholder, pattern …) or manual.',
      }),
    ),
    confidence: Nullable(Type.Number()),
  }),
);

const Proposal = Type.Object({
  id: Type.String({ format: 'uuid' }),
  kind: Type.String({ description: 'create, update or delete' }),
  status: Type.String(),
  subject: Type.String(),
  start: Type.String(),
  end: Type.String(),
  organizer: Type.Object({ userId: Type.String(), email: Nullable(Type.String()) }),
  customerId: Nullable(Type.String()),
  notifiesExternal: Type.Boolean(),
  expiresAt: Type.String(),
  url: Type.String({ description: "The web app's page of the proposal." }),
});

const Connection = Type.Object({
  id: Type.String({ format: 'uuid' }),
  userId: Type.String({ format: 'uuid' }),
  provider: Type.Union([Type.Literal('MICROSOFT'), Type.Literal('GOOGLE')]),
  reason: Nullable(Type.String({ description: 'Why it needs re-authorisation or was disconnected.' })),
});

const event = (id: string, type: WebhookEventType, props: TProperties): TObject =>
  Type.Object(
    { ...envelope(type), ...props },
    { $id: id, description: `${type}: ${WEBHOOK_EVENT_DESCRIPTIONS[type]}` },
  );

/** One schema per event type, in the catalogue's order. */
export const WEBHOOK_EVENT_SCHEMAS: Record<WebhookEventType, TObject> = {
  'meeting.created': event('WebhookMeetingCreatedEvent', 'meeting.created', {
    meeting: Meeting,
    customer: MeetingCustomer,
  }),
  'meeting.updated': event('WebhookMeetingUpdatedEvent', 'meeting.updated', {
    meeting: Meeting,
    customer: MeetingCustomer,
  }),
  'meeting.cancelled': event('WebhookMeetingCancelledEvent', 'meeting.cancelled', {
    meeting: Meeting,
    customer: MeetingCustomer,
    removed: Type.Boolean({
      description: 'true: the provider deleted it (described as it was); false: the provider marks it cancelled.',
    }),
  }),
  'customer.health_changed': event('WebhookCustomerHealthChangedEvent', 'customer.health_changed', {
    customerId: Type.String({ format: 'uuid' }),
    previousScore: Type.Number({ description: 'The score last notified.' }),
    score: Type.Number(),
    trend: Type.String(),
    factors: Type.Array(
      Type.Object({ name: Type.String(), value: Nullable(Type.Number()), contribution: Type.Number() }),
    ),
  }),
  'proposal.created': event('WebhookProposalCreatedEvent', 'proposal.created', {
    proposal: Proposal,
    approvers: Type.Array(Type.Object({ userId: Type.String(), email: Type.String() })),
  }),
  'proposal.approved': event('WebhookProposalApprovedEvent', 'proposal.approved', {
    proposal: Proposal,
    decidedBy: Type.Object({ userId: Type.String() }),
    result: Nullable(
      Type.Object({
        meetingId: Nullable(Type.String()),
        providerEventId: Nullable(Type.String()),
        joinUrl: Nullable(Type.String()),
      }),
    ),
  }),
  'proposal.rejected': event('WebhookProposalRejectedEvent', 'proposal.rejected', {
    proposal: Proposal,
    decidedBy: Type.Object({ userId: Type.String() }),
  }),
  'proposal.expired': event('WebhookProposalExpiredEvent', 'proposal.expired', { proposal: Proposal }),
  'connection.connected': event('WebhookConnectionConnectedEvent', 'connection.connected', { connection: Connection }),
  'connection.needs_reauth': event('WebhookConnectionNeedsReauthEvent', 'connection.needs_reauth', {
    connection: Connection,
  }),
  'connection.disconnected': event('WebhookConnectionDisconnectedEvent', 'connection.disconnected', {
    connection: Connection,
  }),
  'sync.failed': event('WebhookSyncFailedEvent', 'sync.failed', {
    sync: Type.Object({
      calendarId: Type.String({ format: 'uuid' }),
      connectionId: Type.String({ format: 'uuid' }),
      userId: Type.String({ format: 'uuid' }),
      provider: Type.Union([Type.Literal('MICROSOFT'), Type.Literal('GOOGLE')]),
      code: Type.String({ description: 'The stable error code (docs/errors.md); internal when unknown.' }),
    }),
  }),
  'webhook.test': event('WebhookTestEvent', 'webhook.test', {
    endpointId: Type.String({ format: 'uuid' }),
    requestedBy: Type.Object({ userId: Type.String() }),
    message: Type.String(),
  }),
};
