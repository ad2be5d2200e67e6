// Builds scheduling: stores, the SchedulingService (provider per caller connection via the registry) and its routes.
import { calendarRoutes } from '../../http/routes/calendar.js';
import { proposalRoutes } from '../../http/routes/proposals.js';
import { templateRoutes } from '../../http/routes/templates.js';
import type { SchedulingDeps } from '../../services/scheduling/context.js';
import { SchedulingService } from '../../services/scheduling/scheduling-service.js';
import { TemplateService } from '../../services/scheduling/templates.js';
import { PgMeetingStore, PgSchedulingLookup } from '../../stores/meeting-store.js';
import { PgProposalStore } from '../../stores/proposal-store.js';
import { PgTemplateStore } from '../../stores/template-store.js';
import type { RouteModule } from '../../http/app-deps.js';
import type { Clock } from '../../ports/clock.js';
import type { Container } from '../container.js';

/** Builds the scheduling service on a container; `now` is injectable for tests (proposal expiry). */
export function createSchedulingService(
  container: Container,
  opts: { publicUrl: () => string; clock: Clock },
): SchedulingService {
  const db = container.database.db;
  const base = () => opts.publicUrl().replace(/\/+$/, '');
  const deps: SchedulingDeps = {
    lookup: new PgSchedulingLookup(db),
    meetings: new PgMeetingStore(db),
    proposals: new PgProposalStore(db),
    templates: new PgTemplateStore(db),
    tenants: container.tenants,
    customers: container.customers,
    audit: container.audit,
    providerFor: (type, ctx) => container.providers.forConnection(type, ctx),
    connectUrl: (p) => `${base()}/api/integrations/${p === 'GOOGLE' ? 'google' : 'outlook'}/connect`,
    now: () => opts.clock.now(),
  };
  return new SchedulingService(deps, new TemplateService(deps.templates, container.audit));
}

/** The scheduling routes: calendar, proposals, templates. */
export function schedulingModules(service: SchedulingService): RouteModule[] {
  return [calendarRoutes(service), proposalRoutes(service), templateRoutes(service.templates)];
}
