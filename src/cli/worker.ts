// `calbridge worker`: a sync worker process (several may run against one PostgreSQL; pg-boss shares the work).
// Each synced page is run through customer detection and the metrics update here, as in the server's embedded worker.
import pino from 'pino';
import type { Config } from '../config/config.js';
import { createContainer } from '../main/container.js';
import { applyFeatureProviders } from '../main/server.js';
import { createDetectionRuntime } from '../main/features/detection.js';
import { createSyncRuntime } from '../main/features/sync.js';

export async function runWorker(config: Config, opts: { concurrency: number }): Promise<void> {
  const log = pino({ level: config.logLevel });
  const container = await createContainer(config);
  await applyFeatureProviders(container, config);
  const runtime = await createSyncRuntime(container, {
    startWorker: true,
    publicBaseUrl: () => config.publicBaseUrl,
    log: (o, m) => log.info(o, m),
    concurrency: opts.concurrency,
  });
  // Without this hook, meetings synced by worker processes would never be matched to customers.
  const detection = createDetectionRuntime(container, { sync: runtime, log: (o, m) => log.warn(o, m) });
  log.info({ concurrency: opts.concurrency }, 'worker started');
  const stop = (signal: string) => {
    log.info({ signal }, 'worker stopping');
    runtime
      .close()
      .then(() => detection.close())
      .then(() => container.close())
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
