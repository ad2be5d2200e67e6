// Graph Places API (rooms, room lists) and the older /me/findRooms and /me/findRoomLists functions.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../../contracts.js';
import type { GraphContext } from '../context.js';
import { GraphHttpError } from '../errors.js';
import { requireScope } from '../freebusy-source.js';
import { placeFilter, TenantPlaces, type GraphRoom } from '../places-model.js';
import { graphHandler } from '../scheduling-http.js';

const PAGE = 100;
const FIND_ROOMS_CAP = 100;
const PLACE_SCOPES = ['Place.Read.All'];
const FIND_ROOMS_SCOPES = ['User.ReadBasic.All', 'User.Read.All', 'Place.Read.All'];

interface PageQuery {
  $top?: string;
  $skip?: string;
  $filter?: string;
  $select?: string;
  $count?: string;
}

/** Properties a room or room list has (what `$select` may name). */
const PLACE_PROPERTIES = new Set([
  'id',
  'displayName',
  'address',
  'geoCoordinates',
  'phone',
  'emailAddress',
  'nickname',
  'building',
  'floorNumber',
  'floorLabel',
  'label',
  'capacity',
  'bookingType',
  'audioDeviceName',
  'videoDeviceName',
  'displayDeviceName',
  'displayDevice',
  'isManaged',
  'isWheelChairAccessible',
  'tags',
]);

/** The `$select` list of a request (null without one); an unknown property is a 400, as in Graph. */
function selection(req: FastifyRequest): string[] | null {
  const raw = (req.query as PageQuery).$select;
  if (raw === undefined || raw.trim() === '') return null;
  const names = raw
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  for (const n of names) {
    const known = [...PLACE_PROPERTIES].find((p) => p.toLowerCase() === n.toLowerCase());
    if (!known)
      throw new GraphHttpError(
        400,
        'RequestBroker--ParseUri',
        `Could not find a property named '${n}' on type 'microsoft.graph.place'.`,
      );
  }
  return names.map((n) => [...PLACE_PROPERTIES].find((p) => p.toLowerCase() === n.toLowerCase())!);
}

/** An item reduced to the selected properties (its id is always kept). */
function project<T extends object>(item: T, select: string[] | null): Partial<T> {
  if (!select) return item;
  const src = item as Record<string, unknown>;
  const out: Record<string, unknown> = { id: src.id };
  for (const k of select) if (k in src) out[k] = src[k];
  return out as Partial<T>;
}

/** `…#places/microsoft.graph.room` with the `$select` list appended as Graph does: `…room(displayName,phone)`. */
function selectedContext(context: string, select: string[] | null): string {
  return select ? `${context}(${select.join(',')})` : context;
}

function intParam(v: string | undefined, name: string, dflt: number, max: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v)) throw new GraphHttpError(400, 'BadRequest', `Invalid value '${v}' for query option ${name}.`);
  return Math.min(Number(v), max);
}

/**
 * Answers a list: `@odata.context` (with the `$select` list), `@odata.count` for `$count=true` (the count of
 * every matching place, not of the page), then `$filter`, `$skip`, `$top` and `$select` applied to the items,
 * and an `@odata.nextLink` when more remain.
 */
function page<T extends object>(
  ctx: GraphContext,
  req: FastifyRequest,
  context: string,
  items: T[],
): Record<string, unknown> {
  const q = req.query as PageQuery;
  const select = selection(req);
  if (q.$count !== undefined && q.$count !== 'true' && q.$count !== 'false')
    throw new GraphHttpError(400, 'BadRequest', `Invalid value '${q.$count}' for query option '$count'.`);
  const filtered = q.$filter ? items.filter(placeFilter(q.$filter)) : items;
  const top = intParam(q.$top, '$top', PAGE, 999);
  const skip = intParam(q.$skip, '$skip', 0, Number.MAX_SAFE_INTEGER);
  const out: Record<string, unknown> = { '@odata.context': selectedContext(context, select) };
  if (q.$count === 'true') out['@odata.count'] = filtered.length;
  out.value = filtered.slice(skip, skip + top).map((i) => project(i, select));
  if (skip + top >= filtered.length) return out;
  const url = new URL(`${ctx.baseUrl()}${req.url}`);
  url.searchParams.set('$skip', String(skip + top));
  url.searchParams.set('$top', String(top));
  out['@odata.nextLink'] = url.toString();
  return out;
}

