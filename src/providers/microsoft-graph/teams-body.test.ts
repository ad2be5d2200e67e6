// A body change of a Teams meeting keeps the meeting: the adapter carries the join block over from the current body
// (the emulator, like Graph, turns the meeting off when a new body lacks it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  newOAuthClient,
  signIn,
  startTestEmulator,
  tokenSource,
  type TestEmulator,
} from '../../../test/support/microsoft.js';
import type { CalendarProvider } from '../../ports/calendar-provider.js';
import { createGraphTransport, createMicrosoftProvider } from './index.js';
import { findJoinBlock, withJoinBlock } from './teams-block.js';

const ORGANIZER = 'adele.vance@contoso.com';
const ATTENDEE = 'megan.bowen@contoso.com';
const RULE = '_'.repeat(80);
const BLOCK = `<div><span>${RULE}</span></div>\n<div><a href="https://teams.test/join?a=1&amp;b=2">Join</a></div>\n<div><span>${RULE}</span></div>`;

describe('join block helpers', () => {
  it('finds the block between the two rules, and only for the meeting it names', () => {
    const html = `<html><body><p>Agenda</p>\n${BLOCK}\n</body></html>`;
    expect(findJoinBlock(html, 'https://teams.test/join?a=1&b=2')).toBe(BLOCK);
    expect(findJoinBlock(html, 'https://teams.test/other')).toBeNull();
    expect(findJoinBlock('<p>no rules</p>', null)).toBeNull();
  });

  it('appends the block to a text or HTML body once', () => {
    const url = 'https://teams.test/join?a=1&b=2';
    const text = withJoinBlock({ contentType: 'text', content: 'a < b\nsecond' }, BLOCK, url);
    expect(text.contentType).toBe('html');
    expect(text.content).toBe(`<p>a &lt; b<br>second</p>\n${BLOCK}`);
    const html = withJoinBlock({ contentType: 'html', content: '<html><body><p>x</p></body></html>' }, BLOCK, url);
    expect(html.content).toBe(`<html><body><p>x</p>\n${BLOCK}\n</body></html>`);
    expect(withJoinBlock(html, BLOCK, url)).toBe(html);
  });
});

describe('Teams meeting body updates (emulator)', () => {
  let t: TestEmulator;
  let provider: CalendarProvider;

  beforeAll(async () => {
    t = await startTestEmulator({ seed: 16 });
    const oauth = newOAuthClient(t);
    provider = createMicrosoftProvider({
      graphBaseUrl: t.emu.baseUrl,
      transport: createGraphTransport({ agent: t.agent }),
      token: tokenSource(oauth, await signIn(oauth, t.agent, ORGANIZER)),
      mailbox: ORGANIZER,
      roomsEnabled: false,
    });
  });
  afterAll(async () => t?.close());

  it('keeps the meeting and its join link through text and HTML body changes, for the attendees too', async () => {
    const start = new Date(Date.now() + 3 * 86_400_000);
    start.setUTCHours(15, 0, 0, 0);
    const created = await provider.createEvent({
      event: {
        subject: 'Quarterly review',
        start: start.toISOString(),
        end: new Date(start.getTime() + 1800_000).toISOString(),
        body: { contentType: 'text', content: 'First agenda' },
        attendees: [{ email: ATTENDEE, type: 'required' }],
        onlineMeeting: true,
      },
    });
    const joinUrl = created.onlineMeeting!.joinUrl!;
    expect(created.body.content).toContain(joinUrl.replace(/&/g, '&amp;'));

    const text = await provider.updateEvent({
      eventId: created.id,
      changes: { body: { contentType: 'text', content: 'Second agenda\nwith <two> lines' } },
    });
    expect(text.onlineMeeting?.joinUrl).toBe(joinUrl);
    expect(text.body.content).toContain('Second agenda<br>with &lt;two&gt; lines');
    expect(text.body.content).not.toContain('First agenda');
    expect(text.body.content.match(/_{80}/g)).toHaveLength(2);

    const html = await provider.updateEvent({
      eventId: created.id,
      changes: { body: { contentType: 'html', content: '<p>Third agenda</p>' }, subject: 'Quarterly review (v3)' },
    });
    expect(html.onlineMeeting?.joinUrl).toBe(joinUrl);
    expect(html.body.content).toContain('Third agenda');

    // The body a caller read back (block included) is sent as it is, not with a second block.
    const echoed = await provider.updateEvent({ eventId: created.id, changes: { body: html.body } });
    expect(echoed.onlineMeeting?.joinUrl).toBe(joinUrl);
    expect(echoed.body.content.match(/_{80}/g)).toHaveLength(2);

    const megan = t.emu.directory.getUser(ATTENDEE)!;
    const copy = t.emu.store.listEvents(megan.id).find((e) => e.data.iCalUId === created.iCalUId)!;
    expect(copy.data.isOnlineMeeting).toBe(true);
    expect(copy.data.onlineMeeting?.joinUrl).toBe(joinUrl);
    expect(copy.data.body?.content).toContain('Third agenda');
  });
});
