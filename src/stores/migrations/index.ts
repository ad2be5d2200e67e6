// The ordered list of migrations. Append only: a shipped migration never changes.
import type { Migration } from 'kysely';
import * as m0001 from './0001_tenants_google.js';
import * as m0002 from './0002_provider_microsoft.js';
import * as m0003 from './0003_calendars_meetings.js';
import * as m0004 from './0004_sync_engine.js';
import * as m0005 from './0005_scheduling.js';
import * as m0006 from './0006_metrics.js';
import * as m0007 from './0007_calendar_settings.js';
import * as m0008 from './0008_google_channel_token.js';
import * as m0009 from './0009_provider_event_identity.js';
import * as m0010 from './0010_subscription_reauthorization.js';
import * as m0012 from './0012_tenant_revisions.js';
import * as m0014 from './0014_working_hours.js';
import * as m0015 from './0015_calendar_access_lost.js';
import * as m0016 from './0016_oauth_state_account.js';
import * as m0017 from './0017_people.js';
import * as m0018 from './0018_signin.js';
import * as m0019 from './0019_audit_keyset.js';
import * as m0020 from './0020_approval_deliveries.js';
import * as m0021 from './0021_user_preferences.js';
import * as m0022 from './0022_customer_score_history.js';
import * as m0023 from './0023_proposal_decision_reason.js';
import * as m0024 from './0024_chat_history.js';
import * as m0025 from './0025_webhook_endpoints.js';
import * as m0027 from './0027_ics_feeds.js';
import * as m0028 from './0028_data_jobs.js';
import * as m0029 from './0029_webhook_secret_overlap.js';
import * as m0030 from './0030_meetings_user_end.js';
import * as m0031 from './0031_meetings_copies.js';

export const MIGRATIONS: Record<string, Migration> = {
  '0001_tenants_google': m0001,
  '0002_provider_microsoft': m0002,
  '0003_calendars_meetings': m0003,
  '0004_sync_engine': m0004,
  '0005_scheduling': m0005,
  '0006_metrics': m0006,
  '0007_calendar_settings': m0007,
  '0008_google_channel_token': m0008,
  '0009_provider_event_identity': m0009,
  '0010_subscription_reauthorization': m0010,
  '0012_tenant_revisions': m0012,
  '0014_working_hours': m0014,
  '0015_calendar_access_lost': m0015,
  '0016_oauth_state_account': m0016,
  '0017_people': m0017,
  '0018_signin': m0018,
  '0019_audit_keyset': m0019,
  '0020_approval_deliveries': m0020,
  '0021_user_preferences': m0021,
  '0022_customer_score_history': m0022,
  '0023_proposal_decision_reason': m0023,
  '0024_chat_history': m0024,
  '0025_webhook_endpoints': m0025,
  '0027_ics_feeds': m0027,
  '0028_data_jobs': m0028,
  '0029_webhook_secret_overlap': m0029,
  '0030_meetings_user_end': m0030,
  '0031_meetings_copies': m0031,
};
