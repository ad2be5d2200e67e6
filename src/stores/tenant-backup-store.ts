// Postgres side of tenant backup and restore: reads and replaces a tenant's customers, stakeholders, manual
// associations, templates and audit log (calendar content is not exported: it comes back by sync).
import type { Kysely } from 'kysely';
import type { TenantBackupStore, TenantData } from '../ports/backup.js';
import type { DB } from './schema.js';

export class PgTenantBackupStore implements TenantBackupStore {
  constructor(private readonly db: Kysely<DB>) {}

  async read(tenantId: string): Promise<TenantData | null> {
    const t = await this.db.selectFrom('tenants').selectAll().where('id', '=', tenantId).executeTakeFirst();
    if (!t) return null;
    const customers = await this.db
      .selectFrom('customers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('id')
      .execute();
    const stakeholders = await this.db
      .selectFrom('stakeholders')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('id')
      .execute();
    const manual = await this.db
      .selectFrom('meetings')
      .select(['provider', 'provider_event_id', 'ical_uid', 'customer_id'])
      .where('tenant_id', '=', tenantId)
      .where('manual_customer', '=', true)
      .where('provider_event_id', 'is not', null)
      .orderBy('provider_event_id')
      .execute();
    const templates = await this.db
      .selectFrom('meeting_templates')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('name')
      .execute();
    const audit = await this.db
      .selectFrom('audit_log')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('id')
      .execute();
    return {
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

  async replace(data: TenantData): Promise<{ manualAssociationsApplied: number }> {
    return this.db.transaction().execute(async (trx) => {
      const t = data.tenant;
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
      if (data.customers.length) {
        await trx
          .insertInto('customers')
          .values(
            data.customers.map((c) => ({
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
      if (data.stakeholders.length) {
        await trx
          .insertInto('stakeholders')
          .values(
            data.stakeholders.map((s) => ({
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
      if (data.templates.length) {
        await trx
          .insertInto('meeting_templates')
          .values(
            data.templates.map((x) => ({
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
      if (data.audit.length) {
        await trx
          .insertInto('audit_log')
          .values(
            data.audit.map((a) => ({
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
      for (const m of data.manualAssociations) {
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
      return { manualAssociationsApplied: applied };
    });
  }
}
