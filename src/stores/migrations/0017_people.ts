// Migration 17: people, not API keys. Users get a role (admin, approver, member) and a status (invited, active,
// deactivated); browser sessions are stored server-side (only a hash of the cookie's token), so they can be revoked.
// Users that exist before this migration become admins: until now every key could do everything, and a deployment's
// existing people keep what they had; new users start as members.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE users ADD COLUMN role text NOT NULL DEFAULT 'member'
    CHECK (role IN ('admin', 'approver', 'member'))`.execute(db);
  await sql`ALTER TABLE users ADD COLUMN status text NOT NULL DEFAULT 'active'
    CHECK (status IN ('invited', 'active', 'deactivated'))`.execute(db);
  await sql`ALTER TABLE users ADD COLUMN deactivated_at timestamptz`.execute(db);
  await sql`UPDATE users SET role = 'admin'`.execute(db);
  await sql`CREATE TABLE sessions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash text NOT NULL UNIQUE,
    csrf_token text NOT NULL,
    provider text,
    user_agent text,
    ip text,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
  )`.execute(db);
  await sql`CREATE INDEX sessions_user_idx ON sessions (tenant_id, user_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE sessions`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN deactivated_at, DROP COLUMN status, DROP COLUMN role`.execute(db);
}
