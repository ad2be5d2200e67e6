// The steps of the journey, the same on every topology: what a user, the platform and the meeting's organizer do,
// each over HTTP only (calbridge's REST API, the emulators' OAuth pages and Graph API, a webhook receiver).
import { createHash, randomBytes } from 'node:crypto';
import { fetch as undiciFetch, type Agent } from 'undici';
import { expect } from 'vitest';
import { apiClient, consentThroughPage, until, webhookReceiver } from './support.js';

export const ADELE = 'adele.vance@contoso.com';
export const MEGAN = 'megan.bowen@contoso.com';
export const ACME_CONTACT = 'wile.coyote@acmecorp.com';
export const INITECH_CONTACT = 'bill.lumbergh@initech.com';
/** A customer's domain no seeded meeting uses. */
export const WONKA_DOMAIN = 'wonka.example';

type Api = ReturnType<typeof apiClient>;

export interface Customer {
  id: string;
  name: string;
  domains: string[];
}
export interface CustomerMeeting {
  id: string;
  calendarId: string | null;
  subject: string;
  start: string;
  isCancelled: boolean;
  customer: { customerId: string | null; reason: string | null; confidence: number | null };
}

/** The Microsoft emulator as seen from outside: its users' passwords, and Graph as a given person. */
export function microsoftEmulator(baseUrl: string, agent: Agent) {
  const json = async <T>(res: Awaited<ReturnType<typeof undiciFetch>>, what: string): Promise<T> => {
    const text = await res.text();
    if (!res.ok) throw new Error(`${what} answered ${res.status}: ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : null) as T;
  };
  const password = async (upn: string) => {
    const users = await json<Array<{ userPrincipalName: string; password: string }>>(
      await undiciFetch(`${baseUrl}/_emulator/users`, { dispatcher: agent }),
      'users',
    );
    return users.find((u) => u.userPrincipalName.toLowerCase() === upn.toLowerCase())!.password;
  };
  /** Signs `upn` in to an app of our own through the emulator's consent page; Graph as that person. */
  const personGraph = async (upn: string) => {
    const redirect = 'http://127.0.0.1:9/journey-callback';
    const app = await json<{ clientId: string; clientSecret: string }>(
      await undiciFetch(`${baseUrl}/_emulator/apps`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ displayName: `journey ${upn}`, redirectUris: [redirect] }),
      }),
      'register app',
    );
    const verifier = randomBytes(32).toString('base64url');
    const authorize = new URL(`${baseUrl}/common/oauth2/v2.0/authorize`);
    for (const [k, v] of Object.entries({
      client_id: app.clientId,
      response_type: 'code',
      redirect_uri: redirect,
      scope: 'https://graph.microsoft.com/Calendars.ReadWrite offline_access openid',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      login_hint: upn,
    }))
      authorize.searchParams.set(k, v);
    const back = await consentThroughPage(
      agent,
      authorize.toString(),
      { login: upn, password: await password(upn), action: 'accept' },
      redirect,
    );
    const token = await json<{ access_token: string }>(
      await undiciFetch(`${baseUrl}/common/oauth2/v2.0/token`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: app.clientId,
          client_secret: app.clientSecret,
          code: back.searchParams.get('code') ?? '',
          redirect_uri: redirect,
          code_verifier: verifier,
        }).toString(),
      }),
      'token',
    );
    return async <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> =>
      json<T>(
        await undiciFetch(`${baseUrl}/v1.0/${path}`, {
          method,
          dispatcher: agent,
          headers: {
            authorization: `Bearer ${token.access_token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
        `${method} ${path}`,
      );
  };
  const outbox = async () =>
    (
      await json<{ value: Array<{ subject: string; senderAddress: string }> }>(
        await undiciFetch(`${baseUrl}/_emulator/outbox`, { dispatcher: agent }),
        'outbox',
      )
    ).value;
  return { password, personGraph, outbox };
}

/** Connects `login`'s Outlook through the emulator's sign-in and consent page, as the person does in a browser. */
export async function connectOutlook(
  api: Api,
  calbridgeUrl: string,
  emu: ReturnType<typeof microsoftEmulator>,
  agent: Agent,
  login: string,
): Promise<void> {
  const { authorizeUrl } = await api.ok<{ authorizeUrl: string }>('POST', '/api/integrations/outlook/connect', {
    loginHint: login,
  });
  const back = await consentThroughPage(
    agent,
    authorizeUrl,
    { login, password: await emu.password(login), action: 'accept' },
    `${calbridgeUrl}/api/integrations/outlook/callback`,
  );
  const cb = await fetch(back, { redirect: 'manual' });
  expect(cb.status).toBe(302);
  expect(cb.headers.get('location')).toContain('connected=outlook');
  const status = await api.ok<{ status: string; account?: { email?: string } }>(
    'GET',
    '/api/integrations/outlook/status',
  );
  expect(status.status).toBe('active');
}

export const customerByName = async (api: Api, name: string) =>
  (await api.ok<{ items: Customer[] }>('GET', '/api/customers?limit=100')).items.find((c) => c.name === name);

export const meetingsOf = async (api: Api, customerId: string, when: 'past' | 'upcoming') =>
  (await api.ok<{ items: CustomerMeeting[] }>('GET', `/api/customers/${customerId}/meetings?when=${when}&limit=200`))
    .items;

/** Waits until the customer has meetings of `when`, each with a detection reason; returns them. */
export async function detectedMeetings(api: Api, customerId: string, when: 'past' | 'upcoming', timeoutMs = 90_000) {
  return until(
    `meetings detected for ${customerId} (${when})`,
    async () => {
      const items = await meetingsOf(api, customerId, when);
      return items.length > 0 ? items : null;
    },
    timeoutMs,
  );
}

/** An ISO instant `minutes` from now, on the minute. */
export const inMinutes = (minutes: number) => {
  const d = new Date(Date.now() + minutes * 60_000);
  d.setUTCSeconds(0, 0);
  return d.toISOString().slice(0, 19);
};

/**
 * The organizer's side: Megan invites the user and two customers to a meeting in 15 minutes, renames it, cancels it.
 * calbridge must show each change within seconds (change notifications), move the metrics, send a signed health
 * webhook, and exactly one prep brief.
 */
export async function organizerJourney(o: {
  api: Api;
  emu: ReturnType<typeof microsoftEmulator>;
  megan: Awaited<ReturnType<ReturnType<typeof microsoftEmulator>['personGraph']>>;
  receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  setSecret: (s: string) => void;
  subject: string;
}): Promise<void> {
  const { api, emu, megan, receiver, setSecret } = o;
  // Unique per attempt (CI runs a failed test once more): a retry never finds the first attempt's meeting.
  const subject = `${o.subject} ${randomBytes(3).toString('hex')}`;
  setSecret((await api.ok<{ secret: string }>('POST', '/api/settings/webhook-secret')).secret);
  await api.ok('PATCH', '/api/settings', {
    healthWebhookUrl: receiver.url,
    healthWebhookThreshold: 0,
    prepBriefMinutesBefore: 30,
  });
  // A new customer with no meeting yet: score 0, and its first evaluation below becomes the webhook's baseline.
  const wonka = await api.ok<{ id: string }>('POST', '/api/customers', {
    name: `Wonka ${subject.slice(-6)}`,
    domains: [WONKA_DOMAIN],
  });
  const score = async () => (await api.ok<{ score: number }>('GET', `/api/customers/${wonka.id}/health-signals`)).score;
  expect(await score()).toBe(0);
  // The mailbox's change subscription exists once the first sync round is done.
  await until(
    'the change subscription of the mailbox',
    async () =>
      (
        await api.ok<{ calendars: Array<{ isShared: boolean; subscriptionExpiresAt: string | null }> }>(
          'GET',
          '/api/outlook/calendar/sync-status',
        )
      ).calendars.find((c) => !c.isShared && c.subscriptionExpiresAt),
    60_000,
  );
  const created = await megan<{ id: string }>('POST', 'me/events', {
    subject,
    start: { dateTime: inMinutes(15), timeZone: 'UTC' },
    end: { dateTime: inMinutes(45), timeZone: 'UTC' },
    attendees: [ADELE, `charlie.bucket@${WONKA_DOMAIN}`].map((address) => ({
      type: 'required',
      emailAddress: { address },
    })),
  });
  const organizerEventId = created.id;
  const seen = await until(
    'the new meeting in calbridge',
    async () => (await meetingsOf(api, wonka.id, 'upcoming')).find((m) => m.subject === subject),
    60_000,
  ).catch(async (e: unknown) => {
    // What calbridge knows of the mailbox's sync, to tell a missing notification from a slow job.
    const status = await api.ok('GET', '/api/outlook/calendar/sync-status');
    throw new Error(`${(e as Error).message}; sync-status: ${JSON.stringify(status).slice(0, 2000)}`);
  });
  expect(seen.customer.reason).toBe('domain');
  // The metrics move: a meeting coming up within 30 days.
  const withMeeting = await until('the metrics to move', async () => ((await score()) > 0 ? score() : null), 60_000);

  // The organizer renames it: calbridge shows the new subject within seconds.
  await megan('PATCH', `me/events/${organizerEventId}`, { subject: `${subject} (moved agenda)` });
  await until(
    'the renamed meeting',
    async () => (await meetingsOf(api, wonka.id, 'upcoming')).find((m) => m.subject === `${subject} (moved agenda)`),
    60_000,
  );

  // One prep brief before the meeting (Graph sendMail from Adele's mailbox, or the platform webhook), never two.
  const briefs = async () => [
    ...(await emu.outbox()).filter((m) => m.subject.includes(subject)),
    ...receiver.received.filter((r) => r.body.type === 'meeting.prep_brief'),
  ];
  await until('the prep brief', async () => ((await briefs()).length > 0 ? true : null), 60_000);
  await new Promise((r) => setTimeout(r, 4000)); // several more job ticks
  expect(await briefs()).toHaveLength(1);

  // The organizer cancels it: calbridge no longer lists it as an upcoming meeting, the score falls back, and the
  // platform gets a signed health-signal webhook about it.
  await megan('POST', `me/events/${organizerEventId}/cancel`, { comment: 'Sorry, cancelled.' });
  await until(
    'the cancelled meeting gone from upcoming',
    async () => {
      const m = (await meetingsOf(api, wonka.id, 'upcoming')).find((x) => x.subject.startsWith(subject));
      return !m || m.isCancelled ? true : null;
    },
    60_000,
  );
  expect(await until('the score to fall', async () => ((await score()) < withMeeting ? true : null), 30_000)).toBe(
    true,
  );
  const health = await until(
    'a signed health-signal webhook',
    async () =>
      receiver.received.find((r) => r.body.type === 'customer.health_changed' && r.body.customerId === wonka.id),
    60_000,
  );
  expect(health.verified).toBe(true);
  expect(health.body).toMatchObject({ previousScore: withMeeting });
  // Every delivery reached the receiver once.
  const ids = receiver.received.map((r) => r.body.deliveryId);
  expect(new Set(ids).size).toBe(ids.length);
  expect(receiver.received.every((r) => r.verified)).toBe(true);
}
