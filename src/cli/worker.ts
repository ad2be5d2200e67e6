// `calbridge worker`: every background job (see src/main/jobs.ts), in a process of its own; several workers share the
// work through PostgreSQL. `--metrics-port` serves this process's Prometheus /metrics.
import { createServer } from 'node:http';
import type { Config } from '../config/config.js';
import type { Out } from './out.js';
import { createRuntime } from '../main/runtime.js';
import { metricsAccess } from '../services/telemetry/metrics-access.js';

export async function runWorker(
  config: Config,
  opts: { concurrency: number; metricsPort?: number },
  out: Out,
): Promise<void> {
  const rt = await createRuntime(config);
  const jobs = await rt.jobs.start({ concurrency: opts.concurrency });
  let metricsUrl: string | null = null;
  const metricsServer =
    opts.metricsPort === undefined
      ? null
      : createServer((req, res) => {
          // The same rule as the service's /metrics: METRICS_TOKEN when set, else loopback clients only.
          const access = metricsAccess({
            token: config.metricsToken,
            authorization: req.headers.authorization,
            remoteAddress: req.socket.remoteAddress,
          });
          if (req.url !== '/metrics' || access === 'hidden') {
            res.writeHead(404).end();
            return;
          }
          if (access === 'unauthenticated') {
            res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
            return;
          }
          rt.metrics.registry
            .metrics()
            .then((text) => res.writeHead(200, { 'content-type': rt.metrics.registry.contentType }).end(text))
            .catch(() => res.writeHead(500).end());
        });
  if (metricsServer) {
    await new Promise<void>((resolve) => metricsServer.listen(opts.metricsPort, config.host, resolve));
    const a = metricsServer.address();
    metricsUrl = a && typeof a === 'object' ? `http://${config.host}:${a.port}/metrics` : null;
  }
  out(`calbridge worker started (concurrency ${opts.concurrency}); jobs: ${jobs.join(', ')}`, {
    event: 'started',
    role: 'worker',
    jobs,
    concurrency: opts.concurrency,
    metricsUrl,
  });
  const stop = (signal: string) => {
    rt.log.info({ signal }, 'worker stopping');
    metricsServer?.close();
    rt.close()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
