// E2E harness for scheduling: calbridge (createRuntime) against the in-process Microsoft 365 emulator,
// users connected through the public connect API with the emulator's auto-consent; a movable clock for expiry.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { fetch as undiciFetch } from 'undici';
import { loadConfig } from '../../src/config/config.js';
import type { Role } from '../../src/domain/tenancy.js';
import type { Container } from '../../src/main/container.js';
import { createRuntime, type Runtime } from '../../src/main/runtime.js';
import type { EmulatorOptions } from '../../emulator/microsoft/server.js';
import { createTestDatabase } from '../support/db.js';
import { followAuthorize, startTestEmulator, type TestEmulator } from '../support/microsoft.js';

export interface Caller {
  userId: string;
  email: string;
  auth: { authorization: string };
}

export interface SchedulingE2E {
  t: TestEmulator;
  runtime: Runtime;
  app: FastifyInstance;
  container: Container;
  tenantId: string;
  clock: { offsetMs: number };
  /** A calbridge user of the tenant (`role` when new), connected to their Outlook mailbox through the connect API. */
  connect(email: string, role?: Role): Promise<Caller>;
  /** A calbridge user without a connection (e.g. an approver). */
  user(email: string, role?: Role): Promise<Caller>;
  /** Non-cancelled events of an emulator mailbox whose subject is `subject`. */
  eventsIn(
    upn: string,
    subject: string,
  ): Array<{ subject: string; isOnlineMeeting: boolean; joinUrl: string | null; start: string }>;
  close(): Promise<void>;
}

export async function startSchedulingE2E(
  settings: Record<string, unknown> = {},
  emu: EmulatorOptions = {},
  env: Record<string, string> = {},
): Promise<SchedulingE2E> {
  const t = await startTestEmulator(emu);
  const dir = mkdtempSync(join(tmpdir(), 'cb-sched-'));
  const config = loadConfig({
    CALBRIDGE_DATA_DIR: dir,
    CALBRIDGE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    CALBRIDGE_START_EMULATOR: 'false',
    RATE_LIMIT_PER_MINUTE: '100000',
    ...env,
  });
  const database = await createTestDatabase();
  const clock = { offsetMs: 0 };
  const runtime = await createRuntime(config, {
    database,
    logStream: new PassThrough(),
    clock: { now: () => new Date(Date.now() + clock.offsetMs) },
    dev: {
      emulators: { microsoft: { baseUrl: t.emu.baseUrl, caFile: t.emu.caFile }, google: null },
      demo: null,
      close: async () => undefined,
    },
    publicUrl: () => 'http://127.0.0.1:3999',
  });
  const { container } = runtime;
  const app = await runtime.http();
  const tenant = await container.tenants.createTenant({
    name: 'Contoso',
    calendarProvider: 'MICROSOFT',
    settings: { ownDomains: ['contoso.com'], ...settings },
  });
  // An administrator consents to Place.Read.All so rooms can be listed.
  const contoso = t.emu.directory.getUser('adele.vance@contoso.com')!.tenantId;
  const adminConsent = async () => {
    const apps = (await (
      await undiciFetch(`${t.emu.baseUrl}/_emulator/apps`, { dispatcher: t.agent })
    ).json()) as Array<{ clientId: string }>;
    for (const a of apps) {
      await undiciFetch(`${t.emu.baseUrl}/_emulator/apps/${a.clientId}/consent`, {
        method: 'POST',
        dispatcher: t.agent,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenantId: contoso, scopes: ['Place.Read.All'] }),
      });
    }
  };
  const user = async (email: string, role?: Role): Promise<Caller> => {
    const k = await container.tenants.createApiKey(tenant.id, email, role ? { role } : {});
    return { userId: k.userId, email, auth: { authorization: `Bearer ${k.apiKey}` } };
  };
  const connect = async (email: string, role?: Role): Promise<Caller> => {
    const c = await user(email, role);
    const res = await app.inject({
      method: 'POST',
      url: '/api/integrations/outlook/connect',
      headers: c.auth,
      payload: { loginHint: email },
    });
    await adminConsent(); // the app exists once the first connect has resolved it
    const q = await followAuthorize(t.agent, (res.json() as { authorizeUrl: string }).authorizeUrl);
    const cb = await app.inject({ method: 'GET', url: `/api/integrations/outlook/callback?${q.toString()}` });
    if (cb.statusCode !== 302 || !String(cb.headers.location).includes('connected=outlook'))
      throw new Error(`connect failed: ${cb.statusCode} ${String(cb.headers.location)}`);
    return c;
  };
  const eventsIn = (upn: string, subject: string) => {
    const u = t.emu.directory.getUser(upn);
    if (!u || !t.emu.store.hasMailbox(u.id)) return [];
    return t.emu.store
      .listEvents(u.id)
      .filter((e) => e.data.subject === subject && !e.data.isCancelled)
      .map((e) => ({
        subject: e.data.subject ?? '',
        isOnlineMeeting: e.data.isOnlineMeeting === true,
        joinUrl: e.data.onlineMeeting?.joinUrl ?? null,
        start: new Date(e.startMs).toISOString(),
      }));
  };
  return {
    t,
    runtime,
    app,
    container,
    tenantId: tenant.id,
    clock,
    connect,
    user,
    eventsIn,
    close: async () => {
      await runtime.close();
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The next Monday at least `weeksAhead` weeks after `now`, as `YYYY-MM-DD` (UTC). */
export function mondayAfter(now: number, weeksAhead: number): string {
  const d = new Date(now + weeksAhead * 7 * 86_400_000);
  const delta = (8 - d.getUTCDay()) % 7 || 7;
  return new Date(d.getTime() + delta * 86_400_000).toISOString().slice(0, 10);
}
