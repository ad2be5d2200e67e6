// Places API and findRooms over HTTP (app.inject, fake authenticate), shapes checked against the conformance corpus.
import { describe, expect, it } from 'vitest';
import { corpusAvailable, graphCase, NO_CORPUS } from '../../../conformance/corpus.js';
import type { RoomInfo } from '../model.js';
import { buildTestApp, TENANT, tokenFor } from '../testing.js';
import placesRoutes from './places.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const corpus = (id: string) => graphCase<Json>(id);
// The tests that compare with the shared corpus skip without it (saying so once, failing under CI).
const hasCorpus = corpusAvailable(
  'graph-conformance',
  'Places routes against the documented room shapes (emulator/microsoft/graph/routes/places.test.ts, 3 tests)',
);

const ADELE = 'a0000000-0000-4000-8000-000000000001';
const RAINIER = 'a0000000-0000-4000-8000-000000000005';
const PLACES = ['Place.Read.All'];

function info(userId: string, email: string, name: string, over: Partial<RoomInfo>): RoomInfo {
  return {
    userId,
    emailAddress: email,
    displayName: name,
    capacity: 8,
    building: 'B1',
    floorNumber: 1,
    floorLabel: '1st',
    city: 'Seattle',
    countryOrRegion: 'US',
    isWheelChairAccessible: true,
    audioDeviceName: null,
    videoDeviceName: null,
    displayDeviceName: 'Surface Hub',
    tags: ['whiteboard'],
    roomList: 'building1rooms@contoso.com',
    ...over,
  };
}

