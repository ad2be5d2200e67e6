// Wires customer detection, meeting metrics, the health webhook and prep briefs onto the container, sync and routes.
import type { Config } from '../../config/config.js';
import type { RouteModule } from '../../http/app-deps.js';
import { customerMetricsRoutes } from '../../http/routes/customer-metrics.js';
import { meetingRoutes } from '../../http/routes/meetings.js';
import type { HttpPost, MailSenderResolver } from '../../ports/mail.js';
import { createAgent, createGraphTransport } from '../../providers/microsoft-graph/index.js';
import { graphManagerEmail } from '../../providers/microsoft-graph/manager.js';
import { createGraphMailSender } from '../../providers/microsoft-graph/send-mail.js';
import { MockMailOutbox } from '../../providers/mock/mail.js';
import { BriefService } from '../../services/briefs/brief-service.js';
import { DeliveryWorker } from '../../services/metrics/deliveries.js';
import { HealthWebhookService } from '../../services/metrics/health-webhook.js';
import { HealthReevaluation } from '../../services/metrics/reevaluation.js';
import { PgCustomerPager } from '../../stores/customer-pager.js';
import { MetricsService } from '../../services/metrics/metrics-service.js';
import { PgMetricsStore } from '../../stores/metrics-store.js';
import { PgOutboxStore } from '../../stores/webhook-store.js';
import { DetectionService } from '../../services/detection/detection-service.js';
import { MeetingService } from '../../services/detection/meeting-service.js';
import type { TenantSettingsSource } from '../../ports/detection.js';
import { PgCustomerStore } from '../../stores/customer-store.js';
import { PgMeetingQueryStore } from '../../stores/meeting-query-store.js';
import { PgTenantRevisions } from '../../stores/revision-store.js';
import type { Clock } from '../../ports/clock.js';
import type { Container } from '../container.js';
import type { ConnectionWiring } from './connection-wiring.js';
import type { SyncRuntime } from './sync.js';
import { createWebhookPost } from './webhook-post.js';
import { createWebhooks, type WebhooksWiring } from './webhooks.js';

export interface DetectionRuntime {
  detection: DetectionService;
  meetings: MeetingService;
  metrics: MetricsService;
  webhooks: HealthWebhookService;
  deliveries: DeliveryWorker;
  briefs: BriefService;
  outbox: PgOutboxStore;
  /** Re-scores every customer of every tenant (the recurring `health-reevaluation` job). */
  reevaluation: HealthReevaluation;
  /** Brief e-mails sent through the mock mail capability (test mode). */
  mockMail: MockMailOutbox;
  /** One scheduler tick: due briefs, due deliveries, meetings a failed hook left undetected. */
  tick(): Promise<void>;
  close(): Promise<void>;
}

