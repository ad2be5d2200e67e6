// The whole server (every route) built by createRuntime on a fresh test database, in test mode unless told otherwise;
// background jobs stay off unless the test starts them (`runtime.jobs.start()`).
import { createTestApp } from './app.js';

export async function createTestServer(env: Record<string, string> = {}) {
  const t = await createTestApp({ CALBRIDGE_EMBEDDED_WORKER: 'false', ...env });
  return { ...t, listen: () => t.runtime.listen() };
}
