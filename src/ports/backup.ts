// The tenant-backup port: reads and replaces everything calbridge owns for one tenant (not the synced calendar content).

/** A tenant's calbridge-owned data, in a stable order, as plain JSON values (timestamps as ISO strings). */
export interface TenantData {
  tenant: { id: string; name: string; calendarProvider: string; settings: Record<string, unknown> };
  customers: Array<{
    id: string;
    name: string;
    domains: string[];
    subjectPatterns: string[];
    createdAt: string;
    updatedAt: string;
  }>;
  stakeholders: Array<{ id: string; customerId: string; email: string; name: string | null; role: string | null }>;
  /** Manual associations keyed by the provider event (stable across a re-sync), not by our meeting row id. */
  manualAssociations: Array<{
    provider: string | null;
    providerEventId: string;
    icalUid: string | null;
    customerId: string | null;
  }>;
  templates: Array<{
    key: string | null;
    name: string;
    subjectTemplate: string;
    bodyHtml: string;
    durationMinutes: number;
    attendeeRoles: string[];
    onlineMeeting: boolean;
    reminderMinutes: number | null;
  }>;
  audit: Array<{
    actor: string;
    action: string;
    targetType: string | null;
    targetId: string | null;
    details: Record<string, unknown>;
    createdAt: string;
  }>;
}

export interface TenantBackupStore {
  /** The tenant's data, ordered so two reads of the same state are identical; null when there is no such tenant. */
  read(tenantId: string): Promise<TenantData | null>;
  /**
   * Replaces the tenant's data in one transaction (the tenant is created when missing); ids are kept. Manual
   * associations are re-applied to synced meetings with the same provider event id; returns how many matched.
   */
  replace(data: TenantData): Promise<{ manualAssociationsApplied: number }>;
}