/** Builds the detection runtime on a container and hooks it to customer changes and (when given) the sync engine. */
export function createDetectionRuntime(
  container: Container,
  opts: {
    sync?: Pick<SyncRuntime, 'sync'>;
    clock: Clock;
    log?: (o: Record<string, unknown>, m: string) => void;
    /**
     * Called once per failed detection after a synced page, and once per failed detection after a customer change
     * (the change is committed; it is retried): the job-failure counter and the log.
     */
    onFailure?: (tenantId: string, err: unknown, after: 'sync' | 'customer-change') => void;
    /** First delay before failed customer-change detections are retried (ms, default 30 s; doubles up to 10 min). */
    customerRetryMs?: number;
    post?: HttpPost;
    mail?: MailSenderResolver;
    /** The platform webhooks (default: built on the container). */
    webhooks?: Pick<WebhooksWiring, 'events' | 'meetingEvents' | 'store' | 'endpoints'>;
  },
): DetectionRuntime {
  const now = () => opts.clock.now();
  const log = opts.log ?? (() => undefined);
  const db = container.database.db;
  const store = new PgMeetingQueryStore(db);
  const customerStore = new PgCustomerStore(db);
  const settings: TenantSettingsSource = {
    settings: async (tenantId) => (await container.tenantStore.getTenant(tenantId))?.settings ?? {},
  };
  // Revisions tell this process when another one changed the tenant's customers or meetings.
  const revisions = new PgTenantRevisions(db);
  const detection = new DetectionService({ store, customers: customerStore, settings, revisions });
  const meetings = new MeetingService({
    detection,
    store,
    queries: store,
    customers: customerStore,
    settings,
    now,
    drafts: container.customers,
  });
  const metrics = new MetricsService({
    store: new PgMetricsStore(db),
    customers: customerStore,
    settings,
    index: (t) => detection.indexFor(t),
    now,
    revisions,
  });
  const outbox = new PgOutboxStore(db);
  const platform = opts.webhooks ?? createWebhooks(container, { clock: opts.clock, log });
  const webhooks = new HealthWebhookService({
    metrics,
    scores: new PgMetricsStore(db),
    deliveries: outbox,
    settings,
    sealer: container.vault,
    now,
    audit: container.audit,
    events: platform.events,
  });
  const mockMail = new MockMailOutbox(now);
  const mail: MailSenderResolver =
    opts.mail ??
    (async (tenantId, userId) => {
      if (!container.config.testMode) return null;
      const email = await outbox.userEmail(tenantId, userId);
      return email ? mockMail.senderFor(email) : null;
    });
  // Tenants choose the webhook URLs: the default poster refuses what is not https to a public address (SSRF).
  const guarded = opts.post ? null : createWebhookPost({ allowLoopback: container.config.allowLoopbackWebhooks });
  const deliveries = new DeliveryWorker({
    deliveries: outbox,
    secretOf: (t) => webhooks.secretOf(t),
    post: opts.post ?? guarded!.post,
    mail,
    now,
    endpoints: {
      get: (t, id) => platform.store.get(t, id),
      secretsOf: (t, id) => platform.endpoints.secretsOf(t, id),
      recordAttempt: (id, t, a) => platform.store.recordAttempt(id, t, a),
    },
  });
  const briefs = new BriefService({
    store: outbox,
    metrics,
    customers: customerStore,
    settings,
    canSendMail: async (t, u) => (await mail(t, u)) !== null,
    now,
  });
  const reevaluation = new HealthReevaluation({
    customers: new PgCustomerPager(db),
    evaluate: (tenantId, ids) => webhooks.onMetricsChanged(tenantId, ids),
    isLoaded: (tenantId) => metrics.hasState(tenantId),
    forget: (tenantId) => metrics.forget(tenantId),
    log,
  });
  detection.onDetected((tenantId, ids) => metrics.applyChanges(tenantId, ids).then(() => undefined));
  metrics.onChange((tenantId, customerIds) => webhooks.onMetricsChanged(tenantId, customerIds).then(() => undefined));
  container.customers.onChange(async (tenantId, before, after) => {
    await detection.onCustomerChanged(tenantId, before, after);
  });
  // the customer list sorted by health, trend or last contact (GET /api/customers?sort=health)
  container.customers.useRanking((actor) => metrics.scores(actor));
  // A customer change is committed before detection follows it: a detection that fails is reported, its index and
  // metrics state dropped (rebuilt from the database at next use), and CustomerService retries it from here with the
  // customer as it is then (a timer doubling from customerRetryMs, and every tick); the change's request still succeeds.
  const firstRetryMs = opts.customerRetryMs ?? 30_000;
  let retryDelay = firstRetryMs;
  let retryTimer: NodeJS.Timeout | null = null;
  let closed = false;
  const retryCustomerChanges = async () => {
    retryTimer = null;
    const left = await container.customers.retryFailedListeners().catch(() => 1);
    if (left === 0) retryDelay = firstRetryMs;
    else scheduleRetry();
  };
  const scheduleRetry = () => {
    if (retryTimer || closed) return;
    retryTimer = setTimeout(() => void retryCustomerChanges(), retryDelay);
    retryTimer.unref();
    retryDelay = Math.min(retryDelay * 2, 600_000);
  };
  container.customers.onListenerFailure((tenantId, e) => {
    detection.invalidate(tenantId);
    metrics.forget(tenantId);
    opts.onFailure?.(tenantId, e, 'customer-change');
    scheduleRetry();
  });
  const failed = new Set<string>();
  opts.sync?.sync.onMeetingsChanged(async (tenantId, changed, removed, detail) => {
    try {
      await detection.detectMeetings(tenantId, changed);
      await metrics.applyChanges(tenantId, removed);
      // After a failure, the next successful page also detects what the failed one left undetected.
      if (failed.delete(tenantId)) await detection.detectPending(tenantId);
      // The platform's meeting.* events, with the customer detection just gave (an outbox insert per receiver).
      if (detail) await platform.meetingEvents.pageApplied(tenantId, changed, detail);
    } catch (e) {
      // The sync page is committed already: never fail the sync for detection.
      failed.add(tenantId);
      metrics.forget(tenantId);
      opts.onFailure?.(tenantId, e, 'sync');
    }
  });
  const tick = async () => {
    if (container.customers.pendingListenerCalls > 0) await container.customers.retryFailedListeners();
    await briefs.runDue();
    while ((await deliveries.runOnce()).sent > 0);
  };
  return {
    detection,
    meetings,
    metrics,
    webhooks,
    deliveries,
    briefs,
    outbox,
    reevaluation,
    mockMail,
    tick,
    close: async () => {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      await guarded?.close();
    },
  };
}

