// Prometheus metrics (prom-client): sync lag, pages, events, provider requests and throttling, queue depth.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process; labels never hold tokens, addresses or event content. */
export class Metrics {
  readonly registry = new Registry();
  readonly syncPages = new Counter({
    name: 'calbridge_sync_pages_total',
    help: 'Pages of provider changes applied',
    labelNames: ['provider'],
    registers: [this.registry],
  });
  readonly syncEvents = new Counter({
    name: 'calbridge_sync_events_total',
    help: 'Events upserted or removed by sync',
    labelNames: ['provider', 'kind'],
    registers: [this.registry],
  });
  readonly syncRuns = new Counter({
    name: 'calbridge_sync_runs_total',
    help: 'Calendar syncs by outcome',
    labelNames: ['outcome', 'reason'],
    registers: [this.registry],
  });
  readonly syncDuration = new Histogram({
    name: 'calbridge_sync_duration_seconds',
    help: 'Duration of one calendar sync',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  readonly syncLag = new Gauge({
    name: 'calbridge_sync_lag_seconds',
    help: 'Seconds since the oldest successful calendar sync',
    registers: [this.registry],
  });
  readonly providerRequests = new Counter({
    name: 'calbridge_provider_requests_total',
    help: 'Requests to calendar providers',
    labelNames: ['provider', 'status'],
    registers: [this.registry],
  });
  readonly providerThrottled = new Counter({
    name: 'calbridge_provider_throttled_total',
    help: '429 answers from calendar providers',
    labelNames: ['provider'],
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'calbridge_queue_depth',
    help: 'Sync jobs waiting or running',
    labelNames: ['state'],
    registers: [this.registry],
  });
  readonly notifications = new Counter({
    name: 'calbridge_notifications_total',
    help: 'Change notifications received',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  readonly jobRuns = new Counter({
    name: 'calbridge_job_runs_total',
    help: 'Background job runs by job and outcome',
    labelNames: ['job', 'outcome'],
    registers: [this.registry],
  });
  readonly jobFailures = new Counter({
    name: 'calbridge_job_failures_total',
    help: 'Failed background work (sync, detection, delivery, brief, token refresh, retention) by job and error code',
    labelNames: ['job', 'code'],
    registers: [this.registry],
  });

  readonly deliveryFailures = new Counter({
    name: 'calbridge_delivery_failures_total',
    help: 'Failed outbox delivery attempts (webhooks, brief and approval e-mails) by kind and error code',
    labelNames: ['kind', 'code'],
    registers: [this.registry],
  });

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'calbridge_' });
  }
}
