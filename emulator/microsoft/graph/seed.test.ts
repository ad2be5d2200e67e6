import { describe, expect, it } from 'vitest';
import { corpusAvailable, graphCase, NO_CORPUS } from '../../conformance/corpus.js';
import { Directory } from '../directory.js';
import { TenantPlaces } from './places-model.js';
import { seedEmulator } from './seed.js';
import { HOSTILE_HTML, seedBulk } from './seed-events.js';
import { MailboxStore } from './store.js';

const NOW = Date.parse('2026-11-22T12:00:00Z');
// The tests that compare with the shared corpus skip without it (saying so once, failing under CI).
const hasCorpus = corpusAvailable(
  'graph-conformance',
  'seeded rooms against the documented room list (emulator/microsoft/graph/seed.test.ts, 1 test)',
);

function seeded(seed = 1, scale = 1) {
  const directory = new Directory();
  const store = new MailboxStore({ directory, clock: () => NOW });
  const out = seedEmulator({ directory, store, seed, scale, clock: () => NOW });
  return { directory, store, out };
}

describe('seedEmulator', () => {
  const { directory, store, out } = seeded();
  const adele = directory.getUser('adele.vance@contoso.com')!;

  it('is deterministic for a seed and differs between seeds', () => {
    const again = seeded();
    expect(JSON.stringify(again.store.toJSON())).toBe(JSON.stringify(store.toJSON()));
    const other = seeded(2);
    expect(other.directory.getUser('adele.vance@contoso.com')!.id).not.toBe(adele.id);
  });

  it('creates Contoso, customer tenants, rooms, an on-premises and a no-Teams mailbox', () => {
    expect(out.users).toContain('adele.vance@contoso.com');
    expect(out.users.some((u) => u.endsWith('@acmecorp.com'))).toBe(true);
    expect(directory.getTenant('globex.com')?.displayName).toBe('Globex');
    const onPrem = directory.getUser('isaiah.langer@contoso.com')!;
    expect(onPrem.mailbox).toBe('onPremises');
    expect(store.hasMailbox(onPrem.id)).toBe(false);
    const nestor = directory.getUser('nestor.wilke@contoso.com')!;
    expect(store.defaultCalendar(nestor.id).allowedOnlineMeetingProviders).toEqual([]);
    const nestorEvent = store.listEvents(nestor.id)[0]!;
    expect(nestorEvent.data.onlineMeeting).toBeNull();
    const rooms = [...store.rooms.values()];
    expect(rooms.length).toBeGreaterThanOrEqual(3);
    for (const r of rooms) expect(directory.users.get(r.userId)?.kind).toBe('room');
    expect(rooms.every((r) => r.capacity > 0 && r.building)).toBe(true);
  });

  it('gives every seeded room each property of the documented room list, with the documented JSON types', ({
    skip,
  }) => {
    skip(!hasCorpus, NO_CORPUS);
    const doc = graphCase<{ response: { body: { value: Array<Record<string, unknown>> } } }>('place-list-1').response
      .body.value[0]!;
    const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
    const places = new TenantPlaces(directory, store.rooms, directory.getTenant('contoso.com')!.id);
    expect(places.rooms).toHaveLength(4);
    for (const room of places.rooms as unknown as Array<Record<string, unknown>>) {
      for (const [k, v] of Object.entries(doc)) {
        expect(room, `${String(room.displayName)}.${k}`).toHaveProperty(k);
        if (v !== null) expect(kind(room[k]), `${String(room.displayName)}.${k}`).toBe(kind(v));
      }
      expect(Object.keys(room.address as object).sort()).toEqual(Object.keys(doc.address as object).sort());
      expect(room.geoCoordinates).toMatchObject({ latitude: expect.any(Number), longitude: expect.any(Number) });
    }
  });

  it('gives each CSM a year of varied meetings around the clock', () => {
    const evs = store.listEvents(adele.id);
    expect(evs.length).toBeGreaterThan(150);
    const starts = evs.filter((e) => e.data.type === 'singleInstance').map((e) => e.startMs);
    expect(Math.min(...starts)).toBeLessThan(NOW - 150 * 86_400_000);
    expect(Math.max(...starts)).toBeGreaterThan(NOW + 150 * 86_400_000);
    expect(
      evs.some((e) => e.data.type === 'seriesMaster' && e.data.recurrence?.pattern?.type === 'relativeMonthly'),
    ).toBe(true);
    expect(evs.some((e) => e.data.isAllDay)).toBe(true);
    expect(evs.some((e) => e.data.onlineMeeting?.joinUrl)).toBe(true);
    expect(evs.some((e) => e.data.body?.content === `<html><head></head><body>${HOSTILE_HTML}</body></html>`)).toBe(
      true,
    );
    expect(evs.some((e) => (e.data.attendees ?? []).some((a) => a.status?.response === 'declined'))).toBe(true);
    expect(
      evs.some((e) => (e.data.attendees ?? []).some((a) => a.emailAddress?.address?.endsWith('@acmecorp.com'))),
    ).toBe(true);
    const zones = new Set(
      out.users
        .map((u) => directory.getUser(u)!)
        .filter((u) => store.hasMailbox(u.id))
        .map((u) => store.getSettings(u.id).timeZone),
    );
    expect(zones.size).toBeGreaterThanOrEqual(4);
  });

  it('includes series with exceptions and cancelled occurrences, and cancelled meeting copies', () => {
    const all = store
      .mailboxIds()
      .flatMap((id) => [
        ...store.listEvents(id),
        ...store.calendarView(id, null, NOW - 200 * 86_400_000, NOW + 200 * 86_400_000).map((i) => i.ev),
      ]);
    expect(all.some((e) => e.data.type === 'exception')).toBe(true);
    expect(all.some((e) => (e.cancelledStarts ?? []).length > 0)).toBe(true);
    expect(all.some((e) => e.data.isCancelled && e.data.subject?.startsWith('Canceled: '))).toBe(true);
  });

  it('shares some calendars between teammates', () => {
    const megan = directory.getUser('megan.bowen@contoso.com')!;
    expect(store.roleFor(adele.id, store.defaultCalendar(adele.id).id, megan)).toBe('read');
  });
});

describe('seedBulk', () => {
  it('adds exactly count events, spread over a year, visible in calendarView', () => {
    const { directory, store } = seeded();
    const megan = directory.getUser('megan.bowen@contoso.com')!;
    const before = store.eventCount(megan.id);
    seedBulk(store, megan.id, 2000, 9);
    expect(store.eventCount(megan.id)).toBe(before + 2000);
    const view = store.calendarView(megan.id, null, NOW - 200 * 86_400_000, NOW + 200 * 86_400_000);
    expect(view.filter((i) => i.ev.data.subject?.startsWith('Bulk event')).length).toBe(2000);
  });

  it('scale > 1 fills the first CSM mailbox', () => {
    const { directory, store } = seeded(1, 3);
    const adele = directory.getUser('adele.vance@contoso.com')!;
    expect(store.listEvents(adele.id).filter((e) => e.data.subject?.startsWith('Bulk event'))).toHaveLength(800);
  });
});