async function placesFor(
  ctx: GraphContext,
  req: FastifyRequest,
  scopes: string[],
): Promise<{ p: Principal; places: TenantPlaces }> {
  const p = await ctx.authenticate(req.headers.authorization);
  requireScope(p, scopes);
  return { p, places: new TenantPlaces(ctx.directory, ctx.store.rooms, p.tenantId) };
}

function notFound(id: string): GraphHttpError {
  return new GraphHttpError(404, 'ErrorItemNotFound', `The place '${id}' was not found.`);
}

export default async function placesRoutes(app: FastifyInstance, ctx: GraphContext): Promise<void> {
  const meta = () => `${ctx.baseUrl()}/v1.0/$metadata`;

  const listRooms = graphHandler(async (req, reply) => {
    const { places } = await placesFor(ctx, req, PLACE_SCOPES);
    return reply.send(page(ctx, req, `${meta()}#places/microsoft.graph.room`, places.rooms));
  });
  const listRoomLists = graphHandler(async (req, reply) => {
    const { places } = await placesFor(ctx, req, PLACE_SCOPES);
    return reply.send(page(ctx, req, `${meta()}#places/microsoft.graph.roomList`, places.roomLists));
  });
  const roomsOfList = graphHandler(async (req, reply) => {
    const { places } = await placesFor(ctx, req, PLACE_SCOPES);
    const id = (req.params as { id: string }).id;
    const rooms = places.roomsOf(id);
    if (!rooms) throw notFound(id);
    const context = `${meta()}#places('${encodeURIComponent(id)}')/microsoft.graph.roomList/rooms`;
    return reply.send(page(ctx, req, context, rooms));
  });
  const getPlace = graphHandler(async (req, reply) => {
    const { places } = await placesFor(ctx, req, PLACE_SCOPES);
    const id = (req.params as { id: string }).id;
    const select = selection(req);
    const context = select ? `${meta()}#places(${select.join(',')})/$entity` : `${meta()}#places/$entity`;
    const room = places.findRoom(id);
    if (room)
      return reply.send({
        '@odata.context': context,
        '@odata.type': '#microsoft.graph.room',
        ...project(room, select),
      });
    const list = places.findList(id);
    if (list)
      return reply.send({
        '@odata.context': context,
        '@odata.type': '#microsoft.graph.roomList',
        ...project(list, select),
      });
    throw notFound(id);
  });

  // The router matches segments without regard to case (microsoft.graph.roomlist, microsoft.graph.roomList).
  app.get('/places/microsoft.graph.room', listRooms);
  app.get('/places/microsoft.graph.roomList', listRoomLists);
  app.get('/places/:id/microsoft.graph.roomList/rooms', roomsOfList);
  app.get('/places/:id', getPlace);

  const emailOf = (r: { displayName: string; emailAddress: string }) => ({
    name: r.displayName,
    address: r.emailAddress,
  });
  const findRooms = graphHandler(async (req, reply) => {
    const { p, places } = await placesFor(ctx, req, FIND_ROOMS_SCOPES);
    if (p.kind !== 'delegated')
      throw new GraphHttpError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
    const path = decodeURIComponent(req.url.split('?')[0]!);
    const m = /findRooms\(RoomList='((?:[^']|'')*)'\)$/i.exec(path);
    if (!m && /findRooms\(/i.test(path))
      throw new GraphHttpError(400, 'BadRequest', "Expected findRooms(RoomList='address').");
    const rooms: GraphRoom[] = m ? (places.roomsOf(m[1]!.replace(/''/g, "'")) ?? []) : places.rooms;
    const value = rooms.slice(0, FIND_ROOMS_CAP).map(emailOf);
    return reply.send({ '@odata.context': `${meta()}#Collection(microsoft.graph.emailAddress)`, value });
  });
  app.get('/me/findRooms', findRooms);
  app.get('/me/findRooms(*', findRooms);
  app.get(
    '/me/findRoomLists',
    graphHandler(async (req, reply) => {
      const { p, places } = await placesFor(ctx, req, FIND_ROOMS_SCOPES);
      if (p.kind !== 'delegated')
        throw new GraphHttpError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
      return reply.send({
        '@odata.context': `${meta()}#Collection(microsoft.graph.emailAddress)`,
        value: places.roomLists.map(emailOf),
      });
    }),
  );
}
