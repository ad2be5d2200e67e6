// Microsoft's own Graph client against the emulator: it authenticates, and its RetryHandler rides out throttling.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@microsoft/microsoft-graph-client';
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
});
