// Migration 20: approval requests reach their approvers through the outbox: e-mails from the organizer's mailbox
// (approval_email) and the platform webhook's proposal events (approval_webhook), leased and retried like the rest.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE outbound_deliveries DROP CONSTRAINT IF EXISTS outbound_deliveries_kind_check`.execute(db);
  await sql`ALTER TABLE outbound_deliveries ADD CONSTRAINT outbound_deliveries_kind_check
    CHECK (kind IN ('health_webhook', 'brief_email', 'brief_webhook', 'approval_email', 'approval_webhook'))`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM outbound_deliveries WHERE kind IN ('approval_email', 'approval_webhook')`.execute(db);
  await sql`ALTER TABLE outbound_deliveries DROP CONSTRAINT IF EXISTS outbound_deliveries_kind_check`.execute(db);
  await sql`ALTER TABLE outbound_deliveries ADD CONSTRAINT outbound_deliveries_kind_check
    CHECK (kind IN ('health_webhook', 'brief_email', 'brief_webhook'))`.execute(db);
}
