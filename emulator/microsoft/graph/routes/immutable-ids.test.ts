// Event ids and moves between calendars: a default-format id changes when the event moves (the old one no longer
// resolves), an immutable id (Prefer: IdType="ImmutableId") stays; reads, lists, delta and notifications agree.
import type { FastifyInstance } from 'fastify';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MailboxStore } from '../store.js';
import { changeNotification, type SubscriptionRecord } from '../subscription-model.js';
import { buildTestApp, tokenFor } from '../testing.js';
import delta from './delta.js';
import events from './events.js';

const ADELE = 'a0000000-0000-4000-8000-000000000001';
const IMMUTABLE = { prefer: 'IdType="ImmutableId"' };
const auth = { authorization: tokenFor(ADELE) };

let app: FastifyInstance;
let store: MailboxStore;
let other: string;

beforeEach(async () => {
  ({ app, store } = await buildTestApp([events, delta]));
  other = store.createCalendar(ADELE, { name: 'Projects' }).id;
});

const get = (url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers: { ...auth, ...headers } });

async function create(headers: Record<string, string> = {}): Promise<string> {
  const r = await app.inject({
    method: 'POST',
    url: '/v1.0/me/events',
    headers: { ...auth, ...headers },
    payload: {
      subject: 'Planning',
      start: { dateTime: '2026-11-20T12:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-11-20T13:00:00', timeZone: 'UTC' },
    },
  });
  expect(r.statusCode).toBe(201);
  return r.json().id as string;
}

const WINDOW = 'startDateTime=2026-11-01T00:00:00Z&endDateTime=2026-12-01T00:00:00Z';

describe('ids of an event moved to another calendar', () => {
  it('change without the IdType preference: the old id is gone, the new one works', async () => {
    const id = await create();
    store.moveEvent(ADELE, id, other);
    expect((await get(`/v1.0/me/events/${id}`)).statusCode).toBe(404);
    const listed = (await get(`/v1.0/me/calendars/${other}/events`)).json().value as Array<{ id: string }>;
    expect(listed).toHaveLength(1);
    const moved = listed[0]!.id;
    expect(moved).not.toBe(id);
    const r = await get(`/v1.0/me/events/${moved}`);
    expect(r.statusCode).toBe(200);
    expect(r.json().id).toBe(moved);
    expect(r.headers['preference-applied']).toBeUndefined();
    // a second move changes it again
    store.moveEvent(ADELE, id, store.defaultCalendar(ADELE).id);
    expect((await get(`/v1.0/me/events/${moved}`)).statusCode).toBe(404);
  });

  it('stay with Prefer: IdType="ImmutableId", which Graph says it applied', async () => {
    const id = await create(IMMUTABLE);
    store.moveEvent(ADELE, id, other);
    const r = await get(`/v1.0/me/events/${id}`, IMMUTABLE);
    expect(r.statusCode).toBe(200);
    expect(r.json().id).toBe(id);
    expect(r.headers['preference-applied']).toBe('IdType="ImmutableId"');
    const listed = await get(`/v1.0/me/calendars/${other}/events`, IMMUTABLE);
    expect((listed.json().value as Array<{ id: string }>).map((e) => e.id)).toEqual([id]);
    expect(listed.headers['preference-applied']).toContain('IdType="ImmutableId"');
    const patched = await app.inject({
      method: 'PATCH',
      url: `/v1.0/me/events/${id}`,
      headers: { ...auth, ...IMMUTABLE },
      payload: { subject: 'Planning (moved)' },
    });
    expect(patched.json()).toMatchObject({ id, subject: 'Planning (moved)' });
  });

  it('in delta: the old calendar removes the id the client knew, the new one adds the event under its id', async () => {
    const id = await create();
    const home = store.defaultCalendar(ADELE).id;
    const start = async (cal: string, headers: Record<string, string>) => {
      const r = await get(`/v1.0/me/calendars/${cal}/calendarView/delta?${WINDOW}`, headers);
      return new URL(r.json()['@odata.deltaLink'] as string).pathname + new URL(r.json()['@odata.deltaLink']).search;
    };
    const links = {
      plainHome: await start(home, {}),
      plainOther: await start(other, {}),
      immutableOther: await start(other, IMMUTABLE),
    };
    store.moveEvent(ADELE, id, other);
    const removed = (await get(links.plainHome)).json().value as Array<{ id: string; '@removed'?: unknown }>;
    expect(removed).toEqual([expect.objectContaining({ id, '@removed': { reason: 'deleted' } })]);
    const added = (await get(links.plainOther)).json().value as Array<{ id: string }>;
    expect(added.map((e) => e.id)).toEqual([expect.not.stringMatching(id)]);
    const immutable = (await get(links.immutableOther, IMMUTABLE)).json().value as Array<{ id: string }>;
    expect(immutable.map((e) => e.id)).toEqual([id]);
  });

  it('in change notifications: immutable ids for a subscription created with the preference', () => {
    const sub = { id: 's1', expiresAt: 0, clientState: null, tenantId: 't' } as unknown as SubscriptionRecord;
    const change = {
      kind: 'event' as const,
      userId: ADELE,
      containerId: other,
      isDefaultContainer: false,
      itemId: 'AAMkA' + 'x'.repeat(62) + 'AAA=',
      changeType: 'created' as const,
      changeKey: 'ck',
      moves: 1,
    };
    const plain = changeNotification(sub, change);
    expect((plain.resourceData as { id: string }).id).not.toBe(change.itemId);
    const immutable = changeNotification({ ...sub, immutableIds: true }, change);
    expect((immutable.resourceData as { id: string }).id).toBe(change.itemId);
    expect(immutable.resource).toBe(`Users/${ADELE}/Events/${change.itemId}`);
  });
});
