// The whole server app (every feature) on a fresh test database, in test mode unless told otherwise.
import { PassThrough } from 'node:stream';
import { testConfig } from './app.js';
import { createTestDatabase } from './db.js';
import { buildServerApp } from '../../src/main/server.js';
import '../../src/main/features.js';

export async function createTestServer(env: Record<string, string> = {}) {
  const config = testConfig({ CALBRIDGE_EMBEDDED_WORKER: 'false', ...env });
  const database = await createTestDatabase();
  let captured = '';
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => (captured += c.toString('utf8')));
  const server = await buildServerApp(config, { database, logStream: stream });
  await server.app.ready();
  let n = 0;
  return {
    ...server,
    config,
    logs: () => captured,
    async newTenant(name?: string) {
      n += 1;
      const t = await server.container.tenants.createTenant({
        name: name ?? `Tenant ${n}`,
        calendarProvider: 'MICROSOFT',
      });
      const k = await server.container.tenants.createApiKey(t.id, `user${n}@tenant${n}.example`);
      return { tenantId: t.id, userId: k.userId, apiKey: k.apiKey, auth: { authorization: `Bearer ${k.apiKey}` } };
    },
  };
}
