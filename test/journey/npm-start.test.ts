// Journey, topology A: `npm start` on a fresh data dir — embedded PostgreSQL (PGlite) and the bundled emulators, every
// job in the one process — driven only over HTTP, as a newcomer, the platform and a meeting's organizer would. Then a
// restart of `npm start`: the connected mailbox keeps working with no reconnect.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Agent } from 'undici';
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

interface Started {
  event: 'started';
  url: string;
  jobs: string[];
  emulators: { microsoft: string | null; google: string | null };
}

let dataDir: string;
let env: NodeJS.ProcessEnv;
let server: Proc | null = null;
let started: Started;
let api: ReturnType<typeof apiClient>;
let agent: Agent;
let emu: ReturnType<typeof microsoftEmulator>;
let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
let secret: string | null = null;
let approver: ReturnType<typeof apiClient>;
let googleUserKey = '';
const GOOGLE_USER = 'alex.wilber@contoso.com';
let megan: Awaited<ReturnType<ReturnType<typeof microsoftEmulator>['personGraph']>>;
const subject = `Acme renewal check-in ${Date.now()}`;

/** Every `npm start` of the journey (the restart makes a second), for the check of their logs at the end. */
const runs: Proc[] = [];

async function startNpm(): Promise<void> {
  server = Proc.npm('npm start', ['start', '--', '--json'], env);
  runs.push(server);
  started = await server.line<Started>((l) => l.event === 'started', 180_000);
  api = apiClient(started.url, readFileSync(join(dataDir, 'demo-api-key'), 'utf8').trim());
  agent = trusting(join(dataDir, 'emulator', 'ca.pem'));
  emu = microsoftEmulator(started.emulators.microsoft!, agent);
}

beforeAll(async () => {
  if (!journeysRunHere) return;
  dataDir = mkdtempSync(join(tmpdir(), 'cb-journey-a-'));
  const port = await freePort();
  receiver = await webhookReceiver(() => secret);
  env = cleanEnv({
    CALBRIDGE_DATA_DIR: dataDir,
    PORT: String(port),
    // Change notifications reach this loopback URL (the bundled emulator's explicit loopback mode allows http).
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    CALBRIDGE_JOB_TICK_SECONDS: '1',
    // Polls are far apart: what the test sees within seconds comes through change notifications.
    SYNC_POLL_INTERVAL_SECONDS: '3600',
    LOG_LEVEL: 'warn',
  });
  await startNpm();
}, 240_000);

afterAll(async () => {
  await server?.stop();
  await receiver?.close();
  if (dataDir) removeDir(dataDir);
});

