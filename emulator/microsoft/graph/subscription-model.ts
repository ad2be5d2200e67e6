// Subscription records and their JSON shapes: the subscription resource and change-notification items.
import { randomBytes } from 'node:crypto';
import { movedItemId } from './ids.js';
import type { SubscriptionTarget } from './subscription-resource.js';

export type ChangeType = 'created' | 'updated' | 'deleted';
export type LifecycleEvent = 'reauthorizationRequired' | 'missed' | 'subscriptionRemoved';
export const LIFECYCLE_EVENTS: readonly LifecycleEvent[] = ['reauthorizationRequired', 'missed', 'subscriptionRemoved'];

/** A change in a mailbox, as the subscription engine consumes it (adapted from the store's change feed). */
export interface MailboxChange {
  kind: 'event' | 'message';
  /** Mailbox owner (object id). */
  userId: string;
  /** Calendar (or mail folder) holding the item; null when unknown. */
  containerId: string | null;
  /** True when the container is the mailbox's default calendar. */
  isDefaultContainer: boolean;
  itemId: string;
  changeType: ChangeType;
  /** Change key of the item after the change (for `@odata.etag`); null for deletions. */
  changeKey: string | null;
  /** Events that moved between calendars: their move count then (default-format id: movedItemId). */
  moves?: number;
}

export interface SubscriptionRecord {
  id: string;
  resource: string;
  changeTypes: Set<ChangeType>;
  changeType: string;
  clientState: string | null;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  expiresAt: number;
  applicationId: string;
  creatorId: string;
  tenantId: string;
  target: SubscriptionTarget;
  latestSupportedTlsVersion: string;
  includeResourceData: boolean;
  encryptionCertificate: string | null;
  encryptionCertificateId: string | null;
  notificationContentType: string;
  reauthorizationSent: boolean;
  /**
   * When the access token that created the subscription, or last renewed or reauthorized it, expires (epoch ms);
   * null or absent when the caller's token carried no expiry. Challenges follow it (see SubscriptionEngine.sweep).
   */
  authorizedUntil?: number | null;
  /** When the last token challenge (`reauthorizationRequired` for the token) was sent, or null. */
  challengedAt?: number | null;
  /** A token challenge is unanswered: once `authorizedUntil` has passed, change notifications are dropped. */
  challengeOpen?: boolean;
  /** Created with `Prefer: IdType="ImmutableId"`: notifications name items by their immutable ids. */
  immutableIds?: boolean;
  stats: { delivered: number; failed: number; dropped: number; lastStatus: number | null; lastAt: number | null };
}

/** One delivery attempt series, recorded for tests and the admin API. */
export interface DeliveryRecord {
  /** The subscription of the (first) notification in the POST. */
  subscriptionId: string;
  kind: 'change' | 'lifecycle';
  /** The lifecycle event, or the change type of the (first) change notification. */
  event: string;
  /** Notifications in the POST (change notifications are batched per notification URL); 1 for lifecycle ones. */
  count?: number;
  /** Why a change notification was not sent: `reauthorizationPending` (a token challenge is unanswered). */
  reason?: string;
  url: string;
  ok: boolean;
  status: number;
  attempts: number;
  dropped: boolean;
  at: number;
  body: unknown;
}

/** Graph's timestamp format with 7 fractional digits. */
export function graphTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

/** The JSON representation of a subscription. */
export function subscriptionJson(s: SubscriptionRecord): Record<string, unknown> {
  return {
    id: s.id,
    resource: s.resource,
    applicationId: s.applicationId,
    changeType: s.changeType,
    clientState: s.clientState,
    notificationUrl: s.notificationUrl,
    notificationQueryOptions: null,
    lifecycleNotificationUrl: s.lifecycleNotificationUrl,
    expirationDateTime: graphTimestamp(s.expiresAt),
    creatorId: s.creatorId,
    includeResourceData: s.includeResourceData,
    latestSupportedTlsVersion: s.latestSupportedTlsVersion,
    encryptionCertificate: s.encryptionCertificate ?? '',
    encryptionCertificateId: s.encryptionCertificateId ?? '',
    notificationContentType: s.notificationContentType,
  };
}

/** One change-notification item for subscription `s` about change `c`. */
export function changeNotification(s: SubscriptionRecord, c: MailboxChange): Record<string, unknown> {
  const segment = c.kind === 'event' ? 'Events' : 'Messages';
  // Default-format ids change when an event moves; a subscription created with the IdType preference gets the
  // immutable ones (outlook-immutable-id, "Immutable ID with change notifications").
  const itemId = c.moves && !s.immutableIds ? movedItemId(c.itemId, c.moves) : c.itemId;
  const path = `Users/${c.userId}/${segment}/${itemId}`;
  const resourceData: Record<string, unknown> = {
    '@odata.type': c.kind === 'event' ? '#Microsoft.Graph.Event' : '#Microsoft.Graph.Message',
    '@odata.id': path,
  };
  if (c.changeKey) resourceData['@odata.etag'] = `W/"${c.changeKey}"`;
  resourceData.id = itemId;
  return {
    id: randomBytes(9).toString('base64url'),
    subscriptionId: s.id,
    subscriptionExpirationDateTime: graphTimestamp(s.expiresAt),
    changeType: c.changeType,
    resource: path,
    resourceData,
    clientState: s.clientState,
    tenantId: s.tenantId,
  };
}
