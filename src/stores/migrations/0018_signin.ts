// Migration 18: sign-in with Microsoft and Google (OpenID Connect). A sign-in flow in progress (state, nonce, sealed
// PKCE verifier, where to go after) is kept server-side for 10 minutes, bound to the browser that started it by the
// hash of a random value in a short-lived cookie, and spent once. A calendar connect started from a browser session
// records that session: its callback must come back in the same session.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE signin_flows (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    state_hash text NOT NULL UNIQUE,
    browser_hash text NOT NULL,
    provider text NOT NULL,
    nonce text NOT NULL,
    verifier_ciphertext text NOT NULL,
    return_to text,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
  await sql`CREATE INDEX signin_flows_expires_idx ON signin_flows (expires_at)`.execute(db);
  await sql`ALTER TABLE oauth_states ADD COLUMN session_id uuid`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE oauth_states DROP COLUMN session_id`.execute(db);
  await sql`DROP TABLE signin_flows`.execute(db);
}
