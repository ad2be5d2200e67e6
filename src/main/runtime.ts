// The composition root: createRuntime builds everything once, top to bottom — stores, providers, services, jobs and
// the HTTP app — from a Config and a few overrides (tests: database, clock, log stream, outbound HTTP; development:
// the bundled emulators). `calbridge serve`, `calbridge worker`, `calbridge sync` and the tests all start here.
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { RouteModule } from '../http/app-deps.js';
import { buildApp } from '../http/build-app.js';
import { loggerOptions } from '../http/logging.js';
import { customerMetricsRoutes } from '../http/routes/customer-metrics.js';
import { meetingRoutes } from '../http/routes/meetings.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { HttpPost, MailSenderResolver } from '../ports/mail.js';
import type { SchedulingService } from '../services/scheduling/scheduling-service.js';
import type { ProposalExpirySweep } from '../services/scheduling/proposal-expiry.js';
import type { DataRightsService } from '../services/tenancy/data-rights.js';
import { Metrics } from '../services/telemetry/metrics.js';
import type { Database } from '../stores/database.js';
import { createContainer, databaseReady, type Container } from './container.js';
import { createJobs, errorCode, type Jobs } from './jobs.js';
import { createCalendarFeeds } from './wiring/calendar-feed.js';
import { createDataRights } from './wiring/data-rights.js';
import { createDetectionRuntime, graphMailResolver, type DetectionRuntime } from './wiring/detection.js';
import { createGoogle, type BundledGoogle, type GoogleWiring } from './wiring/google.js';
import { createOutlook, type EmulatorEndpoint, type OutlookWiring } from './wiring/outlook.js';
import { createPeople } from './wiring/people.js';
import { createSignIn } from './wiring/signin.js';
import {
  createPreferencesService,
  createSchedulingService,
  createWorkingHoursService,
  schedulingModules,
} from './wiring/scheduling.js';
import { createSyncRuntime, syncModules, type SyncRuntime } from './wiring/sync.js';
import { webAppLoader, webModules, type DemoLogin } from './wiring/web.js';
import { createWebhooks, type WebhooksWiring } from './wiring/webhooks.js';
import { createProposalExpiry } from './wiring/proposal-expiry.js';

/** What the development wiring (src/main/dev) adds; a production start passes none. */
export interface DevWiring {
  emulators: { microsoft: EmulatorEndpoint | null; google: BundledGoogle | null };
  /** Builds web/dist when it is older than its sources. */
  buildWeb?: () => Promise<string>;
  demo: DemoLogin | null;
  /** Just before the HTTP service listens: the demo tenant, the emulators' addresses. */
  onStarted?: (container: Container, log: (msg: string) => void) => Promise<void>;
  /** Once the service answers and its jobs run (`calbridge serve`): the web build warm-up. */
  afterStart?: (log: (msg: string) => void) => void;
  close(): Promise<void>;
}

export interface RuntimeOverrides {
  /** A database already open and migrated (tests). */
  database?: Database;
  /** Run migrations on start (default true). */
  migrate?: boolean;
  /** Close the database with the runtime (default true; false when several runtimes share one, as in tests). */
  closeDatabase?: boolean;
  clock?: Clock;
  /** Where every log line goes (tests capture it); default stdout. */
  logStream?: NodeJS.WritableStream;
  dev?: DevWiring | null;
  /** Outbound webhook POSTs (default: fetch with a 10 s timeout). */
  post?: HttpPost;
  /** Who sends brief e-mails (default: Graph sendMail from the user's Outlook, or the mock outbox in test mode). */
  mail?: MailSenderResolver;
  /** This server's URL before (or without) listening. */
  publicUrl?: () => string;
}

