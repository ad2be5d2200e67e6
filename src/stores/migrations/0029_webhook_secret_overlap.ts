// Migration 29: webhook secret rotation with an overlap (issue 19). After a rotation an endpoint keeps the secret it
// replaced, sealed exactly as the current one (same key ring, same AAD), until previous_secret_expires_at; while
// it lasts, deliveries carry a signature with each secret, so a receiver that has not deployed the new one yet still
// verifies them.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE webhook_endpoints
    ADD COLUMN previous_secret_ciphertext text,
    ADD COLUMN previous_secret_expires_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE webhook_endpoints
    DROP COLUMN previous_secret_ciphertext,
    DROP COLUMN previous_secret_expires_at`.execute(db);
}
