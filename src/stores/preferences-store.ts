// Postgres side of each person's display preferences: columns of the users row (time_zone, time_format,
// preferences_source, preferences_updated_at; migration 21), scoped by tenant and user.
import { sql, type Kysely } from 'kysely';
import type { PreferencesStore, StoredPreferences, TimeFormat } from '../ports/preferences.js';
import type { DB } from './schema.js';

export class PgPreferencesStore implements PreferencesStore {
  constructor(private readonly db: Kysely<DB>) {}

  async get(tenantId: string, userId: string): Promise<StoredPreferences | null> {
    const r = await this.db
      .selectFrom('users')
      .select(['time_zone', 'time_format', 'preferences_source', 'preferences_updated_at', 'display_name'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!r) return null;
    return {
      timeZone: r.time_zone,
      timeFormat: r.time_format,
      source: r.preferences_source,
      updatedAt: r.preferences_updated_at,
      displayName: r.display_name,
    };
  }

  async put(
    tenantId: string,
    userId: string,
    p: { timeZone: string; timeFormat: TimeFormat | null; source: 'mailbox' | 'user'; displayName?: string | null },
  ): Promise<void> {
    let q = this.db
      .updateTable('users')
      .set({
        time_zone: p.timeZone,
        time_format: p.timeFormat,
        preferences_source: p.source,
        preferences_updated_at: new Date(),
        ...(p.displayName ? { display_name: sql<string>`coalesce(display_name, ${p.displayName})` } : {}),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', userId);
    // The mailbox never overwrites what the person chose.
    if (p.source === 'mailbox')
      q = q.where((eb) => eb.or([eb('preferences_source', 'is', null), eb('preferences_source', '=', 'mailbox')]));
    await q.execute();
  }
}