/** The route modules of the feature. */
export function detectionModules(r: DetectionRuntime): RouteModule[] {
  return [meetingRoutes(r.meetings), customerMetricsRoutes({ metrics: r.metrics, webhooks: r.webhooks })];
}

/**
 * Brief e-mails through Graph `sendMail` from the user's own Outlook connection (when it was granted `Mail.Send`);
 * null in test mode (the mock outbox sends them).
 */
export function graphMailResolver(
  outlook: Pick<ConnectionWiring, 'store' | 'tokens'>,
  config: Config,
  emulator: { baseUrl: string; caFile: string } | null,
): {
  resolve: MailSenderResolver;
  /** The user's manager's e-mail from the directory (Graph /me/manager), null when unknown. */
  managerOf: (tenantId: string, userId: string) => Promise<string | null>;
  close: () => Promise<void>;
} | null {
  if (config.testMode) return null;
  const ms = config.microsoft;
  const useEmulator = ms.clientId === null && emulator !== null;
  const agent = createAgent(ms.caFile ?? (useEmulator ? emulator.caFile : null));
  const transport = createGraphTransport({ agent });
  const graphBaseUrl = useEmulator ? emulator.baseUrl : ms.graphBaseUrl;
  return {
    resolve: async (tenantId, userId) => {
      const conn = await outlook.store.get(tenantId, userId, 'MICROSOFT');
      if (!conn || conn.status !== 'active' || !conn.accountEmail || !conn.scopes.includes('Mail.Send')) return null;
      return createGraphMailSender({
        graphBaseUrl,
        transport,
        token: (o) => outlook.tokens.accessToken(tenantId, conn.id, o),
        mailbox: conn.accountEmail,
      });
    },
    managerOf: async (tenantId, userId) => {
      const conn = await outlook.store.get(tenantId, userId, 'MICROSOFT');
      if (!conn || conn.status !== 'active' || !conn.accountEmail) return null;
      return graphManagerEmail({
        graphBaseUrl,
        transport,
        token: (o) => outlook.tokens.accessToken(tenantId, conn.id, o),
        mailbox: conn.accountEmail,
      });
    },
    close: () => agent.close(),
  };
}
