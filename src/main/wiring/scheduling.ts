// Builds scheduling: stores, the SchedulingService (provider per caller connection via the registry) and its routes.
import { approvalRoutes } from '../../http/routes/approvals.js';
import { preferencesRoutes } from '../../http/routes/preferences.js';
import { calendarRoutes } from '../../http/routes/calendar.js';
import { directoryRoutes } from '../../http/routes/directory.js';
import { proposalRoutes } from '../../http/routes/proposals.js';
import { templateRoutes } from '../../http/routes/templates.js';
import { workingHoursRoutes } from '../../http/routes/working-hours.js';
import { CallBudget } from '../../domain/scheduling/limits.js';
import type { SchedulingDeps } from '../../services/scheduling/context.js';
import { ApprovalNotices } from '../../services/scheduling/approval-notices.js';
import { ApprovalPolicyService } from '../../services/scheduling/approval-policy-service.js';
import { PreferencesService } from '../../services/scheduling/preferences.js';
import { SchedulingService } from '../../services/scheduling/scheduling-service.js';
import { TemplateService } from '../../services/scheduling/templates.js';
import { WorkingHoursService } from '../../services/scheduling/working-hours.js';
import { PgMeetingStore, PgSchedulingLookup } from '../../stores/meeting-store.js';
import { PgPreferencesStore } from '../../stores/preferences-store.js';
import { PgProposalStore } from '../../stores/proposal-store.js';
import { PgOutboxStore } from '../../stores/webhook-store.js';
import { PgTemplateStore } from '../../stores/template-store.js';
import { PgWorkingHoursStore } from '../../stores/working-hours-store.js';
import type { RouteModule } from '../../http/app-deps.js';
import type { Clock } from '../../ports/clock.js';
import type { Container } from '../container.js';
import type { PlatformEvents } from '../../services/webhooks/platform-events.js';
import { createPlatformEvents } from './webhooks.js';

export interface SchedulingOptions {
  publicUrl: () => string;
  clock: Clock;
  /** The organizer's manager from the directory (the manager approval rule); absent: unknown (approvers by role). */
  managerOf?: (tenantId: string, userId: string) => Promise<string | null>;
  /** Where proposal events go (default: an emitter on the container). */
  events?: PlatformEvents;
}

/** What the scheduling services are built from, on a container. */
function schedulingDeps(container: Container, opts: SchedulingOptions): SchedulingDeps {
  const db = container.database.db;
  const base = () => opts.publicUrl().replace(/\/+$/, '');
  return {
    lookup: new PgSchedulingLookup(db),
    meetings: new PgMeetingStore(db),
    proposals: new PgProposalStore(db),
    templates: new PgTemplateStore(db),
    tenants: container.tenants,
    customers: container.customers,
    audit: container.audit,
    // Every scheduling operation gets a provider of its own with a budget of provider calls (SCHEDULING_LIMITS).
    providerFor: (type, ctx) => container.providers.forConnection(type, { ...ctx, callBudget: new CallBudget() }),
    connectUrl: (p) => `${base()}/api/integrations/${p === 'GOOGLE' ? 'google' : 'outlook'}/connect`,
    now: () => opts.clock.now(),
    // Approval e-mails and proposal webhooks go through the outbox the delivery job works (retries, signing).
    notices: new ApprovalNotices({
      outbox: new PgOutboxStore(db),
      events: opts.events ?? createPlatformEvents(container, { clock: opts.clock }),
      publicUrl: opts.publicUrl,
      now: () => opts.clock.now(),
    }),
    ...(opts.managerOf ? { managerOf: opts.managerOf } : {}),
  };
}

/** Builds the scheduling service on a container; `now` is injectable for tests (proposal expiry). */
export function createSchedulingService(container: Container, opts: SchedulingOptions): SchedulingService {
  const deps = schedulingDeps(container, opts);
  const policies = new ApprovalPolicyService({
    tenants: {
      getTenant: (id) => container.tenantStore.getTenant(id),
      updateSettings: (id, settings) => container.tenantStore.updateSettings(id, settings),
      listUsers: (id) => container.tenants.listUsers(id),
    },
    audit: container.audit,
  });
  return new SchedulingService(deps, new TemplateService(deps.templates, container.audit), policies);
}

/** The caller's working hours (kept by calbridge for Google users, read from Outlook for Outlook users). */
export function createWorkingHoursService(
  container: Container,
  opts: { publicUrl: () => string; clock: Clock },
): WorkingHoursService {
  return new WorkingHoursService(schedulingDeps(container, opts), new PgWorkingHoursStore(container.database.db));
}

/** The caller's display preferences (time zone, 12/24-hour clock), read from the mailbox until chosen. */
export function createPreferencesService(
  container: Container,
  opts: { publicUrl: () => string; clock: Clock },
): PreferencesService {
  return new PreferencesService(schedulingDeps(container, opts), new PgPreferencesStore(container.database.db));
}

/** The scheduling routes: calendar, working hours and preferences (when given), proposals, templates. */
export function schedulingModules(
  service: SchedulingService,
  hours?: WorkingHoursService,
  preferences?: PreferencesService,
): RouteModule[] {
  return [
    calendarRoutes(service),
    ...(hours ? [workingHoursRoutes(hours)] : []),
    ...(preferences ? [preferencesRoutes(preferences)] : []),
    proposalRoutes(service),
    directoryRoutes(service),
    approvalRoutes(service, service.policies),
    templateRoutes(service.templates),
  ];
}