async function setup(extraRooms = 0) {
  const t = await buildTestApp([placesRoutes]);
  const add = (id: string, mail: string, name: string, over: Partial<RoomInfo>) => {
    if (!t.directory.users.has(id)) {
      t.directory.addUser({
        id,
        tenantId: TENANT,
        userPrincipalName: mail,
        mail,
        displayName: name,
        givenName: null,
        surname: null,
        jobTitle: null,
        kind: 'room',
        mailbox: 'exchangeOnline',
        password: 'x',
      });
      t.store.ensureMailbox(t.directory.users.get(id)!);
    }
    t.store.rooms.set(id, info(id, mail, name, over));
  };
  add(RAINIER, 'rainier@contoso.com', 'Conf Room Rainier', { capacity: 12 });
  add('c0000000-0000-4000-8000-000000000001', 'hood@contoso.com', 'Conf Room Hood', {
    capacity: 4,
    building: 'B2',
    roomList: 'building2rooms@contoso.com',
  });
  add('c0000000-0000-4000-8000-000000000002', 'baker@contoso.com', 'Conf Room Baker', { capacity: 20 });
  for (let i = 0; i < extraRooms; i++) {
    add(
      `d0000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      `extra${i}@contoso.com`,
      `Extra ${String(i).padStart(3, '0')}`,
      { roomList: null },
    );
  }
  const get = (url: string, scopes = PLACES) =>
    t.app.inject({ method: 'GET', url, headers: { authorization: tokenFor(ADELE, scopes) } });
  return { ...t, get };
}

const keys = (o: Json) =>
  Object.keys(o)
    .filter((k) => !k.startsWith('@odata'))
    .sort();

describe('Places API', () => {
  it('lists rooms in the documented room shape', async ({ skip }) => {
    skip(!hasCorpus, NO_CORPUS);
    const { get } = await setup();
    const res = await get('/v1.0/places/microsoft.graph.room');
    expect(res.statusCode).toBe(200);
    const body = res.json() as Json;
    const doc = corpus('place-list-contrib-3').response.body.value[0] as Json;
    expect(body['@odata.context'].split('$metadata')[1]).toBe(
      corpus('place-list-1').response.body['@odata.context'].split('$metadata')[1],
    );
    expect(body.value.map((r: Json) => r.displayName)).toEqual([
      'Conf Room Baker',
      'Conf Room Hood',
      'Conf Room Rainier',
    ]);
    // Every property the newer example shows, plus those only the list-all-rooms example shows (isManaged, displayDevice).
    const older = corpus('place-list-1').response.body.value[0] as Json;
    const documented = [...new Set([...keys(doc), ...keys(older)])].sort();
    for (const r of body.value as Json[]) expect(keys(r)).toEqual(documented);
    expect(body.value[2]).toMatchObject({
      id: RAINIER,
      emailAddress: 'rainier@contoso.com',
      capacity: 12,
      building: 'B1',
      bookingType: 'standard',
    });
  });

  it('lists room lists, their rooms, and gets a place by id or email', async ({ skip }) => {
    skip(!hasCorpus, NO_CORPUS);
    const { get } = await setup();
    const lists = (await get('/v1.0/places/microsoft.graph.roomlist')).json() as Json;
    const docList = corpus('place-get-contrib-2').response.body as Json;
    expect(lists.value.map((l: Json) => l.emailAddress)).toEqual([
      'building1rooms@contoso.com',
      'building2rooms@contoso.com',
    ]);
    for (const l of lists.value as Json[]) expect(keys(l)).toEqual(keys(docList));
    const rooms = (await get('/v1.0/places/building1rooms@contoso.com/microsoft.graph.roomlist/rooms')).json() as Json;
    expect(rooms['@odata.context']).toMatch(
      /places\('building1rooms%40contoso\.com'\)\/microsoft\.graph\.roomList\/rooms$/,
    );
    expect(rooms.value.map((r: Json) => r.emailAddress).sort()).toEqual(['baker@contoso.com', 'rainier@contoso.com']);
    const byId = (await get(`/v1.0/places/${lists.value[1].id}/microsoft.graph.roomList/rooms`)).json() as Json;
    expect(byId.value.map((r: Json) => r.emailAddress)).toEqual(['hood@contoso.com']);
    const list = (await get('/v1.0/places/building2rooms@contoso.com')).json() as Json;
    expect(list['@odata.type']).toBe(docList['@odata.type']);
    expect(list['@odata.context'].split('$metadata')[1]).toBe(docList['@odata.context'].split('$metadata')[1]);
    const room = (await get(`/v1.0/places/${RAINIER}`)).json() as Json;
    expect(room['@odata.type']).toBe('#microsoft.graph.room');
    expect((await get('/v1.0/places/hood@contoso.com')).json()).toMatchObject({ displayName: 'Conf Room Hood' });
    expect((await get('/v1.0/places/nowhere@contoso.com')).statusCode).toBe(404);
    expect((await get('/v1.0/places/nowhere@contoso.com/microsoft.graph.roomlist/rooms')).statusCode).toBe(404);
  });

  it('supports $filter and $top with a nextLink', async () => {
    const { get } = await setup();
    const big = (
      await get("/v1.0/places/microsoft.graph.room?$filter=capacity ge 10 and building eq 'B1'")
    ).json() as Json;
    expect(big.value.map((r: Json) => r.displayName)).toEqual(['Conf Room Baker', 'Conf Room Rainier']);
    expect((await get('/v1.0/places/microsoft.graph.room?$filter=capacity lt 5')).json().value).toHaveLength(1);
    expect((await get('/v1.0/places/microsoft.graph.room?$filter=startswith(displayName,%27C%27)')).statusCode).toBe(
      400,
    );
    expect((await get('/v1.0/places/microsoft.graph.room?$top=x')).statusCode).toBe(400);
    const first = (await get('/v1.0/places/microsoft.graph.room?$top=2')).json() as Json;
    expect(first.value).toHaveLength(2);
    const next = new URL(first['@odata.nextLink'] as string);
    const second = (await get(`${next.pathname}${next.search}`)).json() as Json;
    expect(second.value.map((r: Json) => r.displayName)).toEqual(['Conf Room Rainier']);
    expect(second['@odata.nextLink']).toBeUndefined();
  });

  it('passes optional metadata (coordinates, street address, phone, label) through when the room has it', async ({
    skip,
  }) => {
    skip(!hasCorpus, NO_CORPUS);
    const t = await setup();
    const doc = corpus('place-list-1').response.body.value[0] as Json;
    const extras = {
      geoCoordinates: doc.geoCoordinates,
      street: doc.address.street,
      state: doc.address.state,
      postalCode: doc.address.postalCode,
      phone: doc.phone,
      label: doc.label,
    };
    Object.assign(t.store.rooms.get(RAINIER)!, extras);
    const room = (await t.get(`/v1.0/places/${RAINIER}`)).json() as Json;
    expect(room.geoCoordinates).toEqual({
      ...doc.geoCoordinates,
      accuracy: null,
      altitude: null,
      altitudeAccuracy: null,
    });
    expect(room.address).toEqual({ ...doc.address, city: 'Seattle', countryOrRegion: 'US' });
    expect(room).toMatchObject({ phone: doc.phone, label: doc.label });
    const plain = (await t.get('/v1.0/places/hood@contoso.com')).json() as Json;
    expect(plain).toMatchObject({ geoCoordinates: null, phone: '', label: null });
  });

  it('needs Place.Read.All', async () => {
    const { get } = await setup();
    const res = await get('/v1.0/places/microsoft.graph.room', ['Calendars.Read']);
    expect(res.statusCode).toBe(403);
    expect((res.json() as Json).error.code).toBe('ErrorAccessDenied');
  });
});

describe('findRooms and findRoomLists', () => {
  it('returns email addresses, at most 100 rooms, optionally for one room list', async () => {
    const { get } = await setup(105);
    const all = (await get('/v1.0/me/findRooms', ['User.ReadBasic.All'])).json() as Json;
    expect(all['@odata.context']).toMatch(/Collection\(microsoft\.graph\.emailAddress\)$/);
    expect(all.value).toHaveLength(100);
    expect(Object.keys(all.value[0]).sort()).toEqual(['address', 'name']);
    const one = (
      await get("/v1.0/me/findRooms(RoomList='building2rooms@contoso.com')", ['User.ReadBasic.All'])
    ).json() as Json;
    expect(one.value).toEqual([{ name: 'Conf Room Hood', address: 'hood@contoso.com' }]);
    const lists = (await get('/v1.0/me/findRoomLists', ['User.ReadBasic.All'])).json() as Json;
    expect(lists.value.map((l: Json) => l.address)).toEqual([
      'building1rooms@contoso.com',
      'building2rooms@contoso.com',
    ]);
    expect((await get('/v1.0/me/findRooms', ['Calendars.Read'])).statusCode).toBe(403);
    const none = (
      await get("/v1.0/me/findRooms(RoomList='nowhere@contoso.com')", ['User.ReadBasic.All'])
    ).json() as Json;
    expect(none.value).toEqual([]);
    expect((await get('/v1.0/me/findRooms(nonsense)', ['User.ReadBasic.All'])).statusCode).toBe(400);
  });
});
