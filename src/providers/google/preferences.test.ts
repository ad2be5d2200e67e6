// The Google adapter's mailbox preferences against the Google emulator: the user's Calendar settings `timezone` and
// `format24HourTime` (what the web app shows times in until the person chooses), and nothing guessed when the grant
// cannot read settings.
import type { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGoogleEmulator } from '../../../emulator/google/server.js';
import { startGoogleTestEmulator, type GoogleTestEmulator } from '../../../emulator/google/testing.js';
import { createGoogleProvider, createGoogleTransport } from './index.js';

const S = 'https://www.googleapis.com/auth/';
const LYNNE = 'lynne.robbins@contoso.com'; // Europe/Berlin in the emulator's seed

let emu: RunningGoogleEmulator;
let agent: Agent;
let harness: GoogleTestEmulator;

function providerFor(scopes: string[]) {
  const token = emu.oauth.mint(LYNNE, emu.app.clientId, scopes);
  return createGoogleProvider({
    apiBaseUrl: emu.baseUrl,
    transport: createGoogleTransport({ agent, retry: { maxRetries: 2, baseDelayMs: 1 } }),
    token: async () => token,
    mailbox: LYNNE,
    roomsEnabled: false,
    workingHours: async () => null,
  });
}

beforeAll(async () => {
  harness = await startGoogleTestEmulator();
  ({ emu, agent } = harness);
});
afterAll(async () => {
  await harness?.close();
});

describe('Google mailbox preferences', () => {
  it('reads the Calendar settings timezone and format24HourTime', async () => {
    const p = providerFor(['openid', 'email', `${S}calendar.readonly`]);
    expect(await p.getMailboxPreferences!()).toEqual({ timeZone: 'Europe/Berlin', timeFormat: '12h' });
    const log = emu.requestLog.list({}).map((r) => r.url);
    expect(log).toEqual(
      expect.arrayContaining([
        '/calendar/v3/users/me/settings/timezone',
        '/calendar/v3/users/me/settings/format24HourTime',
      ]),
    );
  });

  it('says nothing (nulls, no error) when the grant cannot read settings', async () => {
    const p = providerFor(['openid', 'email', `${S}calendar.events`]);
    expect(await p.getMailboxPreferences!()).toEqual({ timeZone: null, timeFormat: null });
  });
});
