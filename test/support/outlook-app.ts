// calbridge (createRuntime) against an in-process Microsoft emulator, as the dev wiring bundles it, on a test database.
import type { OutlookWiring } from '../../src/main/wiring/outlook.js';
import { composeTestApp, type ComposedTestApp } from './connection-app.js';
import { followAuthorize, startTestEmulator, type TestEmulator } from './microsoft.js';

export const PUBLIC_URL = 'http://127.0.0.1:3999';

export interface OutlookTestApp extends ComposedTestApp {
  t: TestEmulator;
  feature: OutlookWiring;
}

export async function startOutlookApp(
  env: Record<string, string> = {},
  emulatorOpts: Parameters<typeof startTestEmulator>[0] = {},
): Promise<OutlookTestApp> {
  const t = await startTestEmulator(emulatorOpts);
  const composed = await composeTestApp(
    env,
    {
      dev: {
        emulators: { microsoft: { baseUrl: t.emu.baseUrl, caFile: t.emu.caFile }, google: null },
        demo: null,
        close: async () => undefined,
      },
      publicUrl: () => PUBLIC_URL,
    },
    () => t.close(),
  );
  return { ...composed, t, feature: composed.runtime.outlook };
}

/**
 * A new tenant whose user `login` connects Outlook through the emulator's consent (connect → authorize → callback, as
 * a browser would): the caller, its headers, where the callback sent the browser, and the stored connection.
 */
export async function connectOutlookUser(app: OutlookTestApp, login: string, tenantName = `T ${login}`) {
  const tenant = await app.container.tenants.createTenant({ name: tenantName, calendarProvider: 'MICROSOFT' });
  const { apiKey } = await app.container.tenants.createApiKey(tenant.id, login);
  const actor = await app.container.tenants.authenticate(`Bearer ${apiKey}`);
  const headers = { authorization: `Bearer ${apiKey}` };
  const res = await app.app.inject({
    method: 'POST',
    url: '/api/integrations/outlook/connect',
    headers,
    payload: { loginHint: login },
  });
  const q = await followAuthorize(app.t.agent, (res.json() as { authorizeUrl: string }).authorizeUrl);
  const cb = await app.app.inject({ method: 'GET', url: `/api/integrations/outlook/callback?${q.toString()}` });
  const conn = await app.feature.store.get(actor.tenantId, actor.userId, 'MICROSOFT');
  return { actor, headers, location: String(cb.headers.location), conn };
}
