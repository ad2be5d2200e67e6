// The Google adapter's watch channels against the Google emulator: Google never accepts a channel id twice in a
// project (also after channels.stop), so a renewal stops the channel and opens a new one under a new id.
import type { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGoogleEmulator } from '../../../emulator/google/server.js';
import { startGoogleTestEmulator, type GoogleTestEmulator } from '../../../emulator/google/testing.js';
import { isAppError } from '../../domain/errors.js';
import type { CalendarProvider } from '../../ports/calendar-provider.js';
import { createGoogleProvider, createGoogleTransport } from './index.js';

const ADELE = 'adele.vance@contoso.com';
const DAY = 86_400_000;

let emu: RunningGoogleEmulator;
let agent: Agent;
let harness: GoogleTestEmulator;
let provider: CalendarProvider;

beforeAll(async () => {
  // Google's rules (no loopback http mode): addresses must be https.
  harness = await startGoogleTestEmulator();
  ({ emu, agent } = harness);
  const token = emu.oauth.mint(ADELE, emu.app.clientId, ['https://www.googleapis.com/auth/calendar']);
  provider = createGoogleProvider({
    apiBaseUrl: emu.baseUrl,
    transport: createGoogleTransport({ agent, retry: { maxRetries: 2, baseDelayMs: 1 } }),
    token: async () => token,
    mailbox: ADELE,
    roomsEnabled: false,
  });
});
afterAll(async () => {
  await harness?.close();
});

const channelIds = () => [...emu.channels.active.values()].filter((c) => c.calendarId === ADELE).map((c) => c.id);

describe('Google adapter watch channels', () => {
  it('renews under a new channel id (the old one stopped) and returns the id to keep', async () => {
    const params = {
      calendarId: ADELE,
      notificationUrl: 'https://127.0.0.1:9/api/webhooks/google/cal-1',
      clientState: 'first-state',
      expiresAt: new Date(emu.clock.now() + DAY).toISOString(),
    };
    const sub = await provider.createSubscription(params);
    const [first] = channelIds();
    expect(first).toBeDefined();
    const renewed = await provider.renewSubscription(sub.id, new Date(emu.clock.now() + 3 * DAY).toISOString());
    expect(renewed.id).not.toBe(sub.id);
    expect(renewed.clientState).toEqual(expect.any(String));
    const now = channelIds();
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(first);
    // A second renewal works too (a fixed id would be refused from the first renewal on).
    const again = await provider.renewSubscription(renewed.id, new Date(emu.clock.now() + 5 * DAY).toISOString());
    expect(channelIds()).toHaveLength(1);
    await provider.deleteSubscription(again.id);
    expect(channelIds()).toEqual([]);
  });

  it('gets a clear error for a notification address that is not https', async () => {
    const err = await provider
      .createSubscription({
        calendarId: ADELE,
        notificationUrl: 'http://calbridge.example/api/webhooks/google/cal-1',
        clientState: 's',
        expiresAt: new Date(emu.clock.now() + DAY).toISOString(),
      })
      .catch((e: unknown) => e);
    expect(isAppError(err), String(err)).toBe(true);
    expect((err as { details?: { reason?: string } }).details?.reason).toBe('push.webhookUrlNotHttps');
    expect(channelIds()).toEqual([]);
  });
});
