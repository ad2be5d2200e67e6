// Messages: an invitation delivers a meetingRequest eventMessage; list, get, $expand of its event, scopes, errors.
import type { FastifyInstance } from 'fastify';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MailboxStore } from '../store.js';
import { corpusAvailable, NO_CORPUS } from '../../../conformance/corpus.js';
import { ALL_SCOPES, buildTestApp, conformanceCase, shapeDiff, tokenFor } from '../testing.js';
import events from './events.js';
import messages from './messages.js';

// The tests that compare with the shared corpus skip without it (saying so once, failing under CI).
const hasCorpus = corpusAvailable(
  'graph-conformance',
  'meeting-request messages against the documented event shape (emulator/microsoft/graph/routes/messages.test.ts, 1 test)',
);

const ADELE = 'a0000000-0000-4000-8000-000000000001';
const MEGAN = 'a0000000-0000-4000-8000-000000000002';
const mail = (id: string, scopes = [...ALL_SCOPES, 'Mail.Read']) => ({ authorization: tokenFor(id, scopes) });

let app: FastifyInstance;
let store: MailboxStore;

beforeEach(async () => {
  ({ app, store } = await buildTestApp([events, messages]));
});

async function invite(subject: string): Promise<Record<string, unknown>> {
  const r = await app.inject({
    method: 'POST',
    url: '/v1.0/me/events',
    headers: mail(ADELE),
    payload: {
      subject,
      body: { contentType: 'HTML', content: 'Happy holidays!' },
      start: { dateTime: '2026-12-25T18:00:00', timeZone: 'Pacific Standard Time' },
      end: { dateTime: '2026-12-25T22:00:00', timeZone: 'Pacific Standard Time' },
      attendees: [{ emailAddress: { address: 'megan.bowen@contoso.com', name: 'Megan Bowen' }, type: 'required' }],
    },
  });
  expect(r.statusCode).toBe(201);
  return r.json();
}

describe('messages', () => {
  it("delivers a meeting request to the attendee's mailbox, not the organizer's", async () => {
    await invite('Christmas dinner');
    const megan = await app.inject({ method: 'GET', url: '/v1.0/me/messages', headers: mail(MEGAN) });
    expect(megan.statusCode).toBe(200);
    const list = megan.json().value as Array<Record<string, unknown>>;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      '@odata.type': '#microsoft.graph.eventMessage',
      meetingMessageType: 'meetingRequest',
      subject: 'Christmas dinner',
      from: { emailAddress: { address: 'adele.vance@contoso.com' } },
      toRecipients: [{ emailAddress: { address: 'megan.bowen@contoso.com' } }],
    });
    expect(list[0]).not.toHaveProperty('event');
    expect(list[0]).not.toHaveProperty('eventId');
    const adele = await app.inject({ method: 'GET', url: '/v1.0/me/messages', headers: mail(ADELE) });
    expect(adele.json().value).toEqual([]);
  });

  it("expands the event of a meeting request to the attendee's calendar copy, in the documented shape", async ({
    skip,
  }) => {
    skip(!hasCorpus, NO_CORPUS);
    await invite('Christmas dinner');
    const id = (await app.inject({ method: 'GET', url: '/v1.0/me/messages', headers: mail(MEGAN) })).json().value[0]
      .id as string;
    const r = await app.inject({
      method: 'GET',
      url: `/v1.0/me/messages/${encodeURIComponent(id)}?$expand=microsoft.graph.eventMessage/event`,
      headers: mail(MEGAN),
    });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    const copy = store.listEvents(MEGAN).find((e) => e.data.subject === 'Christmas dinner')!;
    expect(body.event.id).toBe(copy.data.id);
    expect(body.event.isOrganizer).toBe(false);
    const doc = await conformanceCase('concept-outlook-create-event-in-shared-delegated-calendar-3');
    expect(shapeDiff(doc.response!.body, body)).toEqual([]);
  });

  it('needs Mail.Read, answers 404 for an unknown id and 400 for an unsupported $expand', async () => {
    await invite('Lunch');
    const denied = await app.inject({ method: 'GET', url: '/v1.0/me/messages', headers: mail(MEGAN, ALL_SCOPES) });
    expect(denied.statusCode).toBe(403);
    const missing = await app.inject({ method: 'GET', url: '/v1.0/me/messages/AAMkAnope', headers: mail(MEGAN) });
    expect(missing.statusCode).toBe(404);
    const bad = await app.inject({ method: 'GET', url: '/v1.0/me/messages?$expand=attachments', headers: mail(MEGAN) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('BadRequest');
  });
});