describe.skipIf(!journeysRunHere)('journey A: npm start (PGlite, bundled emulators, embedded jobs)', () => {
  it('starts with every background job in the process', () => {
    expect(started.jobs).toEqual([...JOB_NAMES]);
    expect(started.emulators.microsoft).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('connects the demo mailbox through the consent page; the initial sync detects the demo customers', async () => {
    await connectOutlook(api, started.url, emu, agent, ADELE);
    const acme = (await customerByName(api, 'Acme Corp'))!;
    const past = await detectedMeetings(api, acme.id, 'past');
    for (const m of past) {
      expect(m.customer.customerId).toBe(acme.id);
      expect(['domain', 'stakeholder', 'subject']).toContain(m.customer.reason);
    }
  }, 180_000);

  it('a customer created after the sync gets its meetings with reasons, with no other step', async () => {
    const old = (await customerByName(api, 'Initech'))!;
    await api.ok('DELETE', `/api/customers/${old.id}`);
    const created = await api.ok<{ id: string }>('POST', '/api/customers', {
      name: 'Initech (new)',
      domains: ['initech.com'],
    });
    const past = await detectedMeetings(api, created.id, 'past', 60_000);
    expect(past.every((m) => m.customer.reason === 'domain')).toBe(true);
  }, 120_000);

  it("follows an organizer's new, changed and cancelled meeting through change notifications; metrics move, a signed webhook and one prep brief go out", async () => {
    megan = await emu.personGraph(MEGAN);
    await organizerJourney({ api, emu, megan, receiver, setSecret: (v) => (secret = v), subject });
  }, 240_000);

  it('after a restart of npm start the connected mailbox keeps working, and a proposal approved by a colleague creates the Teams meeting', async () => {
    const me = await api.ok<{ tenant: { id: string } }>('GET', '/api/me');
    await server!.stop();
    // The operator adds a colleague while the service is down (the embedded database has one process at a time).
    const { apiKey: approverKey } = await calbridgeJson<{ apiKey: string }>(
      ['create-api-key', '--tenant', me.tenant.id, '--user', MEGAN, '--role', 'approver'],
      env,
    );
    googleUserKey = (
      await calbridgeJson<{ apiKey: string }>(['create-api-key', '--tenant', me.tenant.id, '--user', GOOGLE_USER], env)
    ).apiKey;
    await startNpm();
    const status = await api.ok<{ status: string }>('GET', '/api/integrations/outlook/status');
    expect(status.status).toBe('active');

    // The mailbox still syncs: a new meeting by the organizer arrives with no reconnect and no manual sync.
    const again = `${subject} after restart`;
    const acme = (await customerByName(api, 'Acme Corp'))!;
    await megan('POST', 'me/events', {
      subject: again,
      start: { dateTime: inMinutes(60 * 24), timeZone: 'UTC' },
      end: { dateTime: inMinutes(60 * 24 + 30), timeZone: 'UTC' },
      attendees: [ADELE, ACME_CONTACT].map((address) => ({ type: 'required', emailAddress: { address } })),
    });
    await until(
      'the meeting made after the restart',
      async () => (await meetingsOf(api, acme.id, 'upcoming')).find((m) => m.subject === again),
      60_000,
    );

    // A QBR with the customer: proposed by Adele, approved by Megan, created in Adele's Outlook with a Teams link.
    const proposal = await api.ok<{ id: string; status: string }>('POST', `/api/customers/${acme.id}/schedule`, {
      start: `${inMinutes(60 * 48)}Z`,
      durationMinutes: 30,
      subject: `QBR ${subject}`,
      attendees: [{ email: ACME_CONTACT }],
      onlineMeeting: true,
    });
    expect(proposal.status).toBe('pending');
    approver = apiClient(started.url, approverKey);
    const approved = await approver.ok<{ status: string; result: { providerEventId: string; joinUrl: string } }>(
      'POST',
      `/api/proposals/${proposal.id}/approve`,
    );
    expect(approved.status).toBe('approved');
    expect(approved.result.joinUrl).toMatch(/^https:\/\//);
    const adele = await emu.personGraph(ADELE);
    const event = await adele<{ subject: string; isOnlineMeeting: boolean; onlineMeeting: { joinUrl: string } }>(
      'GET',
      `me/events/${approved.result.providerEventId}`,
    );
    expect(event.subject).toBe(`QBR ${subject}`);
    expect(event.isOnlineMeeting).toBe(true);
    expect(event.onlineMeeting.joinUrl).toBe(approved.result.joinUrl);
  }, 300_000);

  it("a Google user of the same tenant: the bundled Google emulator's consent page, sync, detection, a Meet proposal", async () => {
    const alex = apiClient(started.url, googleUserKey);
    const { authorizeUrl } = await alex.ok<{ authorizeUrl: string }>('POST', '/api/integrations/google/connect', {
      loginHint: GOOGLE_USER,
    });
    const back = await consentThroughPage(
      agent,
      authorizeUrl,
      { account: GOOGLE_USER, decision: 'allow' },
      `${started.url}/api/integrations/google/callback`,
    );
    const cb = await fetch(back, { redirect: 'manual' });
    expect(cb.headers.get('location')).toContain('connected=google');
    const status = await alex.ok<{ calendars: Array<{ provider: string; lastSuccessAt: string | null }> }>(
      'GET',
      '/api/outlook/calendar/sync-status',
    );
    expect(status.calendars.some((c) => c.provider === 'GOOGLE')).toBe(true);
    await until(
      'the Google calendar synced',
      async () =>
        (
          await alex.ok<{ calendars: Array<{ provider: string; lastSuccessAt: string | null }> }>(
            'GET',
            '/api/outlook/calendar/sync-status',
          )
        ).calendars.find((c) => c.provider === 'GOOGLE' && c.lastSuccessAt),
      90_000,
    );
    const acme = (await customerByName(alex, 'Acme Corp'))!;
    const proposal = await alex.ok<{ id: string; status: string }>('POST', `/api/customers/${acme.id}/schedule`, {
      start: `${inMinutes(60 * 72)}Z`,
      durationMinutes: 30,
      subject: `Google QBR ${subject}`,
      attendees: [{ email: ACME_CONTACT }],
      onlineMeeting: true,
    });
    const approved = await approver.ok<{ status: string; result: { joinUrl: string } }>(
      'POST',
      `/api/proposals/${proposal.id}/approve`,
    );
    expect(approved.status).toBe('approved');
    expect(approved.result.joinUrl).toMatch(/^https:\/\/meet\.google\.com\//);
    // Synced back from Google and detected for the customer, like every meeting.
    await until(
      'the Google meeting listed for the customer',
      async () => (await meetingsOf(alex, acme.id, 'upcoming')).find((m) => m.subject === `Google QBR ${subject}`),
      60_000,
    );
  }, 240_000);

  it('logged no failure of a background job or of detection in the whole journey (warnings are for real faults)', () => {
    const warnings = runs.flatMap((p) =>
      p.out.flatMap((line) => {
        if (!line.startsWith('{')) return [];
        try {
          const j = JSON.parse(line) as { level?: number; job?: string; msg?: string; code?: string };
          return (j.level ?? 0) >= 40 && (j.job !== undefined || /failed/i.test(j.msg ?? '')) ? [line] : [];
        } catch {
          return [];
        }
      }),
    );
    expect(warnings).toEqual([]);
  });
});
