// `calbridge serve [--worker|--no-worker]`: the HTTP service, with the background jobs embedded unless --no-worker.
// Without provider credentials (the demo) the development wiring adds the bundled emulators; a production start never
// loads it.
import { join } from 'node:path';
import type { Config } from '../config/config.js';
import type { DevWiring } from '../main/runtime.js';
import { initEmbeddedDataDir } from '../stores/pglite-initdb.js';
import { templateRootOf } from '../stores/pglite-template.js';
import type { Out } from './out.js';

/** Whether this start is the offline demo: bundled emulators instead of a provider's real endpoints. */
export const isDevStart = (config: Config) => !config.testMode && config.startEmulator;

export async function runServe(config: Config, o: { worker?: boolean }, out: Out): Promise<void> {
  // A fresh data folder is a copy of this install's migrated template, or (the first time) made by initdb in a worker
  // thread while this one loads the service and starts the emulators.
  const dataDirReady = config.databaseUrl
    ? Promise.resolve()
    : initEmbeddedDataDir(join(config.dataDir, 'pg'), templateRootOf(config.pgTemplateDir));
  const { createRuntime } = await import('../main/runtime.js');
  let dev: DevWiring | null = null;
  if (isDevStart(config)) dev = await (await import('../main/dev/index.js')).createDevWiring(config);
  await dataDirReady;
  const rt = await createRuntime(config, { dev });
  const url = await rt.listen();
  const embedded = o.worker ?? config.embeddedWorker;
  const jobs = embedded ? await rt.jobs.start() : [];
  rt.dev?.afterStart?.((m) => rt.log.info(m));
  out(
    embedded
      ? `calbridge serve listening on ${url}; jobs in this process: ${jobs.join(', ')}`
      : `calbridge serve listening on ${url}; no jobs in this process (--no-worker): run \`calbridge worker\``,
    {
      event: 'started',
      role: embedded ? 'serve+worker' : 'serve',
      url,
      jobs,
      emulators: {
        microsoft: rt.dev?.emulators.microsoft?.baseUrl ?? null,
        google: rt.dev?.emulators.google?.baseUrl ?? null,
      },
    },
  );
  const stop = (signal: string) => {
    rt.log.info({ signal }, 'shutting down');
    rt.close()
      .then(() => process.exit(0))
      .catch((e: unknown) => {
        rt.log.error({ err: e }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
