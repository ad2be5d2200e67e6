// A person of the emulated tenant connects Outlook through calbridge's public connect flow (the emulator consents
// for the login hint; MSAL redeems the code at the callback), then the sync engine reads their calendars once.
import type { FastifyInstance } from 'fastify';
import type { Agent } from 'undici';
import type { Runtime } from '../../src/main/runtime.js';
import { followAuthorize } from '../../test/support/microsoft.js';

/** Contoso mailboxes of the emulator's seed, in several time zones, that the API benchmarks connect. */
export const CONTOSO_PEOPLE: string[] = [
  'adele.vance@contoso.com',
  'megan.bowen@contoso.com',
  'lynne.robbins@contoso.com',
  'diego.siciliani@contoso.com',
];

export async function connectOutlookAndSync(
  rt: Runtime,
  app: FastifyInstance,
  agent: Agent,
  tenantId: string,
  email: string,
): Promise<{ apiKey: string; userId: string; auth: { authorization: string } }> {
  const k = await rt.container.tenants.createApiKey(tenantId, email);
  const auth = { authorization: `Bearer ${k.apiKey}` };
  const res = await app.inject({
    method: 'POST',
    url: '/api/integrations/outlook/connect',
    headers: auth,
    payload: { loginHint: email },
  });
  if (res.statusCode !== 200) throw new Error(`connect answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
  const q = await followAuthorize(agent, (res.json() as { authorizeUrl: string }).authorizeUrl);
  const cb = await app.inject({ method: 'GET', url: `/api/integrations/outlook/callback?${q.toString()}` });
  if (cb.statusCode !== 302 || !String(cb.headers.location).includes('connected=outlook'))
    throw new Error(`connect of ${email} failed: ${cb.statusCode} ${String(cb.headers.location)}`);
  await rt.sync.sync.syncUser(tenantId, k.userId, { full: true });
  return { apiKey: k.apiKey, userId: k.userId, auth };
}
