// The whole server (every route) built by createRuntime on a fresh test database, in test mode unless told otherwise;
// background jobs stay off unless the test starts them (`runtime.jobs.start()`). The web app is built from source when
// web/dist is missing or stale, as the development wiring does (a production start serves a prebuilt web/dist).
import { buildWebApp } from '../../src/main/dev/index.js';
import { createTestApp } from './app.js';

export async function createTestServer(env: Record<string, string> = {}) {
  const t = await createTestApp(
    { CALBRIDGE_EMBEDDED_WORKER: 'false', ...env },
    {
      dev: {
        emulators: { microsoft: null, google: null },
        buildWeb: () => buildWebApp(),
        demo: null,
        close: async () => undefined,
      },
    },
  );
  return { ...t, listen: () => t.runtime.listen() };
}
