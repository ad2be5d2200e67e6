// Migration 3: connections, calendars, customers, meetings, sync links and state, templates, proposals, audit.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE calendar_connections (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      provider calendar_provider_type NOT NULL,
      provider_tenant_id text,
      provider_user_id text,
      account_email text,
      account_name text,
      scopes text[] NOT NULL DEFAULT '{}',
      token_ciphertext text,
      token_key_id text,
      token_expires_at timestamptz,
      status text NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'needs_reauth', 'revoked', 'unsupported_mailbox', 'consent_required')),
      status_reason text,
      last_error text,
      connected_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, user_id, provider)
    )`.execute(db);
  await sql`
    CREATE TABLE calendars (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      connection_id uuid NOT NULL REFERENCES calendar_connections(id) ON DELETE CASCADE,
      provider_calendar_id text NOT NULL,
      name text NOT NULL,
      owner_email text,
      is_shared boolean NOT NULL DEFAULT false,
      is_default boolean NOT NULL DEFAULT false,
      selected_for_sync boolean NOT NULL DEFAULT true,
      can_edit boolean NOT NULL DEFAULT true,
      online_meeting_providers text[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (connection_id, provider_calendar_id)
    )`.execute(db);
  await sql`
    CREATE TABLE customers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      name text NOT NULL,
      domains text[] NOT NULL DEFAULT '{}',
      subject_patterns text[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX customers_tenant ON customers (tenant_id, name)`.execute(db);
  await sql`
    CREATE TABLE stakeholders (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
      email text NOT NULL,
      name text,
      role text,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (customer_id, email)
    )`.execute(db);
  await sql`
    CREATE TABLE meetings (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      calendar_id uuid REFERENCES calendars(id) ON DELETE SET NULL,
      provider calendar_provider_type,
      ical_uid text,
      subject text NOT NULL DEFAULT '',
      body text NOT NULL DEFAULT '',
      body_content_type text NOT NULL DEFAULT 'html',
      start_at timestamptz NOT NULL,
      end_at timestamptz NOT NULL,
      time_zone text NOT NULL DEFAULT 'UTC',
      is_all_day boolean NOT NULL DEFAULT false,
      organizer jsonb,
      attendees jsonb NOT NULL DEFAULT '[]'::jsonb,
      location jsonb,
      online_meeting jsonb,
      show_as text NOT NULL DEFAULT 'busy',
      sensitivity text NOT NULL DEFAULT 'normal',
      categories text[] NOT NULL DEFAULT '{}',
      event_type text NOT NULL DEFAULT 'singleInstance'
        CHECK (event_type IN ('singleInstance', 'occurrence', 'exception', 'seriesMaster')),
      series_master_id uuid REFERENCES meetings(id) ON DELETE CASCADE,
      original_start timestamptz,
      recurrence jsonb,
      is_cancelled boolean NOT NULL DEFAULT false,
      response_status text NOT NULL DEFAULT 'none',
      reminder_minutes integer,
      customer_id uuid REFERENCES customers(id) ON DELETE SET NULL,
      customer_match_reason text,
      customer_match_confidence real,
      customer_candidates jsonb NOT NULL DEFAULT '[]'::jsonb,
      manual_customer boolean NOT NULL DEFAULT false,
      origin text NOT NULL DEFAULT 'provider' CHECK (origin IN ('provider', 'calbridge')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX meetings_tenant_user_start ON meetings (tenant_id, user_id, start_at)`.execute(db);
  await sql`CREATE INDEX meetings_customer_start ON meetings (tenant_id, customer_id, start_at)`.execute(db);
  await sql`CREATE INDEX meetings_series ON meetings (series_master_id)`.execute(db);
  await sql`
    CREATE TABLE outlook_calendar_sync (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      meeting_id uuid NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
      outlook_event_id text NOT NULL UNIQUE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      calendar_id uuid REFERENCES calendars(id) ON DELETE CASCADE,
      last_synced_at timestamptz,
      sync_direction varchar(10),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      change_key text,
      ical_uid text
    )`.execute(db);
  await sql`CREATE INDEX outlook_calendar_sync_meeting ON outlook_calendar_sync (meeting_id)`.execute(db);
  await sql`
    CREATE TABLE calendar_sync_state (
      calendar_id uuid PRIMARY KEY REFERENCES calendars(id) ON DELETE CASCADE,
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      delta_link text,
      window_start timestamptz,
      window_end timestamptz,
      subscription_id text,
      subscription_expires_at timestamptz,
      subscription_client_state_hash text,
      last_success_at timestamptz,
      last_attempt_at timestamptz,
      last_notification_at timestamptz,
      next_run_at timestamptz,
      last_error text,
      full_sync_in_progress boolean NOT NULL DEFAULT false,
      pages_synced integer NOT NULL DEFAULT 0,
      events_synced integer NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE TABLE meeting_templates (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      key text,
      name text NOT NULL,
      subject_template text NOT NULL,
      body_html text NOT NULL DEFAULT '',
      duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 1440),
      attendee_roles text[] NOT NULL DEFAULT '{}',
      online_meeting boolean NOT NULL DEFAULT true,
      reminder_minutes integer,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, name)
    )`.execute(db);
  await sql`
    CREATE TABLE meeting_proposals (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      customer_id uuid REFERENCES customers(id) ON DELETE SET NULL,
      kind text NOT NULL DEFAULT 'create' CHECK (kind IN ('create', 'update', 'delete')),
      status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approving', 'approved', 'rejected', 'expired', 'failed')),
      payload jsonb NOT NULL,
      preview jsonb NOT NULL,
      meeting_id uuid REFERENCES meetings(id) ON DELETE SET NULL,
      created_by uuid REFERENCES users(id) ON DELETE SET NULL,
      decided_by uuid REFERENCES users(id) ON DELETE SET NULL,
      decided_at timestamptz,
      expires_at timestamptz NOT NULL,
      error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX meeting_proposals_tenant_status ON meeting_proposals (tenant_id, status)`.execute(db);
  await sql`
    CREATE TABLE oauth_states (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      provider calendar_provider_type NOT NULL,
      nonce_hash text NOT NULL UNIQUE,
      verifier_ciphertext text NOT NULL,
      redirect_after text,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      actor text NOT NULL,
      action text NOT NULL,
      target_type text,
      target_id text,
      details jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX audit_log_tenant_time ON audit_log (tenant_id, created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE audit_log, oauth_states, meeting_proposals, meeting_templates, calendar_sync_state,
    outlook_calendar_sync, meetings, stakeholders, customers, calendars, calendar_connections`.execute(db);
}
