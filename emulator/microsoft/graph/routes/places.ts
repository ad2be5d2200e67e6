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
}

function intParam(v: string | undefined, name: string, dflt: number, max: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v)) throw new GraphHttpError(400, 'BadRequest', `Invalid value '${v}' for query option ${name}.`);
  return Math.min(Number(v), max);
}

/** Applies $filter, $skip and $top; adds an @odata.nextLink when more remain. */
function page<T extends object>(
  ctx: GraphContext,
  req: FastifyRequest,
  items: T[],
): { value: T[]; '@odata.nextLink'?: string } {
  const q = req.query as PageQuery;
  const filtered = q.$filter ? items.filter(placeFilter(q.$filter)) : items;
  const top = intParam(q.$top, '$top', PAGE, 999);
  const skip = intParam(q.$skip, '$skip', 0, Number.MAX_SAFE_INTEGER);
  const value = filtered.slice(skip, skip + top);
  if (skip + top >= filtered.length) return { value };
  const url = new URL(`${ctx.baseUrl()}${req.url}`);
  url.searchParams.set('$skip', String(skip + top));
  url.searchParams.set('$top', String(top));
  return { value, '@odata.nextLink': url.toString() };
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
    return reply.send({ '@odata.context': `${meta()}#places/microsoft.graph.room`, ...page(ctx, req, places.rooms) });
  });
  const listRoomLists = graphHandler(async (req, reply) => {
    const { places } = await placesFor(ctx, req, PLACE_SCOPES);
    return reply.send({
      '@odata.context': `${meta()}#places/microsoft.graph.roomList`,
      ...page(ctx, req, places.roomLists),
    });
  });
  const roomsOfList = graphHandler(async (req, reply) => {
    const { places } = await placesFor(ctx, req, PLACE_SCOPES);
    const id = (req.params as { id: string }).id;
    const rooms = places.roomsOf(id);
    if (!rooms) throw notFound(id);
    const context = `${meta()}#places('${encodeURIComponent(id)}')/microsoft.graph.roomList/rooms`;
    return reply.send({ '@odata.context': context, ...page(ctx, req, rooms) });
  });
  const getPlace = graphHandler(async (req, reply) => {
    const { places } = await placesFor(ctx, req, PLACE_SCOPES);
    const id = (req.params as { id: string }).id;
    const room = places.findRoom(id);
    if (room)
      return reply.send({
        '@odata.context': `${meta()}#places/$entity`,
        '@odata.type': '#microsoft.graph.room',
        ...room,
      });
    const list = places.findList(id);
    if (list)
      return reply.send({
        '@odata.context': `${meta()}#places/$entity`,
        '@odata.type': '#microsoft.graph.roomList',
        ...list,
      });
    throw notFound(id);
  });

  for (const suffix of ['room', 'Room']) app.get(`/places/microsoft.graph.${suffix}`, listRooms);
  for (const suffix of ['roomlist', 'roomList', 'RoomList']) {
    app.get(`/places/microsoft.graph.${suffix}`, listRoomLists);
    app.get(`/places/:id/microsoft.graph.${suffix}/rooms`, roomsOfList);
  }
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
