// The Teams join block: written into a new online meeting's body; a PATCH whose body lacks it turns the meeting off
// (Graph's update-event notes), for the attendee copies too; turning the meeting off or on removes or adds it.
import type { FastifyInstance } from 'fastify';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MailboxStore } from '../store.js';
import { buildTestApp, tokenFor } from '../testing.js';
import events from './events.js';

const ADELE = 'a0000000-0000-4000-8000-000000000001';
const MEGAN = 'a0000000-0000-4000-8000-000000000002';
const auth = () => ({ authorization: tokenFor(ADELE) });

const meeting = (extra: Record<string, unknown> = {}) => ({
  subject: 'Planning',
  body: { contentType: 'HTML', content: 'Does noon work for you?' },
  start: { dateTime: '2026-11-20T12:00:00', timeZone: 'Pacific Standard Time' },
  end: { dateTime: '2026-11-20T13:00:00', timeZone: 'Pacific Standard Time' },
  isOnlineMeeting: true,
  onlineMeetingProvider: 'teamsForBusiness',
  ...extra,
});

let app: FastifyInstance;
let store: MailboxStore;

beforeEach(async () => {
  ({ app, store } = await buildTestApp([events]));
});

const post = async (body: Record<string, unknown>) =>
  (await app.inject({ method: 'POST', url: '/v1.0/me/events', headers: auth(), payload: body })).json();
const patch = async (id: string, body: Record<string, unknown>) =>
  app.inject({ method: 'PATCH', url: `/v1.0/me/events/${id}`, headers: auth(), payload: body });

describe('Teams join block', () => {
  it('is written into the body of a new online meeting (a text body becomes HTML)', async () => {
    const created = await post(meeting({ body: { contentType: 'text', content: 'Agenda:\n1. <numbers>' } }));
    expect(created.body.contentType).toBe('html');
    expect(created.body.content).toContain('Agenda:<br>1. &lt;numbers&gt;');
    expect(created.body.content).toContain(`href="${created.onlineMeeting.joinUrl as string}"`);
    expect(created.body.content).toMatch(/_{80}[\s\S]*Microsoft Teams meeting[\s\S]*_{80}/);
    expect(created.bodyPreview).toContain('Microsoft Teams meeting');
    const plain = await post(meeting({ isOnlineMeeting: false, onlineMeetingProvider: undefined }));
    expect(plain.body.content).not.toContain('Microsoft Teams meeting');
  });

  it('missing from a new body turns the meeting off, for the attendees too, even with isOnlineMeeting: true', async () => {
    const created = await post(meeting({ attendees: [{ emailAddress: { address: 'megan.bowen@contoso.com' } }] }));
    const r = await patch(created.id as string, {
      body: { contentType: 'text', content: 'new agenda' },
      isOnlineMeeting: true,
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ isOnlineMeeting: false, onlineMeeting: null, onlineMeetingProvider: 'unknown' });
    expect(r.json().body).toEqual({ contentType: 'text', content: 'new agenda' });
    const copy = store.listEvents(MEGAN).find((e) => e.data.iCalUId === created.iCalUId)!;
    expect(copy.data.isOnlineMeeting).toBe(false);
    expect(copy.data.onlineMeeting).toBeNull();
    expect(copy.data.body?.content).toBe('new agenda');
  });

  it('kept in a new body keeps the meeting; turning it off removes the block, turning it on adds one', async () => {
    const created = await post(meeting());
    const joinUrl = created.onlineMeeting.joinUrl as string;
    const content = (created.body.content as string).replace('Does noon work for you?', '<p>New agenda</p>');
    const kept = (await patch(created.id as string, { body: { contentType: 'html', content } })).json();
    expect(kept).toMatchObject({ isOnlineMeeting: true, onlineMeeting: { joinUrl } });
    expect(kept.body.content).toContain('New agenda');
    expect((await patch(created.id as string, { subject: 'Renamed' })).json().onlineMeeting.joinUrl).toBe(joinUrl);
    const off = (await patch(created.id as string, { isOnlineMeeting: false })).json();
    expect(off).toMatchObject({ isOnlineMeeting: false, onlineMeeting: null });
    expect(off.body.content).toContain('New agenda');
    expect(off.body.content).not.toContain(joinUrl);
    expect(off.body.content).not.toMatch(/_{80}/);
    const on = (await patch(created.id as string, { isOnlineMeeting: true })).json();
    expect(on.body.content).toContain(on.onlineMeeting.joinUrl);
    expect(on.body.content.match(/_{80}/g)).toHaveLength(2);
  });
});
