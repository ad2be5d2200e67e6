// Postgres side of the working hours calbridge keeps per user (table working_hours), scoped by tenant and user.
import type { Kysely } from 'kysely';
import type { WorkingHours } from '../domain/calendar.js';
import type { KeptWorkingHours, WorkingHoursStore } from '../ports/working-hours.js';
import type { DB } from './schema.js';

export class PgWorkingHoursStore implements WorkingHoursStore {
  constructor(private readonly db: Kysely<DB>) {}

  async get(tenantId: string, userId: string): Promise<KeptWorkingHours | null> {
    const r = await this.db
      .selectFrom('working_hours')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!r) return null;
    return {
      hours: {
        daysOfWeek: r.days_of_week.split(',').filter(Boolean) as WorkingHours['daysOfWeek'],
        startTime: r.start_time,
        endTime: r.end_time,
        timeZone: r.time_zone,
      },
      updatedAt: r.updated_at,
    };
  }

  async put(tenantId: string, userId: string, h: WorkingHours): Promise<void> {
    const values = {
      days_of_week: h.daysOfWeek.join(','),
      start_time: h.startTime,
      end_time: h.endTime,
      time_zone: h.timeZone,
    };
    await this.db
      .insertInto('working_hours')
      .values({ tenant_id: tenantId, user_id: userId, ...values })
      .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet({ ...values, updated_at: new Date() }))
      .execute();
  }

  async delete(tenantId: string, userId: string): Promise<void> {
    await this.db.deleteFrom('working_hours').where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute();
  }
}
