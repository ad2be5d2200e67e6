// The platform webhooks' event catalogue (issue 19): every event type an endpoint can subscribe to, with the moment it
// is sent. docs/webhooks.md describes the same list; each has a JSON Schema in the OpenAPI document.

export const WEBHOOK_EVENT_TYPES = [
  'meeting.created',
  'meeting.updated',
  'meeting.cancelled',
  'customer.health_changed',
  'proposal.created',
  'proposal.approved',
  'proposal.rejected',
  'proposal.expired',
  'connection.connected',
  'connection.needs_reauth',
  'connection.disconnected',
  'sync.failed',
  'webhook.test',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** When each event is sent (the event-types listing and docs/webhooks.md). */
export const WEBHOOK_EVENT_DESCRIPTIONS: Record<WebhookEventType, string> = {
  'meeting.created': 'A synced meeting appeared in a connected calendar (with its customer and detection reason).',
  'meeting.updated': 'A synced meeting changed (time, attendees, subject, …).',
  'meeting.cancelled': 'A synced meeting was cancelled or deleted in the calendar.',
  'customer.health_changed': "A customer's engagement score moved by more than the tenant's threshold.",
  'proposal.created': 'A proposal was made and waits for approval.',
  'proposal.approved': 'A proposal was approved and performed.',
  'proposal.rejected': 'A proposal was rejected by an approver or withdrawn by its organizer.',
  'proposal.expired': 'A pending proposal passed its expiry without a decision.',
  'connection.connected': 'A user connected (or reconnected) a calendar.',
  'connection.needs_reauth': 'A connection lost its grant and needs the user to reconnect.',
  'connection.disconnected': 'A user disconnected a calendar.',
  'sync.failed': "A calendar's sync run failed (it is retried).",
  'webhook.test': 'Sent by "Send test event" (POST /api/webhook-endpoints/{id}/test) only; filters do not apply.',
};

export const isWebhookEventType = (t: string): t is WebhookEventType =>
  (WEBHOOK_EVENT_TYPES as readonly string[]).includes(t);

/** Whether an endpoint with these filters receives `type` (empty filters: every type but webhook.test). */
export function endpointReceives(eventTypes: readonly string[], type: string): boolean {
  if (type === 'webhook.test') return false;
  return eventTypes.length === 0 || eventTypes.includes(type);
}
