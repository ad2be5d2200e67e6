// Calendar API v3 routes under /calendar/v3: calendarList, events CRUD (etag/If-Match), list/sync, instances,
// watch/channels.stop, freeBusy; plus the Admin SDK resource-calendar list for rooms.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import {
  badRequest,
  conditionNotMet,
  deleted,
  duplicate,
  forbidden,
  forbiddenForNonOrganizer,
  timeRangeEmpty,
  GoogleApiError,
  insufficientScopes,
  notFound,
  required,
  sendGoogleError,
  unauthorized,
} from './errors.js';
import type { GoogleFaults } from './faults.js';
import { listEvents, listInstances } from './list.js';
import type { GCalendar, GEvent, GUser } from './model.js';
import { SCOPE_PREFIX, type AccessToken, type OAuthState } from './oauth.js';
import { applyBody, eventJson, newEvent } from './serialize.js';
import { newEventId, isValidEventId, type GoogleStore } from './store.js';
import type { Channels } from './channels.js';

export interface CalendarDeps {
  store: GoogleStore;
  oauth: OAuthState;
  faults: GoogleFaults;
  channels: Channels;
  baseUrl: () => string;
}

type Q = Record<string, string | undefined>;
const READ = ['calendar', 'calendar.readonly', 'calendar.events', 'calendar.events.readonly'].map(
  (s) => SCOPE_PREFIX + s,
);
const WRITE = ['calendar', 'calendar.events'].map((s) => SCOPE_PREFIX + s);
/** Properties only the organizer may set (guests' copies refuse them). */
const SHARED = ['guestsCanInviteOthers', 'guestsCanModify', 'guestsCanSeeOtherGuests'] as const;
const FREEBUSY = [...READ, SCOPE_PREFIX + 'calendar.freebusy'];

declare module 'fastify' {
  interface FastifyRequest {
    googleToken?: AccessToken;
  }
}

function need(t: AccessToken, scopes: string[]): void {
  if (!t.scopes.some((s) => scopes.includes(s))) throw insufficientScopes();
}

function ownCalendar(deps: CalendarDeps, t: AccessToken, id: string): GCalendar {
  const cid = id === 'primary' ? t.user : decodeURIComponent(id).toLowerCase();
  const cal = deps.store.calendar(cid);
  if (!cal || cal.owner !== t.user) throw notFound();
  return cal;
}

function findEvent(cal: GCalendar, id: string): GEvent {
  const e = cal.events.get(id);
  if (e) return e;
  throw notFound();
}

/** Materialises an instance (`<master>_<stamp>`) as an exception when first touched. */
function eventOrInstance(deps: CalendarDeps, cal: GCalendar, id: string): GEvent {
  const found = cal.events.get(id);
  if (found) return found;
  const m = /^(.+)_(\d{8}(?:T\d{6}Z)?)$/.exec(id);
  const master = m ? cal.events.get(m[1]!) : undefined;
  if (!master?.recurrence || master.status === 'cancelled') throw notFound();
  const stamp = m![2]!;
  const at =
    stamp.length === 8
      ? DateTime.fromFormat(stamp, 'yyyyLLdd', { zone: master.start.timeZone ?? cal.timeZone })
      : DateTime.fromFormat(stamp, "yyyyLLdd'T'HHmmss'Z'", { zone: 'utc' });
  const inst = deps.store.instances(cal, master, at, at.plus({ minutes: 1 }), true).find((i) => i.id === id);
  if (!inst) throw notFound();
  return inst;
}

function checkIfMatch(deps: CalendarDeps, req: FastifyRequest, e: GEvent): void {
  const im = req.headers['if-match'];
  if (im && im !== '*' && im !== deps.store.etag(e)) throw conditionNotMet();
}

function user(deps: CalendarDeps, email: string): GUser {
  return deps.store.users.get(email)!;
}

