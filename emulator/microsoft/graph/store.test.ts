import { describe, expect, it } from 'vitest';
import { createEvent, deleteEvent, updateEvent } from './meetings.js';
import type { ChangeNotice } from './model.js';
import { MailboxStore } from './store.js';
import { testDirectory } from './testing.js';

const ADELE = 'a0000000-0000-4000-8000-000000000001';
const NOW = Date.parse('2026-11-16T12:00:00Z');

function fresh() {
  const directory = testDirectory();
  const store = new MailboxStore({ directory, clock: () => NOW });
  for (const u of directory.users.values()) if (u.mailbox === 'exchangeOnline') store.ensureMailbox(u);
  return { directory, store, adele: directory.users.get(ADELE)! };
}

const body = (subject: string, day: number) => ({
  subject,
  start: { dateTime: `2026-12-${day}T10:00:00`, timeZone: 'UTC' },
  end: { dateTime: `2026-12-${day}T11:00:00`, timeZone: 'UTC' },
});

describe('MailboxStore', () => {
  it('notifies listeners of created, updated and deleted events, in order', () => {
    const { store, adele } = fresh();
    const seen: ChangeNotice[] = [];
    const off = store.onChange((c) => seen.push(c));
    const cal = store.defaultCalendar(ADELE).id;
    const { event } = createEvent(store, adele, cal, body('A', 10));
    updateEvent(store, adele, { ev: event, startMs: event.startMs, endMs: event.endMs }, { subject: 'B' });
    deleteEvent(store, { ev: event, startMs: event.startMs, endMs: event.endMs });
    off();
    createEvent(store, adele, cal, body('C', 11));
    expect(seen.map((c) => c.changeType)).toEqual(['created', 'updated', 'deleted']);
    expect(seen.every((c) => c.userId === ADELE && c.calendarId === cal && c.eventId === event.data.id)).toBe(true);
    const seqs = store.changesSince(ADELE, 0).map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('keeps calendarView ordered and windowed as events move', () => {
    const { store, adele } = fresh();
    const cal = store.defaultCalendar(ADELE).id;
    const a = createEvent(store, adele, cal, body('A', 10)).event;
    createEvent(store, adele, cal, body('B', 12));
    updateEvent(
      store,
      adele,
      { ev: a, startMs: a.startMs, endMs: a.endMs },
      {
        start: { dateTime: '2026-12-14T10:00:00', timeZone: 'UTC' },
        end: { dateTime: '2026-12-14T11:00:00', timeZone: 'UTC' },
      },
    );
    const view = store.calendarView(
      ADELE,
      null,
      Date.parse('2026-12-01T00:00:00Z'),
      Date.parse('2026-12-31T00:00:00Z'),
    );
    expect(view.map((i) => i.ev.data.subject)).toEqual(['B', 'A']);
    expect(
      store
        .calendarView(ADELE, null, Date.parse('2026-12-13T00:00:00Z'), Date.parse('2026-12-14T10:30:00Z'))
        .map((i) => i.ev.data.subject),
    ).toEqual(['A']);
  });

  it('round-trips through toJSON/load and invalidates earlier sync states', () => {
    const { store, adele, directory } = fresh();
    const cal = store.defaultCalendar(ADELE).id;
    createEvent(store, adele, cal, {
      ...body('A', 10),
      attendees: [{ emailAddress: { address: 'megan.bowen@contoso.com' } }],
      transactionId: 't1',
    });
    const before = store.syncState(ADELE);
    const snap = JSON.parse(JSON.stringify(store.toJSON())) as ReturnType<MailboxStore['toJSON']>;
    const copy = new MailboxStore({ directory, clock: () => NOW });
    copy.load(snap);
    expect(copy.listEvents(ADELE).map((e) => e.data.subject)).toEqual(['A']);
    expect(copy.eventForTransaction(ADELE, 't1')?.data.subject).toBe('A');
    expect(copy.meetingCopies(copy.listEvents(ADELE)[0]!.data.iCalUId!)).toHaveLength(2);
    expect(copy.syncState(ADELE).epoch).not.toBe(before.epoch);
  });

  it('invalidateDeltaTokens bumps the epoch of one or every mailbox', () => {
    const { store } = fresh();
    const MEGAN = 'a0000000-0000-4000-8000-000000000002';
    const a0 = store.syncState(ADELE).epoch;
    const m0 = store.syncState(MEGAN).epoch;
    store.invalidateDeltaTokens(ADELE);
    expect(store.syncState(ADELE).epoch).toBe(a0 + 1);
    expect(store.syncState(MEGAN).epoch).toBe(m0);
    store.invalidateDeltaTokens();
    expect(store.syncState(MEGAN).epoch).toBe(m0 + 1);
  });
});