export interface Runtime {
  config: Config;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  container: Container;
  outlook: OutlookWiring;
  google: GoogleWiring;
  sync: SyncRuntime;
  detection: DetectionRuntime;
  scheduling: SchedulingService;
  /** The platform webhooks: the event emitter, the endpoints and their delivery log. */
  webhooks: WebhooksWiring;
  /** Tenant export and the tenant and user deletion jobs. */
  dataRights: DataRightsService;
  /** The proposal expiry sweep (the worker's proposal-expiry job; `runOnce` for tests). */
  proposalExpiry: ProposalExpirySweep;
  /** The background jobs; `jobs.start()` makes this process a worker. */
  jobs: Jobs;
  dev: DevWiring | null;
  /** The HTTP app (built on first call). */
  http(): Promise<FastifyInstance>;
  /** Builds the HTTP app if needed and listens on config.host:config.port; resolves to its URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/**
 * Builds calbridge.
 * @example const rt = await createRuntime(loadConfig()); const url = await rt.listen(); await rt.jobs.start(); … await rt.close();
 */
export async function createRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const clock = overrides.clock ?? systemClock;
  const log = pino(loggerOptions(config.logLevel) as pino.LoggerOptions, overrides.logStream ?? process.stdout);
  const metrics = new Metrics();
  const dev = overrides.dev ?? null;

  // Stores, the token vault, tenants, customers and the provider registry.
  const container = await createContainer(config, {
    ...(overrides.database ? { database: overrides.database } : {}),
    migrate: overrides.migrate ?? !overrides.database,
    clock,
  });

  // Where this server is reached: PUBLIC_BASE_URL, else the address it listens on.
  let listenUrl = '';
  const publicUrl = () => config.publicBaseUrl ?? (overrides.publicUrl?.() || listenUrl);
  // Change notifications need an https URL the provider can reach (or one the operator configured).
  const notificationUrl = () => config.publicBaseUrl ?? (publicUrl().startsWith('https://') ? publicUrl() : null);

  // Platform events (issue 19): the one emitter the services call, delivered by the outbox to the tenant's endpoints.
  const webhooks = createWebhooks(container, {
    clock,
    log: (o, m) => log.warn({ job: 'platform-events', ...o }, m),
  });

  // Provider connections: each registers its adapter factory with the registry.
  const outlook = createOutlook({
    container,
    config,
    emulator: dev?.emulators.microsoft ?? null,
    publicUrl,
    clock,
  });
  const google = createGoogle({ container, config, emulator: dev?.emulators.google ?? null, publicUrl, clock });
  webhooks.listenToConnections(outlook.events);
  webhooks.listenToConnections(google.events);

  // Sync, then detection and metrics hooked on every synced page, wherever sync runs.
  const warnJob = (job: string) => (o: Record<string, unknown>, m: string) => log.warn({ job, ...o }, m);
  const sync = await createSyncRuntime(container, {
    publicBaseUrl: notificationUrl,
    log: (o, m) => log.info(o, m),
    clock,
    metrics,
    onJobFailure: (job, e) => {
      metrics.jobFailures.inc({ job: 'calendar-sync', code: errorCode(e) });
      log.warn(
        { job: 'calendar-sync', tenantId: job.tenantId, connectionId: job.connectionId, code: errorCode(e) },
        'calendar sync failed',
      );
    },
  });
  sync.sync.onSyncFailed((f) => webhooks.syncFailed(f));
  const graphMail = overrides.mail ? null : graphMailResolver(outlook, config, dev?.emulators.microsoft ?? null);
  // Brief e-mails from the user's own mailbox: Outlook (Graph sendMail) or, for a Google user, Gmail messages.send.
  const userMail: MailSenderResolver | null = graphMail
    ? async (tenantId, userId) => (await graphMail.resolve(tenantId, userId)) ?? google.mailSender(tenantId, userId)
    : null;
  const detection = createDetectionRuntime(container, {
    sync,
    clock,
    log: warnJob('health-reevaluation'),
    webhooks,
    ...(overrides.post ? { post: overrides.post } : {}),
    ...(overrides.mail ? { mail: overrides.mail } : userMail ? { mail: userMail } : {}),
    onFailure: (tenantId, e, after) => {
      metrics.jobFailures.inc({ job: 'detection', code: errorCode(e) });
      log.warn(
        { job: 'detection', tenantId, code: errorCode(e) },
        after === 'sync' ? 'detection after sync failed' : 'detection after a customer change failed; retried later',
      );
    },
  });
  const signIn = createSignIn(container, {
    microsoft: outlook.signIn,
    google: google.signIn,
    clock,
    connect: {
      microsoft: { service: outlook.service, slug: 'outlook' },
      google: { service: google.service, slug: 'google' },
    },
  });
  const scheduling = createSchedulingService(container, {
    publicUrl,
    clock,
    events: webhooks.events,
    ...(graphMail ? { managerOf: graphMail.managerOf } : {}),
  });
  const workingHours = createWorkingHoursService(container, { publicUrl, clock });
  const preferences = createPreferencesService(container, { publicUrl, clock });

