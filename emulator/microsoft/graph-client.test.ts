// Microsoft's own Graph client against the emulator: it authenticates, and its RetryHandler rides out throttling.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, PageIterator, type PageCollection } from '@microsoft/microsoft-graph-client';
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from './server.js';
import { trustEmulatorCa, userToken } from './testing.js';

let emu: RunningEmulator;
let untrust: () => void;

beforeAll(async () => {
  emu = await startEmulator({
    port: 0,
    minimalSeed: true,
    quiet: true,
    autoConsent: true,
    dataDir: mkdtempSync(join(tmpdir(), 'emu-gc-')),
  });
  untrust = trustEmulatorCa(emu.caPem);
});
afterAll(async () => {
  untrust();
  await emu.close();
});

describe('@microsoft/microsoft-graph-client against the emulator', () => {
  it('retries a throttled request after Retry-After and succeeds', async () => {
    const { access_token } = await userToken(emu.baseUrl, emu.app, emu.users[0]!);
    const client = Client.init({
      authProvider: (done) => done(null, access_token),
      baseUrl: emu.baseUrl,
      customHosts: new Set([new URL(emu.baseUrl).hostname]),
    });
    emu.faults.update({ throttle: { requestsPerWindow: 1, windowSeconds: 1 } });
    const first = (await client.api('/me/events').get()) as { value: unknown[] };
    expect(Array.isArray(first.value)).toBe(true);
    const second = (await client.api('/me/events').get()) as { value: unknown[] };
    expect(Array.isArray(second.value)).toBe(true);
    const statuses = emu.requestLog.list({ route: 'GET /v1.0/me/events' }).map((r) => r.status);
    expect(statuses).toEqual([200, 429, 200]);
    expect(emu.requestLog.counts().byFault['throttle-rate']).toBe(1);
  });

  it('surfaces Graph errors with their code and status', async () => {
    emu.faults.reset();
    const client = Client.init({
      authProvider: (done) => done(null, 'not-a-token'),
      baseUrl: emu.baseUrl,
      customHosts: new Set([new URL(emu.baseUrl).hostname]),
    });
    await expect(client.api('/me/events').get()).rejects.toMatchObject({
      statusCode: 401,
      code: 'InvalidAuthenticationToken',
    });
  });

  it('pages with the SDK page iterator, following absolute @odata.nextLink', async () => {
    emu.faults.reset();
    const { access_token } = await userToken(emu.baseUrl, emu.app, emu.users[0]!);
    const client = Client.init({
      authProvider: (done) => done(null, access_token),
      baseUrl: emu.baseUrl,
      customHosts: new Set([new URL(emu.baseUrl).hostname]),
    });
    const base = Date.UTC(2027, 0, 4, 9);
    const subjects: string[] = [];
    for (let i = 0; i < 12; i++) {
      const subject = `Paged ${i}`;
      subjects.push(subject);
      await client.api('/me/events').post({
        subject,
        start: { dateTime: new Date(base + i * 3600_000).toISOString().slice(0, 19), timeZone: 'UTC' },
        end: { dateTime: new Date(base + i * 3600_000 + 1800_000).toISOString().slice(0, 19), timeZone: 'UTC' },
      });
    }
    const first = (await client
      .api('/me/calendarView')
      .query({
        startDateTime: new Date(base - 3600_000).toISOString(),
        endDateTime: new Date(base + 24 * 3600_000).toISOString(),
      })
      .header('Prefer', 'odata.maxpagesize=5')
      .get()) as PageCollection;
    expect(first['@odata.nextLink']).toMatch(/^https:\/\//);
    const seen: string[] = [];
    const iterator = new PageIterator(
      client,
      first,
      (e: MicrosoftGraph.Event) => {
        seen.push(e.subject ?? '');
        return true;
      },
      { headers: { Prefer: 'odata.maxpagesize=5' } },
    );
    await iterator.iterate();
    expect(seen.filter((x) => x.startsWith('Paged ')).sort()).toEqual([...subjects].sort());
    const pages = emu.requestLog.list({ route: 'GET /v1.0/me/calendarView' }).length;
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('creates a Teams meeting and gets its join URL', async () => {
    const { access_token } = await userToken(emu.baseUrl, emu.app, emu.users[0]!);
    const client = Client.init({
      authProvider: (done) => done(null, access_token),
      baseUrl: emu.baseUrl,
      customHosts: new Set([new URL(emu.baseUrl).hostname]),
    });
    const created = (await client.api('/me/events').post({
      subject: 'Teams via the SDK',
      start: { dateTime: '2027-01-05T10:00:00', timeZone: 'Pacific Standard Time' },
      end: { dateTime: '2027-01-05T10:30:00', timeZone: 'Pacific Standard Time' },
      isOnlineMeeting: true,
      onlineMeetingProvider: 'teamsForBusiness',
    })) as MicrosoftGraph.Event;
    expect(created.isOnlineMeeting).toBe(true);
    expect(created.onlineMeetingProvider).toBe('teamsForBusiness');
    expect(created.onlineMeeting?.joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\//);
    const read = (await client.api(`/me/events/${created.id}`).get()) as MicrosoftGraph.Event;
    expect(read.onlineMeeting?.joinUrl).toBe(created.onlineMeeting?.joinUrl);
  });
});
