// An event moved to another calendar keeps its id for the adapter: it asks Graph for immutable ids on every call
// (the emulator, like Graph, changes an event's default id when it moves).
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

const LOGIN = 'adele.vance@contoso.com';

describe('immutable ids (emulator)', () => {
  let t: TestEmulator;
  let provider: CalendarProvider;

  beforeAll(async () => {
    t = await startTestEmulator({ seed: 17 });
    const oauth = newOAuthClient(t);
    provider = createMicrosoftProvider({
      graphBaseUrl: t.emu.baseUrl,
      transport: createGraphTransport({ agent: t.agent }),
      token: tokenSource(oauth, await signIn(oauth, t.agent, LOGIN)),
      mailbox: LOGIN,
      roomsEnabled: false,
    });
  });
  afterAll(async () => t?.close());

  it('reads, lists, syncs and updates a moved event under the id it was created with', async () => {
    const user = t.emu.directory.getUser(LOGIN)!;
    const projects = t.emu.store.createCalendar(user.id, { name: 'Projects (immutable ids)' }).id;
    const start = new Date(Date.now() + 5 * 86_400_000);
    start.setUTCHours(10, 0, 0, 0);
    const end = new Date(start.getTime() + 3600_000);
    const created = await provider.createEvent({
      event: { subject: 'Roadmap', start: start.toISOString(), end: end.toISOString() },
    });

    t.emu.store.moveEvent(user.id, created.id, projects); // the user drags it to another calendar in Outlook

    expect((await provider.getEvent(created.id)).subject).toBe('Roadmap');
    expect((await provider.getEvent(created.id, projects)).id).toBe(created.id);
    const window = { start: new Date(start.getTime() - 86_400_000).toISOString(), end: end.toISOString() };
    const listed = await provider.listEvents({ calendarId: projects, ...window });
    expect(listed.events.map((e) => e.id)).toEqual([created.id]);
    const page = await provider.syncChanges({ calendarId: projects, window, cursor: null });
    expect(page.changes).toEqual([
      expect.objectContaining({ kind: 'upsert', event: expect.objectContaining({ id: created.id }) }),
    ]);
    const updated = await provider.updateEvent({
      eventId: created.id,
      calendarId: projects,
      changes: { subject: 'Roadmap (moved)' },
    });
    expect(updated.id).toBe(created.id);
  });
});
