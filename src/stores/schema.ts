// Kysely table types: the database schema as the migrations create it.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | T | undefined, string | T>;
export type ProviderEnum = 'GOOGLE' | 'MICROSOFT';
export type ConnectionStatus = 'active' | 'needs_reauth' | 'revoked' | 'unsupported_mailbox' | 'consent_required';

export interface TenantsTable {
  id: Generated<string>;
  name: string;
  calendar_provider: ProviderEnum;
  settings: Json<Record<string, unknown>>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface UsersTable {
  id: Generated<string>;
  tenant_id: string;
  email: string;
  display_name: string | null;
  time_zone: Generated<string>;
  /** 12h | 24h, or null when not known yet (migration 21). */
  time_format: ColumnType<'12h' | '24h' | null, '12h' | '24h' | null | undefined>;
  /** Where time_zone and time_format came from: the mailbox, or the person's own choice (migration 21). */
  preferences_source: ColumnType<'mailbox' | 'user' | null, 'mailbox' | 'user' | null | undefined>;
  preferences_updated_at: ColumnType<Date | null, Date | null | undefined>;
  /** admin | approver | member (migration 17). */
  role: ColumnType<'admin' | 'approver' | 'member', 'admin' | 'approver' | 'member' | undefined>;
  /** invited | active | deactivated (migration 17). */
  status: ColumnType<'invited' | 'active' | 'deactivated', 'invited' | 'active' | 'deactivated' | undefined>;
  deactivated_at: NullableTimestamp;
  created_at: Generated<Date>;
}

/** A browser session (migration 17): only the hash of the cookie's token is stored. */
export interface SessionsTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  token_hash: string;
  csrf_token: string;
  provider: string | null;
  user_agent: string | null;
  ip: string | null;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
}

export interface ApiKeysTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  key_hash: string;
  prefix: string;
  created_at: Generated<Date>;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface CalendarConnectionsTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  provider: ProviderEnum;
  provider_tenant_id: string | null;
  provider_user_id: string | null;
  account_email: string | null;
  account_name: string | null;
  scopes: ColumnType<string[], string[] | undefined, string[]>;
  token_ciphertext: string | null;
  token_key_id: string | null;
  token_expires_at: NullableTimestamp;
  status: ColumnType<ConnectionStatus, ConnectionStatus | undefined, ConnectionStatus>;
  status_reason: string | null;
  last_error: string | null;
  connected_at: Generated<Date>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface CalendarsTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  connection_id: string;
  provider_calendar_id: string;
  name: string;
  owner_email: string | null;
  is_shared: Generated<boolean>;
  is_default: Generated<boolean>;
  selected_for_sync: Generated<boolean>;
  can_edit: Generated<boolean>;
  online_meeting_providers: ColumnType<string[], string[] | undefined, string[]>;
  /** Set when the provider stopped serving the calendar to this connection (share removed); no syncs while set. */
  access_lost_at: Date | null;
  access_lost_reason: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface CustomersTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  domains: ColumnType<string[], string[] | undefined, string[]>;
  subject_patterns: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface StakeholdersTable {
  id: Generated<string>;
  tenant_id: string;
  customer_id: string;
  email: string;
  name: string | null;
  role: string | null;
  created_at: Generated<Date>;
}

export interface MeetingsTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  calendar_id: string | null;
  provider: ProviderEnum | null;
  ical_uid: string | null;
  subject: string;
  body: string;
  body_content_type: string;
  start_at: Timestamp;
  end_at: Timestamp;
  time_zone: string;
  is_all_day: boolean;
  organizer: Json<unknown> | null;
  attendees: Json<unknown[]>;
  location: Json<unknown> | null;
  online_meeting: Json<unknown> | null;
  show_as: string;
  sensitivity: string;
  categories: ColumnType<string[], string[] | undefined, string[]>;
  event_type: string;
  series_master_id: string | null;
  original_start: NullableTimestamp;
  recurrence: Json<unknown> | null;
  is_cancelled: boolean;
  response_status: string;
  reminder_minutes: number | null;
  customer_id: string | null;
  customer_match_reason: string | null;
  customer_match_confidence: number | null;
  customer_candidates: Json<unknown[]>;
  manual_customer: Generated<boolean>;
  origin: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  provider_event_id: string | null;
  provider_series_master_id: string | null;
  provider_change_key: string | null;
  seen_generation: Generated<number>;
  external_id: string | null;
}

export interface OutlookCalendarSyncTable {
  id: Generated<string>;
  meeting_id: string;
  outlook_event_id: string;
  user_id: string;
  calendar_id: string | null;
  last_synced_at: NullableTimestamp;
  sync_direction: string | null;
  tenant_id: string;
  change_key: string | null;
  ical_uid: string | null;
}

