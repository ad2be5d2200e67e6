// Maintenance queries: connections with expiring access tokens, and deletion of spent OAuth states and deliveries.
import { sql, type Kysely } from 'kysely';
import type { ConnectionRef, ExpiringTokenSource, RetentionPolicy, RetentionStore } from '../ports/maintenance.js';
import type { DB } from './schema.js';

const DAY_MS = 86_400_000;

export class PgMaintenanceStore implements ExpiringTokenSource, RetentionStore {
  constructor(private readonly db: Kysely<DB>) {}

  async listExpiring(before: Date, limit: number): Promise<ConnectionRef[]> {
    const rows = await this.db
      .selectFrom('calendar_connections')
      .select(['tenant_id', 'id'])
      .where('status', '=', 'active')
      .where((eb) => eb.or([eb('token_expires_at', 'is', null), eb('token_expires_at', '<', before)]))
      .orderBy('token_expires_at', 'asc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ tenantId: r.tenant_id, connectionId: r.id }));
  }

  async purge(now: Date, policy: RetentionPolicy): Promise<Record<string, number>> {
    const statesBefore = new Date(now.getTime() - policy.oauthStatesDays * DAY_MS);
    const deliveriesBefore = new Date(now.getTime() - policy.sentDeliveriesDays * DAY_MS);
    const states = await this.db.deleteFrom('oauth_states').where('expires_at', '<', statesBefore).executeTakeFirst();
    // outbound_deliveries is typed by the outbox store alone (webhook-store.ts).
    const deliveries = await sql`
      DELETE FROM outbound_deliveries WHERE status = 'sent' AND sent_at < ${deliveriesBefore}`.execute(this.db);
    return { oauthStates: Number(states.numDeletedRows), sentDeliveries: Number(deliveries.numAffectedRows ?? 0) };
  }
}
