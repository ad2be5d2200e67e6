// Ports of the maintenance jobs: connections whose access token nears expiry, and retention of spent rows.

export interface ConnectionRef {
  tenantId: string;
  connectionId: string;
}

export interface ExpiringTokenSource {
  /** Active connections whose access token expires before `before` (or is unknown), oldest first. */
  listExpiring(before: Date, limit: number): Promise<ConnectionRef[]>;
}

export interface RetentionPolicy {
  /** OAuth states (used or expired) older than this are deleted. */
  oauthStatesDays: number;
  /** Sent outbound deliveries (webhooks, brief mails) older than this are deleted. */
  sentDeliveriesDays: number;
}

export interface RetentionStore {
  /** Deletes what the policy no longer keeps; returns the rows deleted per kind. */
  purge(now: Date, policy: RetentionPolicy): Promise<Record<string, number>>;
}
