// What buildApp receives, and the shape of a feature's route module: shared by build-app.ts and the route modules.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import type { CustomerService } from '../services/customers/customer-service.js';
import type { TenantService } from '../services/tenancy/tenant-service.js';
import type { SessionService } from '../services/tenancy/session-service.js';

export interface AppDeps {
  config: Config;
  tenants: TenantService;
  sessions: SessionService;
  customers: CustomerService;
  isDatabaseReady: () => Promise<boolean>;
  /** Captures log output (tests). */
  logStream?: NodeJS.WritableStream;
  /** Route modules of features wired by the composition root. */
  modules?: RouteModule[];
  /** The route → role table (default: src/http/access.ts's ROUTE_ACCESS). */
  access?: Readonly<Record<string, import('./access.js').Access>>;
  /** Paths under /api/ that need no API key (OAuth callbacks, webhooks). */
  publicPaths?: RegExp[];
}

/** A feature's routes: registered after the core, with the same deps. */
export type RouteModule = (app: FastifyInstance, deps: AppDeps) => Promise<void>;
