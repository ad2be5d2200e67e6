// Postgres repository for meeting templates (soft delete, so defaults a tenant removed are not seeded again).
import type { ColumnType, Kysely } from 'kysely';
import { AppError } from '../domain/errors.js';
import type { TemplateInput, TemplateRecord, TemplateStore } from '../ports/scheduling.js';
import type { DB, MeetingTemplatesTable } from './schema.js';

/** meeting_templates with the columns of migration 0005. */
interface TemplatesTable5 extends Omit<MeetingTemplatesTable, 'online_meeting'> {
  online_meeting: boolean | null;
  deleted_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}
type SDB = Omit<DB, 'meeting_templates'> & { meeting_templates: TemplatesTable5 };
type Row = {
  [K in keyof TemplatesTable5]: TemplatesTable5[K] extends ColumnType<infer S, unknown, unknown>
    ? S
    : TemplatesTable5[K];
};

function toRecord(r: Row): TemplateRecord {
  return {
    id: r.id,
    key: r.key,
    name: r.name,
    subjectTemplate: r.subject_template,
    bodyHtml: r.body_html,
    durationMinutes: r.duration_minutes,
    attendeeRoles: r.attendee_roles,
    onlineMeeting: r.online_meeting,
    reminderMinutes: r.reminder_minutes,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

function columns(input: Partial<TemplateInput>) {
  const out: Partial<Record<keyof TemplatesTable5, unknown>> = {};
  if (input.key !== undefined) out.key = input.key;
  if (input.name !== undefined) out.name = input.name;
  if (input.subjectTemplate !== undefined) out.subject_template = input.subjectTemplate;
  if (input.bodyHtml !== undefined) out.body_html = input.bodyHtml;
  if (input.durationMinutes !== undefined) out.duration_minutes = input.durationMinutes;
  if (input.attendeeRoles !== undefined) out.attendee_roles = input.attendeeRoles;
  if (input.onlineMeeting !== undefined) out.online_meeting = input.onlineMeeting;
  if (input.reminderMinutes !== undefined) out.reminder_minutes = input.reminderMinutes;
  return out;
}

const UNIQUE = '23505';
const isUnique = (e: unknown): boolean => {
  const x = e as { code?: string; cause?: { code?: string } };
  return x?.code === UNIQUE || x?.cause?.code === UNIQUE;
};

export class PgTemplateStore implements TemplateStore {
  private readonly db: Kysely<SDB>;
  constructor(db: Kysely<DB>) {
    this.db = db as unknown as Kysely<SDB>;
  }

  private live(tenantId: string) {
    return this.db
      .selectFrom('meeting_templates')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('deleted_at', 'is', null);
  }

  async seedOnce(tenantId: string, defaults: TemplateInput[]): Promise<void> {
    // A tenant that ever had a template row (live or deleted) is never seeded again. Two concurrent first requests
    // may both see none: the unique name index lets one win and the other's insert fail, which is fine.
    try {
      await this.db.transaction().execute(async (trx) => {
        const any = await trx
          .selectFrom('meeting_templates')
          .select('id')
          .where('tenant_id', '=', tenantId)
          .limit(1)
          .executeTakeFirst();
        if (any) return;
        await trx
          .insertInto('meeting_templates')
          .values(defaults.map((d) => ({ tenant_id: tenantId, ...columns(d) }) as never))
          .execute();
      });
    } catch (e) {
      if (!isUnique(e)) throw e;
    }
  }

  async list(tenantId: string): Promise<TemplateRecord[]> {
    return (await this.live(tenantId).orderBy('name').execute()).map((r) => toRecord(r as Row));
  }

  async get(tenantId: string, id: string): Promise<TemplateRecord | null> {
    const r = await this.live(tenantId).where('id', '=', id).executeTakeFirst();
    return r ? toRecord(r as Row) : null;
  }

  async getByKey(tenantId: string, key: string): Promise<TemplateRecord | null> {
    const r = await this.live(tenantId).where('key', '=', key).executeTakeFirst();
    return r ? toRecord(r as Row) : null;
  }

  async create(tenantId: string, input: TemplateInput): Promise<TemplateRecord> {
    try {
      const r = await this.db
        .insertInto('meeting_templates')
        .values({ tenant_id: tenantId, ...columns(input) } as never)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRecord(r as Row);
    } catch (e) {
      if (isUnique(e)) throw new AppError('already_exists', 'A template with this name exists.', { cause: e });
      throw e;
    }
  }

  async update(tenantId: string, id: string, patch: Partial<TemplateInput>): Promise<TemplateRecord | null> {
    try {
      const r = await this.db
        .updateTable('meeting_templates')
        .set({ ...columns(patch), updated_at: new Date() } as never)
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return r ? toRecord(r as Row) : null;
    } catch (e) {
      if (isUnique(e)) throw new AppError('already_exists', 'A template with this name exists.', { cause: e });
      throw e;
    }
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const r = await this.db
      .updateTable('meeting_templates')
      .set({ deleted_at: new Date() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