export interface CalendarSyncStateTable {
  calendar_id: string;
  tenant_id: string;
  delta_link: string | null;
  window_start: NullableTimestamp;
  window_end: NullableTimestamp;
  subscription_id: string | null;
  subscription_expires_at: NullableTimestamp;
  subscription_client_state_hash: string | null;
  /** The provider asked to reauthorize the subscription (Graph reauthorizationRequired); cleared once answered. */
  subscription_reauthorize_requested_at: NullableTimestamp;
  last_success_at: NullableTimestamp;
  last_attempt_at: NullableTimestamp;
  last_notification_at: NullableTimestamp;
  next_run_at: NullableTimestamp;
  last_error: string | null;
  full_sync_in_progress: Generated<boolean>;
  pages_synced: Generated<number>;
  events_synced: Generated<number>;
  updated_at: Generated<Date>;
  generation: Generated<number>;
  last_full_sync_at: NullableTimestamp;
  resync_count: Generated<number>;
}

export interface GoogleCalendarSyncTable {
  id: Generated<string>;
  meeting_id: string;
  google_event_id: string;
  user_id: string;
  calendar_id: string | null;
  last_synced_at: NullableTimestamp;
  sync_direction: string | null;
  tenant_id: string;
  etag: string | null;
  ical_uid: string | null;
}

export interface MeetingTemplatesTable {
  id: Generated<string>;
  tenant_id: string;
  key: string | null;
  name: string;
  subject_template: string;
  body_html: string;
  duration_minutes: number;
  attendee_roles: ColumnType<string[], string[] | undefined, string[]>;
  online_meeting: boolean;
  reminder_minutes: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface MeetingProposalsTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  customer_id: string | null;
  kind: Generated<string>;
  status: Generated<string>;
  payload: Json<unknown>;
  preview: Json<unknown>;
  meeting_id: string | null;
  created_by: string | null;
  decided_by: string | null;
  decided_at: NullableTimestamp;
  expires_at: Timestamp;
  error: string | null;
  /** Why it was rejected (migration 23). */
  decision_reason: Generated<string | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface OauthStatesTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  provider: ProviderEnum;
  nonce_hash: string;
  verifier_ciphertext: string;
  redirect_after: string | null;
  /** The initiator allowed signing in with another account than their own (migration 16). */
  allow_other_account: Generated<boolean>;
  /** The browser session that started the flow, when it was started with one (migration 18). */
  session_id: string | null;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  created_at: Generated<Date>;
}

/** A user's own sync settings; absent → the server's SYNC_* configuration. */
export interface SyncPreferencesTable {
  tenant_id: string;
  user_id: string;
  window_past_days: number;
  window_future_days: number;
  poll_interval_seconds: number;
  updated_at: Generated<Date>;
}

export interface WorkingHoursTable {
  tenant_id: string;
  user_id: string;
  /** Comma-separated lower-case day names. */
  days_of_week: string;
  start_time: string;
  end_time: string;
  time_zone: string;
  updated_at: Generated<Date>;
}

export interface AuditLogTable {
  id: Generated<number>;
  tenant_id: string;
  actor: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: Json<Record<string, unknown>>;
  created_at: Generated<Date>;
}

export interface DB {
  tenants: TenantsTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
  sessions: SessionsTable;
  calendar_connections: CalendarConnectionsTable;
  calendars: CalendarsTable;
  customers: CustomersTable;
  stakeholders: StakeholdersTable;
  meetings: MeetingsTable;
  outlook_calendar_sync: OutlookCalendarSyncTable;
  google_calendar_sync: GoogleCalendarSyncTable;
  calendar_sync_state: CalendarSyncStateTable;
  meeting_templates: MeetingTemplatesTable;
  meeting_proposals: MeetingProposalsTable;
  oauth_states: OauthStatesTable;
  signin_flows: SigninFlowsTable;
  audit_log: AuditLogTable;
  sync_preferences: SyncPreferencesTable;
  working_hours: WorkingHoursTable;
}

/** A sign-in (OpenID Connect) in progress (migration 18). */
export interface SigninFlowsTable {
  id: Generated<string>;
  state_hash: string;
  browser_hash: string;
  provider: string;
  nonce: string;
  verifier_ciphertext: string;
  return_to: string | null;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export type TenantRow = Selectable<TenantsTable>;
export type UserRow = Selectable<UsersTable>;
export type ConnectionRow = Selectable<CalendarConnectionsTable>;
export type CalendarRow = Selectable<CalendarsTable>;
export type CustomerRow = Selectable<CustomersTable>;
export type StakeholderRow = Selectable<StakeholdersTable>;
export type MeetingRow = Selectable<MeetingsTable>;
export type NewMeeting = Insertable<MeetingsTable>;
export type MeetingUpdate = Updateable<MeetingsTable>;
