// `calbridge serve`: runs the service until SIGINT/SIGTERM, then shuts down gracefully.
import type { Config } from '../config/config.js';
import { startServer } from '../main/server.js';

export async function runServe(config: Config): Promise<void> {
  const server = await startServer(config);
  const stop = (signal: string) => {
    server.app.log.info({ signal }, 'shutting down');
    server
      .close()
      .then(() => process.exit(0))
      .catch((e: unknown) => {
        server.app.log.error({ err: e }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
