// Journey, topology B: the scale-out deployment — `calbridge serve --no-worker`, two `calbridge worker` processes and
// the standalone `calbridge emulator` (Microsoft and Google) on the machine's PostgreSQL server — set up with the CLI as
// an operator would and driven only over HTTP. One worker is SIGKILLed in the middle: nothing is lost or sent twice.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { fetch as undiciFetch, type Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_NAMES } from '../../src/main/jobs.js';
import { journeysRunHere } from './once.js';
import {
  apiClient,
  calbridgeJson,
  cleanEnv,
  consentThroughPage,
  freePort,
  removeDir,
  Proc,
  trusting,
  until,
  webhookReceiver,
} from './support.js';
import {
  ACME_CONTACT,
  ADELE,
  connectOutlook,
  customerByName,
  detectedMeetings,
  inMinutes,
  MEGAN,
  meetingsOf,
  microsoftEmulator,
  organizerJourney,
} from './steps.js';

const SERVER_URL = process.env.JOURNEY_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether the PostgreSQL server answers on its TCP port. */
async function serverUp(): Promise<boolean> {
  const u = new URL(SERVER_URL);
  return new Promise((resolve) => {
    const s = new Socket();
    s.setTimeout(1000);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
    s.connect(Number(u.port || 5432), u.hostname);
  });
}

const up = journeysRunHere && (await serverUp());
if (journeysRunHere && !up) {
  const what = `journey B (scale-out on PostgreSQL): no PostgreSQL server at ${SERVER_URL}`;
  if (process.env.CI) throw new Error(`CI is set, so a missing server fails instead of skipping: ${what}`);
  console.warn(`*** SKIPPED ${what} (start it: pg_ctlcluster --skip-systemctl-redirect <version> main start)`);
}

interface EmulatorLine {
  baseUrl: string;
  caFile: string;
}

const procs: Proc[] = [];
let dir: string;
let schema: string;
let env: NodeJS.ProcessEnv;
let serve: Proc;
let workers: Proc[] = [];
let url: string;
let msAgent: Agent;
let emu: ReturnType<typeof microsoftEmulator>;
let google: EmulatorLine;
let gAgent: Agent;
let tenantId: string;
let api: ReturnType<typeof apiClient>;
let approver: ReturnType<typeof apiClient>;
let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
let secret: string | null = null;
const subject = `Acme scale-out check-in ${Date.now()}`;

const startWorker = (n: number) => {
  const p = Proc.calbridge(`worker ${n}`, ['worker', '--json', '--concurrency', '2', '--metrics-port', '0'], env);
  procs.push(p);
  return p;
};

async function register(baseUrl: string, agent: Agent, body: object) {
  const res = await undiciFetch(`${baseUrl}/_emulator/apps`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`app registration answered ${res.status}`);
  return (await res.json()) as { clientId: string; clientSecret: string };
}

beforeAll(async () => {
  if (!up) return;
  dir = mkdtempSync(join(tmpdir(), 'cb-journey-b-'));
  schema = `journey_${randomBytes(4).toString('hex')}`;
  receiver = await webhookReceiver(() => secret);
  const emuEnv = cleanEnv({});
  const emuDir = join(dir, 'emulator');
  const ms = Proc.calbridge(
    'emulator',
    ['emulator', '--port', '0', '--json', '--data-dir', emuDir, '--allow-http-notifications'],
    emuEnv,
  );
  procs.push(ms);
  const msLine = await ms.line<EmulatorLine>((l) => typeof l.baseUrl === 'string', 120_000);
  // After the first emulator made the data dir's CA: both then serve certificates of that one CA.
  const g = Proc.calbridge(
    'google emulator',
    ['emulator', '--provider', 'google', '--port', '0', '--json', '--data-dir', emuDir, '--allow-http-notifications'],
    emuEnv,
  );
  procs.push(g);
  google = await g.line<EmulatorLine>((l) => typeof l.baseUrl === 'string', 120_000);
  msAgent = trusting(msLine.caFile);
  gAgent = trusting(google.caFile);
  emu = microsoftEmulator(msLine.baseUrl, msAgent);

  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const msApp = await register(msLine.baseUrl, msAgent, {
    displayName: 'calbridge (scale-out journey)',
    redirectUris: [`${url}/api/integrations/outlook/callback`],
  });
  const gApp = await register(google.baseUrl, gAgent, {
    name: 'calbridge (scale-out journey)',
    redirectUris: [`${url}/api/integrations/google/callback`],
  });
  env = cleanEnv({
    DATABASE_URL: SERVER_URL,
    DATABASE_SCHEMA: schema,
    CALBRIDGE_DATA_DIR: join(dir, 'data'),
    CALBRIDGE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    CALBRIDGE_START_EMULATOR: 'false',
    PORT: String(port),
    PUBLIC_BASE_URL: url,
    CALBRIDGE_JOB_TICK_SECONDS: '1',
    SYNC_POLL_INTERVAL_SECONDS: '3600',
    LOG_LEVEL: 'warn',
    // the health webhook's receiver is an http loopback server (production refuses both)
    CALBRIDGE_ALLOW_LOOPBACK_WEBHOOKS: 'true',
    MICROSOFT_CLIENT_ID: msApp.clientId,
    MICROSOFT_CLIENT_SECRET: msApp.clientSecret,
    MICROSOFT_REDIRECT_URI: `${url}/api/integrations/outlook/callback`,
    MICROSOFT_AUTHORITY_HOST: msLine.baseUrl,
    MICROSOFT_GRAPH_BASE_URL: msLine.baseUrl,
    MICROSOFT_CA_FILE: msLine.caFile,
    GOOGLE_CLIENT_ID: gApp.clientId,
    GOOGLE_CLIENT_SECRET: gApp.clientSecret,
    GOOGLE_REDIRECT_URI: `${url}/api/integrations/google/callback`,
    GOOGLE_AUTH_BASE_URL: google.baseUrl,
    GOOGLE_API_BASE_URL: google.baseUrl,
    GOOGLE_CA_FILE: google.caFile,
  });
  // The operator's set-up: migrate, a tenant, its users' API keys.
  await calbridgeJson(['migrate'], env);
  tenantId = (
    await calbridgeJson<{ tenantId: string }>(['create-tenant', '--name', 'Contoso', '--provider', 'MICROSOFT'], env)
  ).tenantId;
  const adeleKey = await calbridgeJson<{ apiKey: string }>(
    ['create-api-key', '--tenant', tenantId, '--user', ADELE],
    env,
  );
  const meganKey = await calbridgeJson<{ apiKey: string }>(
    ['create-api-key', '--tenant', tenantId, '--user', MEGAN, '--role', 'approver'],
    env,
  );
  serve = Proc.calbridge('serve', ['serve', '--no-worker', '--json'], env);
  procs.push(serve);
  workers = [startWorker(1), startWorker(2)];
  await serve.line((l) => l.event === 'started', 180_000);
  api = apiClient(url, adeleKey.apiKey);
  approver = apiClient(url, meganKey.apiKey);
}, 300_000);