  // Users, API keys and the audit trail (deactivating a user stops their connections of either provider).
  const people = createPeople(container, {
    connections: { outlook: outlook.service, google: google.service },
    clock,
  });

  // The iCalendar export and private subscription feeds.
  const calendarFeeds = createCalendarFeeds(container, { publicUrl, clock });
  // Tenant export, and tenant and user deletion as background jobs (the worker runs them).
  const dataRights = createDataRights(container, {
    users: people.users,
    connections: { MICROSOFT: outlook.service, GOOGLE: google.service },
    queue: sync.queue,
    clock,
  });

  // Pending proposals past their expiry: marked expired and announced by a recurring worker job.
  const proposalExpiry = createProposalExpiry(container, { publicUrl, clock });

  const jobs = createJobs({
    config,
    clock,
    log,
    metrics,
    container,
    sync,
    detection,
    outlook,
    google,
    dataRights: dataRights.service,
    proposalExpiry,
  });

  let app: FastifyInstance | null = null;
  const http = async (): Promise<FastifyInstance> => {
    if (app) return app;
    const web = webModules({
      container,
      config,
      clock,
      scheduling,
      distDir: webAppLoader(dev?.buildWeb),
      demo: dev?.demo ?? null,
    });
    const modules: RouteModule[] = [
      ...signIn.modules,
      ...outlook.modules,
      ...google.modules,
      ...syncModules(sync, {
        pollIntervalSeconds: config.sync.pollIntervalSeconds,
        notificationsEnabled: () => notificationUrl() !== null,
        clock,
      }),
      meetingRoutes(detection.meetings),
      customerMetricsRoutes({ metrics: detection.metrics, webhooks: detection.webhooks }),
      ...schedulingModules(scheduling, workingHours, preferences),
      ...web.modules,
      ...people.modules,
      ...webhooks.modules,
      ...calendarFeeds.modules,
      ...dataRights.modules,
    ];
    app = await buildApp({
      config,
      tenants: container.tenants,
      sessions: container.sessions,
      customers: container.customers,
      isDatabaseReady: databaseReady(container),
      logStream: overrides.logStream,
      modules,
      publicPaths: [
        ...signIn.publicPaths,
        ...outlook.publicPaths,
        ...google.publicPaths,
        /^\/api\/webhooks\//,
        ...dataRights.publicPaths,
        ...web.publicPaths,
      ],
    });
    return app;
  };

  let closed = false;
  return {
    config,
    clock,
    log,
    metrics,
    container,
    outlook,
    google,
    sync,
    detection,
    scheduling,
    webhooks,
    dataRights: dataRights.service,
    proposalExpiry,
    jobs,
    dev,
    http,
    listen: async () => {
      const a = await http();
      // The demo tenant exists before the first request (and before the web login link is written on listen).
      await dev?.onStarted?.(container, (m) => log.info(m));
      listenUrl = await a.listen({ port: config.port, host: config.host });
      return listenUrl;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await app?.close();
      await jobs.stop();
      await sync.close();
      await detection.close();
      await graphMail?.close();
      await outlook.close();
      await google.close();
      await dev?.close();
      if (overrides.closeDatabase !== false) await container.close();
    },
  };
}
