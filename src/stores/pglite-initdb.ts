// The embedded database's first start: PGlite creates its data folder (initdb, about 3 s of CPU in WebAssembly) in a
// worker thread, so the main thread meanwhile loads the service's modules and starts the bundled emulators instead of
// waiting for it (issue 20). The folder is then opened as on any later start. The worker's memory (initdb needs a few
// hundred MB) goes with it.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
import(workerData.pglite)
  .then(async ({ PGlite }) => {
    const db = new PGlite(workerData.dir);
    await db.waitReady;
    await db.close();
    parentPort.postMessage('ok');
  })
  .catch((e) => parentPort.postMessage(String(e && e.stack ? e.stack : e)));
`;

/**
 * Creates the embedded database's data folder in a worker thread when it has none yet; resolves when it is there
 * (at once for an existing folder). A failure is left to the ordinary open, which reports it.
 */
export function initEmbeddedDataDir(dir: string): Promise<void> {
  if (existsSync(join(dir, 'PG_VERSION'))) return Promise.resolve();
  return new Promise<void>((resolve) => {
    let worker: Worker;
    try {
      mkdirSync(dir, { recursive: true });
      worker = new Worker(WORKER, {
        eval: true,
        workerData: { pglite: import.meta.resolve('@electric-sql/pglite'), dir },
      });
    } catch {
      resolve();
      return;
    }
    worker.once('message', () => void worker.terminate());
    worker.once('error', () => resolve());
    worker.once('exit', () => resolve());
  });
}