async function writeEvent(
  deps: CalendarDeps,
  req: FastifyRequest,
  method: 'PUT' | 'PATCH',
): Promise<Record<string, unknown>> {
  const t = req.googleToken!;
  need(t, WRITE);
  const { calendarId, eventId } = req.params as { calendarId: string; eventId: string };
  const cal = ownCalendar(deps, t, calendarId);
  const current = eventOrInstance(deps, cal, eventId);
  if (current.status === 'cancelled' && !current.recurringEventId) throw deleted();
  checkIfMatch(deps, req, current);
  const q = req.query as Q;
  const owner = user(deps, cal.owner);
  const organizer = current.organizer.email.toLowerCase();
  const next = applyBody(structuredClone(current), (req.body ?? {}) as Record<string, unknown>, {
    supportsAttachments: q.supportsAttachments === 'true',
    organizer,
    users: deps.store.users,
    conferenceTypes: owner.conferenceTypes,
    conferenceDataVersion: Number(q.conferenceDataVersion ?? 0),
    replace: method === 'PUT',
  });
  const body = (req.body ?? {}) as Record<string, unknown>;
  if (organizer !== cal.owner && SHARED.some((k) => body[k] !== undefined && body[k] !== current[k]))
    throw forbiddenForNonOrganizer();
  if (organizer !== cal.owner) {
    // An attendee can change only their own response (and private properties); the rest is the organizer's.
    const mine = next.attendees?.find((a) => a.email.toLowerCase() === cal.owner);
    const updated = {
      ...current,
      attendees: current.attendees?.map((a) =>
        a.email.toLowerCase() === cal.owner && mine ? { ...a, responseStatus: mine.responseStatus } : a,
      ),
    };
    deps.store.put(cal, updated);
    const orgCal = deps.store.calendar(organizer);
    const orgEv = orgCal?.events.get(updated.id);
    if (orgCal && orgEv && mine)
      deps.store.put(orgCal, {
        ...orgEv,
        attendees: orgEv.attendees?.map((a) =>
          a.email.toLowerCase() === cal.owner ? { ...a, responseStatus: mine.responseStatus } : a,
        ),
      });
    return eventJson(deps.store, cal, updated);
  }
  next.sequence =
    current.sequence +
    (next.start.dateTime !== current.start.dateTime || next.start.date !== current.start.date ? 1 : 0);
  const saved = deps.store.put(cal, next);
  deps.store.fanOut(cal, saved);
  return eventJson(deps.store, cal, saved);
}

function freeBusy(deps: CalendarDeps, t: AccessToken, body: Record<string, unknown>) {
  if (!body.timeMin) throw required('timeMin');
  if (!body.timeMax) throw required('timeMax');
  const from = DateTime.fromISO(String(body.timeMin), { setZone: true });
  const to = DateTime.fromISO(String(body.timeMax), { setZone: true });
  if (!from.isValid || !to.isValid) throw badRequest('Bad Request');
  if (to <= from) throw timeRangeEmpty();
  const items = Array.isArray(body.items) ? (body.items as Array<{ id?: string }>) : [];
  if (items.length > 50) throw new GoogleApiError(400, 'tooManyCalendarsRequested', 'Too many calendars requested.');
  const zone =
    typeof body.timeZone === 'string' && DateTime.local().setZone(body.timeZone).isValid ? body.timeZone : 'UTC';
  const me = user(deps, t.user);
  const fmt = (ms: number) =>
    zone === 'UTC'
      ? new Date(ms).toISOString().replace('.000', '')
      : DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true });
  const calendars: Record<string, unknown> = {};
  for (const it of items) {
    const key = String(it.id ?? '');
    const cid = key === 'primary' ? t.user : key.toLowerCase();
    const target = deps.store.users.get(cid);
    const cal = deps.store.calendar(cid);
    const visible = target && cal && (target.domain === me.domain || cid === t.user);
    if (!visible) {
      calendars[key] = { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] };
      continue;
    }
    calendars[key] = { busy: deps.store.busy(cal, from, to).map((b) => ({ start: fmt(b.start), end: fmt(b.end) })) };
  }
  return { kind: 'calendar#freeBusy', timeMin: from.toUTC().toISO(), timeMax: to.toUTC().toISO(), calendars };
}

const ACCESS_ROLES = ['freeBusyReader', 'reader', 'writer', 'owner'];

