// The people of a tenant (users, API keys) and the audit trail: their services and routes. Deactivating or deleting a
// user stops their Outlook and Google connections through those features' connection services.
import type { RouteModule } from '../../http/app-deps.js';
import { auditRoutes } from '../../http/routes/audit.js';
import { userRoutes } from '../../http/routes/users.js';
import { isAppError } from '../../domain/errors.js';
import type { Clock } from '../../ports/clock.js';
import type { ConnectionService } from '../../services/connections/connection-service.js';
import { AuditTrail } from '../../services/tenancy/audit-trail.js';
import { UserService, type ConnectionStopper } from '../../services/tenancy/user-service.js';
import type { Container } from '../container.js';

/** A provider's connection service as a stopper: a user without a connection of it has nothing to stop. */
const stopper = (provider: string, service: ConnectionService): ConnectionStopper => ({
  provider,
  stop: async (by, userId, opts) => {
    try {
      await service.disconnect(by, userId, opts);
      return true;
    } catch (e) {
      if (isAppError(e, 'not_connected')) return false;
      throw e;
    }
  },
});

export function createPeople(
  container: Container,
  o: { connections: Record<string, ConnectionService>; clock: Clock },
): { users: UserService; audit: AuditTrail; modules: RouteModule[] } {
  const users = new UserService({
    store: container.tenantStore,
    tenants: container.tenants,
    sessions: container.sessions,
    audit: container.audit,
    vault: container.vault,
    connections: Object.entries(o.connections).map(([p, s]) => stopper(p, s)),
    clock: o.clock,
  });
  const audit = new AuditTrail(container.audit);
  return { users, audit, modules: [userRoutes(users), auditRoutes(audit)] };
}
