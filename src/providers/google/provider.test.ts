// The Google Calendar adapter passes the shared provider contract against the Google emulator, with faults off and on.
import { providerContract, type ContractHarness } from '../contract.case.js';
import {
  googleAuthSettings,
  googleSignIn,
  googleTokenSource,
  startTestGoogleEmulator,
} from '../../../test/support/google.js';
import type { GoogleFaultPatch } from '../../../emulator/google/faults.js';
import { GoogleOAuthClient, createGoogleProvider, createGoogleTransport } from './index.js';

const ORGANIZER = 'adele.vance@contoso.com';
const COLLEAGUE = 'megan.bowen@contoso.com';
const NO_MEET = 'nestor.wilke@contoso.com';

async function harness(faults: GoogleFaultPatch | null): Promise<ContractHarness> {
  const t = await startTestGoogleEmulator({ minimalSeed: true });
  let shared: string | undefined;
  const oauth = new GoogleOAuthClient(googleAuthSettings(t.emu), t.agent);
  const transport = createGoogleTransport({ agent: t.agent, retry: { maxRetries: 8, baseDelayMs: 20 } });
  const provider = async (login: string) =>
    createGoogleProvider({
      apiBaseUrl: t.emu.baseUrl,
      transport,
      token: googleTokenSource(oauth, await googleSignIn(oauth, t.agent, login)),
      mailbox: login,
      roomsEnabled: true,
      conferencePoll: { delaysMs: [50, 100, 200, 400, 800] },
    });
  const h: ContractHarness = {
    provider: await provider(ORGANIZER),
    organizerEmail: ORGANIZER,
    colleague: { email: COLLEAGUE, provider: await provider(COLLEAGUE) },
    externalEmail: 'wile.coyote@acmecorp.com',
    roomEmail: 'rainier@contoso.com',
    noOnlineMeetings: await provider(NO_MEET),
    expireCursors: async () => t.emu.store.invalidateSyncTokens(),
    // An ACL rule on the colleague's primary calendar (the organizer's calendar list then holds it, role writer).
    writableCalendar: async () => {
      t.emu.store.calendar(COLLEAGUE)!.acl.set(`user:${ORGANIZER}`, 'writer');
      return { id: COLLEAGUE, sharedBy: 'colleague' };
    },
    conferenceCreation: async (mode) => {
      t.emu.faults.update({ conference: mode });
    },
    shareColleagueCalendar: async (role) => {
      // A calendar of the colleague's other than the primary one (which the domain sees as free/busy by default).
      shared ??= t.emu.store.createCalendar(COLLEAGUE, 'Colleague shared').id;
      const roles = { read: 'reader', freeBusy: 'freeBusyReader', none: 'none' } as const;
      t.emu.store.calendar(shared)!.acl.set(`user:${ORGANIZER}`, roles[role]);
      return shared;
    },
    cleanup: () => t.close(),
  };
  if (faults) t.emu.faults.update(faults);
  return h;
}

providerContract('google (emulator)', () => harness(null));

providerContract('google (emulator, faults on)', () =>
  harness({
    seed: 7,
    // 403 rateLimitExceeded once a user sends more than 6 requests a second; 15% 500/503 backend errors.
    throttle: { enabled: true, requestsPerWindow: 6, windowSeconds: 1, status: 403, retryAfterSeconds: null },
    errors: { rate: 0.15, statuses: [500, 503] },
    latency: { fixedMs: 5 },
  }),
);
