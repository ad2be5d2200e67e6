// Migration 27: private iCalendar subscription feeds (issue 19): one per user at most, found by the SHA-256 of its
// token (the token itself is shown once, when it is made, and never stored). Revoking deletes the row; rotating
// replaces the hash, so the old URL answers 404 at once.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE ics_feeds (
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash text NOT NULL UNIQUE,
    token_prefix text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_fetched_at timestamptz,
    PRIMARY KEY (tenant_id, user_id)
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE ics_feeds`.execute(db);
}