afterAll(async () => {
  for (const p of procs) await p.stop('SIGTERM', 15_000).catch(() => undefined);
  await receiver?.close();
  if (up && schema) {
    const c = new pg.Client({ connectionString: SERVER_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.query(`DROP SCHEMA IF EXISTS ${schema}_boss CASCADE`);
    await c.end();
  }
  if (dir) removeDir(dir);
});

describe.skipIf(!up)('journey B: serve --no-worker + 2 workers + standalone emulators on PostgreSQL', () => {
  it('the HTTP process runs no job; each worker runs every job of the embedded mode', async () => {
    const s = await serve.line<{ event: string; jobs: string[]; role: string; emulators: object }>(
      (l) => l.event === 'started',
    );
    expect(s.role).toBe('serve');
    expect(s.jobs).toEqual([]);
    // A production start (provider credentials configured) loads no development wiring: no bundled emulator, no demo.
    expect(s.emulators).toEqual({ microsoft: null, google: null });
    expect(existsSync(join(dir, 'data', 'demo-api-key'))).toBe(false);
    for (const w of workers) {
      const started = await w.line<{ event: string; jobs: string[]; role: string }>(
        (l) => l.event === 'started',
        120_000,
      );
      expect(started.role).toBe('worker');
      expect(started.jobs).toEqual([...JOB_NAMES]);
    }
  }, 180_000);

  it('connects through the consent page; the workers sync and detect while one of them is SIGKILLed', async () => {
    await api.ok('PATCH', '/api/settings', { ownDomains: ['contoso.com'] });
    const acme = await api.ok<{ id: string }>('POST', '/api/customers', {
      name: 'Acme Corp',
      domains: ['acmecorp.com'],
    });
    await connectOutlook(api, url, emu, msAgent, ADELE);
    // A worker dies in the middle of the first sync round; a new one takes its place.
    await new Promise((r) => setTimeout(r, 1500));
    await workers[0]!.stop('SIGKILL');
    workers[0] = startWorker(3);
    const past = await detectedMeetings(api, acme.id, 'past', 180_000);
    expect(past.every((m) => m.customer.customerId === acme.id && m.customer.reason)).toBe(true);
    // A customer created through the HTTP process after the workers built their customer index: its past meetings
    // are detected, and the organizer's new meeting below is matched to it by a worker.
    const initech = await api.ok<{ id: string }>('POST', '/api/customers', {
      name: 'Initech (new)',
      domains: ['initech.com'],
    });
    await detectedMeetings(api, initech.id, 'past', 60_000);
    // The killed worker's job is not lost: once its heartbeat lapses (20 s), pg-boss's maintenance (every 10 s) fails
    // it into a retry (5–10 s backoff) that another worker runs, and the queue drains with every calendar synced and
    // the mailbox's change subscription in place.
    await until(
      'the killed job retried and the queue drained',
      async () => {
        const st = await api.ok<{
          calendars: Array<{ isShared: boolean; lastSuccessAt: string | null; subscriptionExpiresAt: string | null }>;
          queue: { queued: number; active: number };
        }>('GET', '/api/outlook/calendar/sync-status');
        return st.queue.queued === 0 &&
          st.queue.active === 0 &&
          st.calendars.every((c) => c.lastSuccessAt) &&
          st.calendars.some((c) => !c.isShared && c.subscriptionExpiresAt)
          ? st
          : null;
      },
      240_000,
    );
    // Nothing twice: each synced meeting is listed once per calendar it is in.
    const keys = past.map((m) => `${m.calendarId}|${m.subject}|${m.start}`);
    expect(new Set(keys).size).toBe(keys.length);
  }, 600_000);

  it("follows an organizer's meeting through notifications; metrics, a signed webhook, one prep brief", async () => {
    const megan = await emu.personGraph(MEGAN);
    await organizerJourney({ api, emu, megan, receiver, setSecret: (v) => (secret = v), subject });
  }, 240_000);

  it('a proposal approved by a colleague creates the Teams meeting; the workers count their job runs in /metrics', async () => {
    const acme = (await customerByName(api, 'Acme Corp'))!;
    const proposal = await api.ok<{ id: string; status: string }>('POST', `/api/customers/${acme.id}/schedule`, {
      start: `${inMinutes(60 * 48)}Z`,
      durationMinutes: 30,
      subject: `QBR ${subject}`,
      attendees: [{ email: ACME_CONTACT }],
      onlineMeeting: true,
    });
    const approved = await approver.ok<{ status: string; result: { providerEventId: string; joinUrl: string } }>(
      'POST',
      `/api/proposals/${proposal.id}/approve`,
    );
    expect(approved.status).toBe('approved');
    const adele = await emu.personGraph(ADELE);
    const event = await adele<{ isOnlineMeeting: boolean; onlineMeeting: { joinUrl: string } }>(
      'GET',
      `me/events/${approved.result.providerEventId}`,
    );
    expect(event.isOnlineMeeting).toBe(true);
    expect(event.onlineMeeting.joinUrl).toBe(approved.result.joinUrl);
    await until('the meeting synced back', async () =>
      (await meetingsOf(api, acme.id, 'upcoming')).find((m) => m.subject === `QBR ${subject}`),
    );
    const w = await workers[1]!.line<{ metricsUrl: string }>((l) => typeof l.metricsUrl === 'string');
    const text = await (await fetch(w.metricsUrl)).text();
    expect(text).toMatch(/calbridge_job_runs_total\{job="outbox-deliveries",outcome="ok"\} [1-9]/);
  }, 180_000);

  it('a Google user of a Google tenant: consent page, sync, detection, a Meet proposal approved by a colleague', async () => {
    const gTenant = (
      await calbridgeJson<{ tenantId: string }>(['create-tenant', '--name', 'Fabrikam', '--provider', 'GOOGLE'], env)
    ).tenantId;
    const gUser = apiClient(
      url,
      (await calbridgeJson<{ apiKey: string }>(['create-api-key', '--tenant', gTenant, '--user', ADELE], env)).apiKey,
    );
    const gApprover = apiClient(
      url,
      (
        await calbridgeJson<{ apiKey: string }>(
          ['create-api-key', '--tenant', gTenant, '--user', MEGAN, '--role', 'approver'],
          env,
        )
      ).apiKey,
    );
    await gUser.ok('PATCH', '/api/settings', { ownDomains: ['contoso.com'] });
    const acme = await gUser.ok<{ id: string }>('POST', '/api/customers', {
      name: 'Acme Corp',
      domains: ['acmecorp.com'],
    });
    const { authorizeUrl } = await gUser.ok<{ authorizeUrl: string }>('POST', '/api/integrations/google/connect', {
      loginHint: ADELE,
    });
    const back = await consentThroughPage(
      gAgent,
      authorizeUrl,
      { account: ADELE, decision: 'allow' },
      `${url}/api/integrations/google/callback`,
    );
    const cb = await fetch(back, { redirect: 'manual' });
    expect(cb.headers.get('location')).toContain('connected=google');
    const all = await until(
      'Google meetings synced',
      async () => {
        const items = [
          ...(await meetingsOf(gUser, acme.id, 'past')),
          ...(await meetingsOf(gUser, acme.id, 'upcoming')),
        ];
        return items.length > 0 ? items : null;
      },
      120_000,
    );
    expect(all.every((m) => m.customer.reason)).toBe(true);
    const proposal = await gUser.ok<{ id: string }>('POST', `/api/customers/${acme.id}/schedule`, {
      start: `${inMinutes(60 * 72)}Z`,
      durationMinutes: 30,
      subject: `Google QBR ${subject}`,
      attendees: [{ email: ACME_CONTACT }],
      onlineMeeting: true,
    });
    const approved = await gApprover.ok<{ status: string; result: { joinUrl: string; providerEventId: string } }>(
      'POST',
      `/api/proposals/${proposal.id}/approve`,
    );
    expect(approved.status).toBe('approved');
    expect(approved.result.joinUrl).toMatch(/^https:\/\/meet\.google\.com\//);
  }, 240_000);
});
