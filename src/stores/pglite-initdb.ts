// The embedded database's first start: PGlite creates its data folder (initdb, about 3 s of CPU in WebAssembly) in a
// worker thread, so the main thread meanwhile loads the service's modules and starts the bundled emulators instead of
// waiting for it (issue 20). The folder is then opened as on any later start. The worker's memory (initdb needs a few
// hundred MB) goes with it. When this install has a migrated template of the folder (src/stores/pglite-template.ts)
// the folder is a copy of it instead, and no initdb runs.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { copyFromTemplateAsync } from './pglite-template.js';

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
 * Creates the embedded database's data folder when it has none yet: a copy of the migrated template in `templateRoot`
 * when there is a whole one for this PGlite and these migrations, else initdb in a worker thread. Resolves when it is
 * there (at once for an existing folder) with how it was made. A failure is left to the ordinary open, which reports
 * it.
 */
export function initEmbeddedDataDir(
  dir: string,
  templateRoot: string | null = null,
): Promise<'existing' | 'template' | 'initdb'> {
  if (existsSync(join(dir, 'PG_VERSION'))) return Promise.resolve('existing');
  return copyFromTemplateAsync(dir, templateRoot).then((copied) => (copied ? 'template' : initdbInWorker(dir)));
}

function initdbInWorker(dir: string): Promise<'initdb'> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      mkdirSync(dir, { recursive: true });
      worker = new Worker(WORKER, {
        eval: true,
        workerData: { pglite: import.meta.resolve('@electric-sql/pglite'), dir },
      });
    } catch {
      resolve('initdb');
      return;
    }
    worker.once('message', () => void worker.terminate());
    worker.once('error', () => resolve('initdb'));
    worker.once('exit', () => resolve('initdb'));
  });
}
