// The page cache is per store: two emulators with the same seed in one process never see each other's pages.
import { describe, expect, it } from 'vitest';
import { seededBytes } from './ids.js';
import events from './routes/events.js';
import { buildTestApp, tokenFor } from './testing.js';

const ADELE = 'a0000000-0000-4000-8000-000000000001';

/** A test app with one event called `subject` (ids drawn from seed 7). */
async function seededApp(subject: string) {
  const t = await buildTestApp([events]);
  t.store.idBytes = seededBytes(7);
  const created = await t.app.inject({
    method: 'POST',
    url: '/v1.0/me/events',
    headers: { authorization: tokenFor(ADELE) },
    payload: {
      subject,
      start: { dateTime: '2026-11-20T12:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-11-20T13:00:00', timeZone: 'UTC' },
    },
  });
  expect(created.statusCode).toBe(201);
  return t;
}

const page = async (t: Awaited<ReturnType<typeof seededApp>>, url: string) =>
  (await t.app.inject({ method: 'GET', url, headers: { authorization: tokenFor(ADELE) } })).json() as {
    value: Array<{ id: string; subject: string }>;
  };

describe('sendEventPage cache', () => {
  it('keeps the pages of two stores with the same seeded contents apart', async () => {
    const a = await seededApp('only in A');
    const b = await buildTestApp([events]);
    // Both stores load the same snapshot (as two same-seed emulators would hold), except for one subject.
    const snapshot = a.store.toJSON();
    const forB = structuredClone(snapshot);
    forB.mailboxes.find((m) => m.userId === ADELE)!.events[0]!.data.subject = 'only in B';
    a.store.load(structuredClone(snapshot));
    b.store.load(forB);
    expect(b.store.syncState(ADELE)).toEqual(a.store.syncState(ADELE));
    const listA = await page(a, '/v1.0/me/events');
    const listB = await page(b, '/v1.0/me/events');
    // Same ids, same mailbox sequence and epoch: only the store tells the two pages apart.
    expect(listB.value.map((e) => e.id)).toEqual(listA.value.map((e) => e.id));
    expect(listA.value.map((e) => e.subject)).toEqual(['only in A']);
    expect(listB.value.map((e) => e.subject)).toEqual(['only in B']);
    expect((await page(a, '/v1.0/me/events')).value.map((e) => e.subject)).toEqual(['only in A']);
  });

  it('serves a reloaded store from its new contents, not from pages cached before the load', async () => {
    const a = await seededApp('before');
    const snapshot = structuredClone(a.store.toJSON());
    expect((await page(a, '/v1.0/me/events')).value.map((e) => e.subject)).toEqual(['before']);
    snapshot.mailboxes.find((m) => m.userId === ADELE)!.events[0]!.data.subject = 'after';
    a.store.load(snapshot);
    expect((await page(a, '/v1.0/me/events')).value.map((e) => e.subject)).toEqual(['after']);
  });
});
