// Backup and restore of a tenant's calbridge-owned data: customers, stakeholders, manual associations, templates, audit.
// Calendar content is not exported: it belongs to the provider and comes back by sync.
import type { Kysely } from 'kysely';
import { AppError } from '../../domain/errors.js';
import type { DB } from '../../stores/schema.js';

export const BACKUP_FORMAT = 'calbridge.tenant-backup.v1';

export interface TenantBackup {
  format: typeof BACKUP_FORMAT;
  exportedAt: string;
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

/**
 * Exports everything calbridge owns for a tenant, in a stable order so two exports of the same state are identical
 * (apart from `exportedAt`).
 */
export async function exportTenant(db: Kysely<DB>, tenantId: string): Promise<TenantBackup> {
  const t = await db.selectFrom('tenants').selectAll().where('id', '=', tenantId).executeTakeFirst();
  if (!t) throw new AppError('not_found', `No tenant ${tenantId}.`);
  const customers = await db
    .selectFrom('customers')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('id')
    .execute();
  const stakeholders = await db
    .selectFrom('stakeholders')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('id')
    .execute();
  const manual = await db
    .selectFrom('meetings')
    .select(['provider', 'provider_event_id', 'ical_uid', 'customer_id'])
    .where('tenant_id', '=', tenantId)
    .where('manual_customer', '=', true)
    .where('provider_event_id', 'is not', null)
    .orderBy('provider_event_id')
    .execute();
  const templates = await db
    .selectFrom('meeting_templates')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('name')
    .execute();
  const audit = await db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute();
  return {
    format: BACKUP_FORMAT,
    exportedAt: new Date().toISOString(),
    tenant: { id: t.id, name: t.name, calendarProvider: t.calendar_provider, settings: t.settings },
    customers: customers.map((c) => ({
      id: c.id,
      name: c.name,
      domains: c.domains,
      subjectPatterns: c.subject_patterns,
      createdAt: c.created_at.toISOString(),
      updatedAt: c.updated_at.toISOString(),
    })),
    stakeholders: stakeholders.map((s) => ({
      id: s.id,
      customerId: s.customer_id,
      email: s.email,
      name: s.name,
      role: s.role,
    })),
    manualAssociations: manual.map((m) => ({
      provider: m.provider,
      providerEventId: m.provider_event_id!,
      icalUid: m.ical_uid,
      customerId: m.customer_id,
    })),
    templates: templates.map((x) => ({
      key: x.key,
      name: x.name,
      subjectTemplate: x.subject_template,
      bodyHtml: x.body_html,
      durationMinutes: x.duration_minutes,
      attendeeRoles: x.attendee_roles,
      onlineMeeting: x.online_meeting,
      reminderMinutes: x.reminder_minutes,
    })),
    audit: audit.map((a) => ({
      actor: a.actor,
      action: a.action,
      targetType: a.target_type,
      targetId: a.target_id,
      details: a.details,
      createdAt: a.created_at.toISOString(),
    })),
  };
}

/**
 * Restores a backup into a tenant (the same id, created when missing), replacing its calbridge-owned data in one
 * transaction. Ids are kept, so references (stakeholders → customers, audit target ids) stay valid. Manual
 * associations are re-applied to synced meetings with the same provider event id, and kept for ones not synced yet.
 */
export async function importTenant(
  db: Kysely<DB>,
  backup: TenantBackup,
): Promise<{ customers: number; manualAssociationsApplied: number }> {
  if (backup?.format !== BACKUP_FORMAT) throw new AppError('validation_failed', `Not a ${BACKUP_FORMAT} file.`);
  return db.transaction().execute(async (trx) => {
    const t = backup.tenant;
    await trx
      .insertInto('tenants')
      .values({
        id: t.id,
        name: t.name,
        calendar_provider: t.calendarProvider as 'MICROSOFT' | 'GOOGLE',
        settings: JSON.stringify(t.settings),
      })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({ name: t.name, settings: JSON.stringify(t.settings), updated_at: new Date() }),
      )
      .execute();
    await trx
      .updateTable('meetings')
      .set({ customer_id: null, manual_customer: false })
      .where('tenant_id', '=', t.id)
      .where('manual_customer', '=', true)
      .execute();
    await trx.deleteFrom('stakeholders').where('tenant_id', '=', t.id).execute();
    await trx.deleteFrom('customers').where('tenant_id', '=', t.id).execute();
    await trx.deleteFrom('meeting_templates').where('tenant_id', '=', t.id).execute();
    await trx.deleteFrom('audit_log').where('tenant_id', '=', t.id).execute();
    if (backup.customers.length) {
      await trx
        .insertInto('customers')
        .values(
          backup.customers.map((c) => ({
            id: c.id,
            tenant_id: t.id,
            name: c.name,
            domains: c.domains,
            subject_patterns: c.subjectPatterns,
            created_at: new Date(c.createdAt),
            updated_at: new Date(c.updatedAt),
          })),
        )
        .execute();
    }
    if (backup.stakeholders.length) {
      await trx
        .insertInto('stakeholders')
        .values(
          backup.stakeholders.map((s) => ({
            id: s.id,
            tenant_id: t.id,
            customer_id: s.customerId,
            email: s.email,
            name: s.name,
            role: s.role,
          })),
        )
        .execute();
    }
    if (backup.templates.length) {
      await trx
        .insertInto('meeting_templates')
        .values(
          backup.templates.map((x) => ({
            tenant_id: t.id,
            key: x.key,
            name: x.name,
            subject_template: x.subjectTemplate,
            body_html: x.bodyHtml,
            duration_minutes: x.durationMinutes,
            attendee_roles: x.attendeeRoles,
            online_meeting: x.onlineMeeting,
            reminder_minutes: x.reminderMinutes,
          })),
        )
        .execute();
    }
    if (backup.audit.length) {
      await trx
        .insertInto('audit_log')
        .values(
          backup.audit.map((a) => ({
            tenant_id: t.id,
            actor: a.actor,
            action: a.action,
            target_type: a.targetType,
            target_id: a.targetId,
            details: JSON.stringify(a.details),
            created_at: new Date(a.createdAt),
          })),
        )
        .execute();
    }
    let applied = 0;
    for (const m of backup.manualAssociations) {
      const r = await trx
        .updateTable('meetings')
        .set({
          customer_id: m.customerId,
          manual_customer: true,
          customer_match_reason: m.customerId ? 'manual' : 'manual_none',
          customer_match_confidence: 1,
        })
        .where('tenant_id', '=', t.id)
        .where('provider_event_id', '=', m.providerEventId)
        .executeTakeFirst();
      applied += Number(r.numUpdatedRows);
    }
    return { customers: backup.customers.length, manualAssociationsApplied: applied };
  });
}
