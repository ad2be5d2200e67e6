// Migration 28: data jobs (issue 19): the progress of a tenant's or a user's deletion, run by the `data-erasure` job.
// The row outlives what it deletes: no foreign key to tenants or users, and a finished tenant deletion clears
// tenant_id, so no row names the deleted tenant. The requester polls with the job id and, once their own key is gone
// with the tenant, with a status token (only its SHA-256 is kept).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE data_jobs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind text NOT NULL CHECK (kind IN ('tenant_deletion', 'user_deletion')),
    tenant_id uuid,
    user_id uuid,
    requested_by uuid,
    status_token_hash text NOT NULL,
    state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
    steps_total integer NOT NULL DEFAULT 0,
    steps_done integer NOT NULL DEFAULT 0,
    step text,
    result jsonb NOT NULL DEFAULT '{}'::jsonb,
    error_code text,
    attempts integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
  )`.execute(db);
  await sql`CREATE INDEX data_jobs_tenant_idx ON data_jobs (tenant_id, created_at) WHERE tenant_id IS NOT NULL`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE data_jobs`.execute(db);
}