function calendarListEntry(deps: CalendarDeps, cal: GCalendar, primary: boolean) {
  const u = user(deps, cal.owner);
  return {
    kind: 'calendar#calendarListEntry',
    etag: `"${cal.seq}"`,
    id: cal.id,
    summary: primary ? cal.id : u.name,
    timeZone: cal.timeZone,
    colorId: primary ? '14' : '7',
    backgroundColor: primary ? '#9fe1e7' : '#42d692',
    foregroundColor: '#000000',
    selected: true,
    accessRole: primary ? 'owner' : 'freeBusyReader',
    defaultReminders: primary ? [{ method: 'popup', minutes: 10 }] : [],
    ...(primary
      ? { notificationSettings: { notifications: [{ type: 'eventCreation', method: 'email' }] }, primary: true }
      : {}),
    conferenceProperties: { allowedConferenceSolutionTypes: u.conferenceTypes },
  };
}

export async function calendarRoutes(app: FastifyInstance, deps: CalendarDeps): Promise<void> {
  const { store } = deps;
  app.addHook('onRequest', async (req, reply) => {
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const t = token ? deps.oauth.lookup(token) : null;
    if (!t) return sendGoogleError(reply, unauthorized());
    req.googleToken = t;
    await deps.faults.delay();
    const fault = deps.faults.check(t.user);
    if (fault) {
      (req as FastifyRequest & { fault?: string }).fault = fault.kind;
      return sendGoogleError(reply, fault.error);
    }
  });
  app.setErrorHandler((err, _req, reply: FastifyReply) => {
    if (err instanceof GoogleApiError) return sendGoogleError(reply, err);
    if ((err as { statusCode?: number }).statusCode === 400) return sendGoogleError(reply, badRequest('Parse Error'));
    return sendGoogleError(reply, new GoogleApiError(500, 'backendError', 'Backend Error'));
  });

  app.get('/calendar/v3/users/me/calendarList', async (req) => {
    const t = req.googleToken!;
    need(t, FREEBUSY.concat(READ));
    const own = store.calendar(t.user)!;
    const me = user(deps, t.user);
    // Rooms are listed with freeBusyReader access; `minAccessRole` filters by the caller's role, as Google does.
    const min = ACCESS_ROLES.indexOf(String((req.query as Q).minAccessRole ?? 'freeBusyReader'));
    if (min < 0) throw badRequest('Invalid value for minAccessRole');
    const rooms =
      min > ACCESS_ROLES.indexOf('freeBusyReader')
        ? []
        : [...store.users.values()]
            .filter((u) => u.kind === 'room' && u.domain === me.domain)
            .map((u) => store.calendar(u.email)!);
    return {
      kind: 'calendar#calendarList',
      etag: `"${own.seq}"`,
      nextSyncToken: Buffer.from(`cl:${own.seq}`).toString('base64url'),
      items: [calendarListEntry(deps, own, true), ...rooms.map((r) => calendarListEntry(deps, r, false))],
    };
  });
  app.get('/calendar/v3/users/me/calendarList/:calendarId', async (req) => {
    const t = req.googleToken!;
    const id = (req.params as { calendarId: string }).calendarId;
    const cal = id === 'primary' ? store.calendar(t.user) : store.calendar(decodeURIComponent(id));
    if (!cal) throw notFound();
    return calendarListEntry(deps, cal, cal.owner === t.user);
  });

  app.get('/calendar/v3/calendars/:calendarId/events', async (req) => {
    const t = req.googleToken!;
    need(t, READ);
    return listEvents(store, ownCalendar(deps, t, (req.params as { calendarId: string }).calendarId), req.query as Q);
  });
  app.post('/calendar/v3/calendars/:calendarId/events', async (req) => {
    const t = req.googleToken!;
    need(t, WRITE);
    const cal = ownCalendar(deps, t, (req.params as { calendarId: string }).calendarId);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const q = req.query as Q;
    const id = body.id === undefined ? newEventId() : String(body.id);
    if (!isValidEventId(id)) throw badRequest('Invalid resource id value.');
    if (cal.events.has(id)) throw duplicate();
    const owner = user(deps, cal.owner);
    const ev = applyBody(newEvent(id, owner, store.now()), body, {
      supportsAttachments: q.supportsAttachments === 'true',
      organizer: cal.owner,
      users: store.users,
      conferenceTypes: owner.conferenceTypes,
      conferenceDataVersion: Number(q.conferenceDataVersion ?? 0),
      replace: true,
    });
    if (typeof body.iCalUID === 'string') ev.iCalUID = body.iCalUID;
    const saved = store.put(cal, ev);
    store.fanOut(cal, saved);
    return eventJson(store, cal, saved);
  });
  app.post('/calendar/v3/calendars/:calendarId/events/watch', async (req) => {
    const t = req.googleToken!;
    need(t, READ);
    const cal = ownCalendar(deps, t, (req.params as { calendarId: string }).calendarId);
    return deps.channels.watch(cal, t, (req.body ?? {}) as Record<string, unknown>, deps.baseUrl());
  });
  app.get('/calendar/v3/calendars/:calendarId/events/:eventId', async (req) => {
    const t = req.googleToken!;
    need(t, READ);
    const { calendarId, eventId } = req.params as { calendarId: string; eventId: string };
    const cal = ownCalendar(deps, t, calendarId);
    const e = eventOrInstance(deps, cal, eventId);
    return eventJson(store, cal, e);
  });
  app.get('/calendar/v3/calendars/:calendarId/events/:eventId/instances', async (req) => {
    const t = req.googleToken!;
    need(t, READ);
    const { calendarId, eventId } = req.params as { calendarId: string; eventId: string };
    const cal = ownCalendar(deps, t, calendarId);
    const master = findEvent(cal, eventId);
    if (!master.recurrence) throw badRequest('The event is not a recurring event.');
    if (master.status === 'cancelled') throw deleted();
    return listInstances(store, cal, master, req.query as Q);
  });
  app.put('/calendar/v3/calendars/:calendarId/events/:eventId', async (req) => writeEvent(deps, req, 'PUT'));
  app.patch('/calendar/v3/calendars/:calendarId/events/:eventId', async (req) => writeEvent(deps, req, 'PATCH'));
  app.delete('/calendar/v3/calendars/:calendarId/events/:eventId', async (req, reply) => {
    const t = req.googleToken!;
    need(t, WRITE);
    const { calendarId, eventId } = req.params as { calendarId: string; eventId: string };
    const cal = ownCalendar(deps, t, calendarId);
    const e = eventOrInstance(deps, cal, eventId);
    if (e.status === 'cancelled') throw deleted();
    checkIfMatch(deps, req, e);
    const gone = store.put(cal, { ...e, status: 'cancelled' });
    if (e.organizer.email.toLowerCase() === cal.owner) store.fanOut(cal, { ...gone, attendees: [] });
    return reply.code(204).send();
  });
  app.post('/calendar/v3/channels/stop', async (req, reply) => {
    const body = (req.body ?? {}) as { id?: string; resourceId?: string };
    if (!body.id) throw required('id');
    if (!body.resourceId) throw required('resourceId');
    if (!deps.channels.stop(body.id, body.resourceId, req.googleToken!.user)) throw notFound();
    return reply.code(204).send();
  });
  app.post('/calendar/v3/freeBusy', async (req) => {
    const t = req.googleToken!;
    need(t, FREEBUSY);
    return freeBusy(deps, t, (req.body ?? {}) as Record<string, unknown>);
  });
  app.get('/admin/directory/v1/customer/:customer/resources/calendars', async (req) => {
    const t = req.googleToken!;
    const me = user(deps, t.user);
    if (
      !t.scopes.includes(SCOPE_PREFIX + 'admin.directory.resource.calendar.readonly') &&
      !t.scopes.includes(SCOPE_PREFIX + 'calendar')
    )
      throw forbidden('Not Authorized to access this resource/api');
    const items = [...store.users.values()]
      .filter((u) => u.kind === 'room' && u.domain === me.domain)
      .map((u) => ({
        kind: 'admin#directory#resources#calendars#CalendarResource',
        etags: `"${u.email}"`,
        resourceId: u.email.split('@')[0],
        resourceName: u.name,
        resourceType: 'Conference room',
        resourceEmail: u.email,
        capacity: u.room?.capacity,
        buildingId: u.room?.building,
        floorName: u.room?.floor,
        resourceCategory: u.room?.category ?? 'CONFERENCE_ROOM',
        generatedResourceName: `${u.room?.building}-${u.room?.floor}-${u.name} (${u.room?.capacity})`,
      }));
    return { kind: 'admin#directory#resources#calendars#calendarResourcesList', etag: '"rooms"', items };
  });
}
