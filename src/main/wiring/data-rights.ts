// Tenant export and tenant/user deletion jobs: their stores, service and routes (the worker runs the jobs: jobs.ts).
import type { RouteModule } from '../../http/app-deps.js';
import { dataRightsRoutes } from '../../http/routes/data-rights.js';
import type { Clock } from '../../ports/clock.js';
import type { JobQueue } from '../../ports/jobs.js';
import type { ConnectionService } from '../../services/connections/connection-service.js';
import { DataRightsService } from '../../services/tenancy/data-rights.js';
import type { UserService } from '../../services/tenancy/user-service.js';
import { PgDataJobStore, PgTenantEraser, PgTenantExporter } from '../../stores/data-job-store.js';
import type { Container } from '../container.js';

export function createDataRights(
  container: Container,
  o: {
    users: UserService;
    connections: { MICROSOFT: ConnectionService; GOOGLE: ConnectionService };
    queue: Pick<JobQueue, 'enqueueDataJob' | 'forgetTenant'>;
    clock: Clock;
  },
): { service: DataRightsService; modules: RouteModule[]; publicPaths: RegExp[] } {
  const db = container.database.db;
  const service = new DataRightsService({
    jobs: new PgDataJobStore(db),
    eraser: new PgTenantEraser(db),
    exporter: new PgTenantExporter(db),
    backups: container.backups,
    tenantStore: container.tenantStore,
    tenants: container.tenants,
    users: o.users,
    connections: o.connections,
    queue: o.queue,
    clock: o.clock,
  });
  return {
    service,
    modules: [dataRightsRoutes(service)],
    // the status by token: the requester's key is gone with their tenant
    publicPaths: [/^\/api\/data-jobs\/[^/]+\/status$/],
  };
}
