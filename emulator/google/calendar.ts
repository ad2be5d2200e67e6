// Calendar API v3 routes under /calendar/v3: calendarList, calendars (secondary calendars), acl (sharing), events
// CRUD (etag/If-Match) on any calendar the caller may use, list/sync, instances, watch/channels.stop, freeBusy;
// plus the Admin SDK resource-calendar list for rooms.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import {
  badRequest,
  conditionNotMet,
  deleted,
  duplicate,
  requiredAccessLevel,
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
import { listEvents, listInstances, maxAttendeesOf } from './list.js';
import { ACCESS_ROLES, type AccessRole, type GCalendar, type GEvent, type GUser, type ListPref } from './model.js';
import { SCOPE_PREFIX, type AccessToken, type OAuthState } from './oauth.js';
import { applyBody, conferenceAfterRead, eventJson, newEvent } from './serialize.js';
import { SETTINGS_SCOPES, settingsOf, settingsRoutes } from './settings.js';
import { COLORS, colorsRoutes } from './colors.js';
import { GoogleStore, newEventId, isValidEventId } from './store.js';
import type { Channels } from './channels.js';
import { calendarListPage } from './list-sync.js';
import { checkParams } from './params.js';

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
/** freebusy.query: the read scopes of the Calendar v3 discovery document (not calendar.events or events.readonly). */
const FREEBUSY = ['calendar', 'calendar.readonly', 'calendar.freebusy', 'calendar.events.freebusy'].map(
  (s) => SCOPE_PREFIX + s,
);
/** calendarList.list / get (discovery document): calendar.events alone does not list calendars. */
const CALENDAR_LIST = ['calendar', 'calendar.readonly', 'calendar.calendarlist', 'calendar.calendarlist.readonly'].map(
  (s) => SCOPE_PREFIX + s,
);
const CALENDARS = ['calendar', 'calendar.calendars'].map((s) => SCOPE_PREFIX + s);
const ACLS = ['calendar', 'calendar.acls'].map((s) => SCOPE_PREFIX + s);

declare module 'fastify' {
  interface FastifyRequest {
    googleToken?: AccessToken;
  }
}

function need(t: AccessToken, scopes: string[]): void {
  if (!t.scopes.some((s) => scopes.includes(s))) throw insufficientScopes();
}

/**
 * The calendar `id` names (`primary`: the caller's own), checked for `need`. A calendar the caller cannot read
 * (no rule, or free/busy only) is 404, as Google hides it; one it can read but not change is 403 requiredAccessLevel.
 */
function calendarFor(deps: CalendarDeps, t: AccessToken, id: string, need: 'reader' | 'writer' | 'owner'): GCalendar {
  const cid = id === 'primary' ? t.user : decodeURIComponent(id).toLowerCase();
  const cal = deps.store.calendar(cid);
  const role = cal ? deps.store.roleOf(cal, t.user) : 'none';
  if (!cal || !GoogleStore.atLeast(role, 'reader')) throw notFound();
  if (!GoogleStore.atLeast(role, need)) throw requiredAccessLevel(need === 'owner' ? 'owner' : 'writer');
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

/**
 * Conditional retrieval (the version-resources guide): the resource's ETag header, and true (answer 304 without a
 * body) when If-None-Match names its current etag.
 */
function notModified(req: FastifyRequest, reply: FastifyReply, etag: string): boolean {
  void reply.header('etag', etag);
  const inm = req.headers['if-none-match'];
  if (!inm) return false;
  const tags = inm.split(',').map((x) => x.trim().replace(/^W\//, ''));
  return tags.includes('*') || tags.includes(etag);
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
  const cal = calendarFor(deps, t, calendarId, 'writer');
  const found = eventOrInstance(deps, cal, eventId);
  const body0 = (req.body ?? {}) as Record<string, unknown>;
  // A deleted event can only be restored (undeleted): by its own calendar, writing status confirmed or tentative.
  const restore = found.deletedHere === true && (body0.status === 'confirmed' || body0.status === 'tentative');
  if (found.status === 'cancelled' && !found.recurringEventId && !restore) throw deleted();
  const current: GEvent = restore ? { ...found, deletedHere: undefined } : found;
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
    conference: deps.faults.config.conference,
  });
  const body = (req.body ?? {}) as Record<string, unknown>;
  if (organizer !== cal.id && SHARED.some((k) => body[k] !== undefined && body[k] !== current[k]))
    throw forbiddenForNonOrganizer();
  if (organizer !== cal.id) {
    // An attendee can change only their own response (and private properties); the rest is the organizer's.
    const mine = next.attendees?.find((a) => a.email.toLowerCase() === cal.id);
    const updated = {
      ...current,
      attendees: current.attendees?.map((a) =>
        a.email.toLowerCase() === cal.id && mine ? { ...a, responseStatus: mine.responseStatus } : a,
      ),
    };
    deps.store.put(cal, updated);
    const orgCal = deps.store.calendar(organizer);
    // An instance answered by an attendee is materialised in the organizer's calendar too (same instance id there).
    let orgEv = orgCal?.events.get(updated.id);
    if (orgCal && !orgEv && updated.recurringEventId) {
      try {
        orgEv = eventOrInstance(deps, orgCal, updated.id);
      } catch {
        orgEv = undefined;
      }
    }
    if (orgCal && orgEv && mine)
      deps.store.put(orgCal, {
        ...orgEv,
        attendees: orgEv.attendees?.map((a) =>
          a.email.toLowerCase() === cal.id ? { ...a, responseStatus: mine.responseStatus } : a,
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
    // People and rooms of the caller's domain, and any calendar shared with the caller (free/busy or more).
    const visible =
      cal &&
      ((target && (target.domain === me.domain || cid === t.user)) ||
        GoogleStore.atLeast(deps.store.roleOf(cal, t.user), 'freeBusyReader'));
    if (!visible) {
      calendars[key] = { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] };
      continue;
    }
    calendars[key] = { busy: deps.store.busy(cal, from, to).map((b) => ({ start: fmt(b.start), end: fmt(b.end) })) };
  }
  return { kind: 'calendar#freeBusy', timeMin: from.toUTC().toISO(), timeMax: to.toUTC().toISO(), calendars };
}

/** The caller's calendarList entry for `cal` (its role decides accessRole; only the own primary is `primary`). */
/** What changes a calendar list entry for its user: their role and their own settings (not calendar properties). */
function entryVersion(role: AccessRole, pref: ListPref): string {
  return createHash('sha1')
    .update(JSON.stringify([role, pref]))
    .digest('base64url')
    .slice(0, 16);
}

function calendarListEntry(deps: CalendarDeps, cal: GCalendar, role: AccessRole, caller: string) {
  const u = user(deps, cal.owner);
  const primary = cal.primary && cal.owner === caller;
  const rooms = u.kind === 'room';
  const pref = deps.store.listPref(caller, cal.id);
  const colorId = pref.colorId ?? (primary ? '14' : '7');
  const summary = primary ? cal.id : cal.primary ? u.name : cal.summary;
  const etag = createHash('sha1')
    .update(JSON.stringify([entryVersion(role, pref), summary, cal.timeZone, cal.description ?? null]))
    .digest('hex')
    .slice(0, 16);
  return {
    kind: 'calendar#calendarListEntry',
    etag: `"${etag}"`,
    id: cal.id,
    summary,
    ...(pref.summaryOverride !== undefined ? { summaryOverride: pref.summaryOverride } : {}),
    ...(cal.description !== undefined ? { description: cal.description } : {}),
    timeZone: cal.timeZone,
    colorId,
    backgroundColor: COLORS.calendar[colorId]?.background ?? '#42d692',
    foregroundColor: '#000000',
    ...(pref.hidden ? { hidden: true } : {}),
    ...((pref.selected ?? !pref.hidden) ? { selected: true } : {}),
    accessRole: role,
    defaultReminders: pref.defaultReminders ?? (primary ? [{ method: 'popup', minutes: 10 }] : []),
    ...(primary
      ? { notificationSettings: { notifications: [{ type: 'eventCreation', method: 'email' }] }, primary: true }
      : {}),
    conferenceProperties: { allowedConferenceSolutionTypes: rooms ? [] : u.conferenceTypes },
  };
}

/**
 * The calendars on the caller's list with the caller's role: their own (primary and secondary), those shared with
 * them by an ACL rule (a Workspace user's list gains a calendar shared within the domain), and the domain's rooms.
 */
function calendarListOf(deps: CalendarDeps, caller: string): Array<{ cal: GCalendar; role: AccessRole }> {
  const me = user(deps, caller);
  const out: Array<{ cal: GCalendar; role: AccessRole }> = [];
  for (const cal of deps.store.calendars.values()) {
    const owner = deps.store.users.get(cal.owner);
    const pref = deps.store.listPref(caller, cal.id);
    // calendarList.delete takes an entry off the list; calendarList.insert puts a calendar the user may see on it.
    const listed =
      !pref.removed &&
      (cal.owner === caller ||
        cal.acl.has(`user:${caller}`) ||
        (owner?.kind === 'room' && owner.domain === me.domain) ||
        pref.inserted === true);
    const role = deps.store.roleOf(cal, caller);
    if (listed && role !== 'none') out.push({ cal, role: owner?.kind === 'room' ? 'freeBusyReader' : role });
  }
  const rank = (x: { cal: GCalendar }) => (x.cal.owner === caller ? (x.cal.primary ? 0 : 1) : 2);
  return out.sort((a, b) => rank(a) - rank(b));
}

function aclRule(cal: GCalendar, key: string, role: AccessRole) {
  const value = key.slice('user:'.length);
  return {
    kind: 'calendar#aclRule',
    etag: `"${cal.seq}"`,
    id: key,
    scope: { type: 'user', value },
    role,
  };
}

export async function calendarRoutes(app: FastifyInstance, deps: CalendarDeps): Promise<void> {
  const { store } = deps;
  app.addHook('onRequest', async (req, reply) => {
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const t = token ? deps.oauth.lookup(token) : null;
    if (!t) return sendGoogleError(reply, unauthorized(req.headers.authorization === undefined));
    req.googleToken = t;
    await deps.faults.delay();
    const fault = deps.faults.check(t.user);
    if (fault) {
      (req as FastifyRequest & { fault?: string }).fault = fault.kind;
      return sendGoogleError(reply, fault.error);
    }
  });
  // Enumerations and ranges of the discovery document, checked before the method (400 invalidParameter).
  app.addHook('preHandler', async (req) => checkParams(req.method, req.routeOptions.url, req.query));
  app.setErrorHandler((err, _req, reply: FastifyReply) => {
    if (err instanceof GoogleApiError) return sendGoogleError(reply, err);
    if ((err as { statusCode?: number }).statusCode === 400) return sendGoogleError(reply, badRequest('Parse Error'));
    return sendGoogleError(reply, new GoogleApiError(500, 'backendError', 'Backend Error'));
  });

  app.get('/calendar/v3/users/me/calendarList', async (req, reply) => {
    const t = req.googleToken!;
    need(t, CALENDAR_LIST);
    const own = store.calendar(t.user)!;
    // minAccessRole filters by the caller's role (rooms are freeBusyReader); a syncToken gives the entries changed since.
    const all = calendarListOf(deps, t.user);
    const page = calendarListPage(
      req.query as Q,
      t.user,
      own.generation,
      all.map((x) => {
        const pref = store.listPref(t.user, x.cal.id);
        return { id: x.cal.id, role: x.role, version: entryVersion(x.role, pref), hidden: pref.hidden === true };
      }),
    );
    const byId = new Map(all.map((x) => [x.cal.id, x]));
    const etag = `"${createHash('sha1')
      .update(JSON.stringify(all.map((x) => calendarListEntry(deps, x.cal, x.role, t.user).etag)))
      .digest('hex')
      .slice(0, 16)}"`;
    if (notModified(req, reply, etag)) return reply.code(304).send();
    return {
      kind: 'calendar#calendarList',
      etag,
      ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : { nextSyncToken: page.nextSyncToken }),
      items: page.items.map((x) => {
        const entry = byId.get(x.id);
        return entry && !x.deleted
          ? calendarListEntry(deps, entry.cal, entry.role, t.user)
          : { kind: 'calendar#calendarListEntry', etag, id: x.id, deleted: true };
      }),
    };
  });
  app.get('/calendar/v3/users/me/calendarList/:calendarId', async (req, reply) => {
    const t = req.googleToken!;
    need(t, CALENDAR_LIST);
    const id = (req.params as { calendarId: string }).calendarId;
    const cid = id === 'primary' ? t.user : decodeURIComponent(id).toLowerCase();
    const entry = calendarListOf(deps, t.user).find((x) => x.cal.id === cid);
    if (!entry) throw notFound();
    const json = calendarListEntry(deps, entry.cal, entry.role, t.user);
    if (notModified(req, reply, json.etag)) return reply.code(304).send();
    return json;
  });

  // calendarList insert, patch, update and delete: the caller's own settings of their list (the calendar is unchanged).
  const listEntryOf = (t: AccessToken, id: string) => {
    const cid = id === 'primary' ? t.user : decodeURIComponent(id).toLowerCase();
    const entry = calendarListOf(deps, t.user).find((x) => x.cal.id === cid);
    if (!entry) throw notFound();
    return entry;
  };
  const writePref = (t: AccessToken, calId: string, body: Record<string, unknown>, base: ListPref): ListPref => {
    const next: ListPref = { ...base };
    if (body.summaryOverride !== undefined) {
      if (body.summaryOverride !== null && typeof body.summaryOverride !== 'string')
        throw badRequest('Invalid value for summaryOverride');
      next.summaryOverride = body.summaryOverride ?? undefined;
    }
    if (body.colorId !== undefined) {
      if (typeof body.colorId !== 'string' || !COLORS.calendar[body.colorId]) throw badRequest('Invalid color id.');
      next.colorId = body.colorId;
    }
    for (const k of ['hidden', 'selected'] as const)
      if (body[k] !== undefined) {
        if (typeof body[k] !== 'boolean') throw badRequest(`Invalid value for ${k}`);
        next[k] = body[k] as boolean;
      }
    if (body.defaultReminders !== undefined) {
      const r = body.defaultReminders as Array<{ method?: unknown; minutes?: unknown }>;
      if (
        !Array.isArray(r) ||
        r.some((x) => !['email', 'popup'].includes(String(x?.method)) || !Number.isInteger(x?.minutes))
      )
        throw badRequest('Invalid value for defaultReminders');
      next.defaultReminders = r.map((x) => ({ method: String(x.method), minutes: Number(x.minutes) }));
    }
    store.setListPref(t.user, calId, next);
    return next;
  };
  const CALENDAR_LIST_WRITE = ['calendar', 'calendar.calendarlist'].map((x) => SCOPE_PREFIX + x);
  app.post('/calendar/v3/users/me/calendarList', async (req) => {
    const t = req.googleToken!;
    need(t, CALENDAR_LIST_WRITE);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body.id !== 'string' || body.id === '') throw required('id');
    const cal = store.calendar(body.id.toLowerCase());
    const role = cal ? store.roleOf(cal, t.user) : 'none';
    if (!cal || role === 'none') throw notFound();
    const base = store.listPref(t.user, cal.id);
    writePref(t, cal.id, body, { ...base, inserted: true, removed: undefined });
    const entry = listEntryOf(t, cal.id);
    return calendarListEntry(deps, entry.cal, entry.role, t.user);
  });
  const updateEntry = async (req: FastifyRequest, replace: boolean) => {
    const t = req.googleToken!;
    need(t, CALENDAR_LIST_WRITE);
    const entry = listEntryOf(t, (req.params as { calendarId: string }).calendarId);
    const base = store.listPref(t.user, entry.cal.id);
    const kept: ListPref = { inserted: base.inserted };
    writePref(t, entry.cal.id, (req.body ?? {}) as Record<string, unknown>, replace ? kept : base);
    return calendarListEntry(deps, entry.cal, entry.role, t.user);
  };
  app.patch('/calendar/v3/users/me/calendarList/:calendarId', async (req) => updateEntry(req, false));
  app.put('/calendar/v3/users/me/calendarList/:calendarId', async (req) => updateEntry(req, true));
  app.delete('/calendar/v3/users/me/calendarList/:calendarId', async (req, reply) => {
    const t = req.googleToken!;
    need(t, CALENDAR_LIST_WRITE);
    const entry = listEntryOf(t, (req.params as { calendarId: string }).calendarId);
    // The primary calendar cannot leave its owner's list.
    if (entry.cal.primary && entry.cal.owner === t.user)
      throw badRequest('The primary calendar cannot be removed from the calendar list.');
    store.setListPref(t.user, entry.cal.id, { removed: true });
    return reply.code(204).send();
  });

  // calendarList.watch and settings.watch: channels on the caller's list or settings; after every request the watched
  // collections are compared with what their channels last saw, and a change is an `exists` message.
  const listSnapshot = (who: string) =>
    JSON.stringify(
      calendarListOf(deps, who).map((x) => [x.cal.id, entryVersion(x.role, store.listPref(who, x.cal.id))]),
    );
  const settingsSnapshot = (who: string) => {
    const u = store.users.get(who);
    return u ? JSON.stringify(settingsOf(u)) : null;
  };
  app.post('/calendar/v3/users/me/calendarList/watch', async (req) => {
    const t = req.googleToken!;
    need(t, CALENDAR_LIST);
    const body = (req.body ?? {}) as Record<string, unknown>;
    return deps.channels.watchCollection('calendarList', t, body, deps.baseUrl(), listSnapshot(t.user));
  });
  app.post('/calendar/v3/users/me/settings/watch', async (req) => {
    const t = req.googleToken!;
    need(t, SETTINGS_SCOPES);
    const body = (req.body ?? {}) as Record<string, unknown>;
    return deps.channels.watchCollection('settings', t, body, deps.baseUrl(), settingsSnapshot(t.user) ?? '');
  });
  // Before the answer goes out (onSend), so a client sees the message no later than the answer of its change.
  app.addHook('onSend', async (_req, _reply, payload) => {
    deps.channels.recheck((ch) => (ch.kind === 'settings' ? settingsSnapshot(ch.owner) : listSnapshot(ch.owner)));
    return payload;
  });

  // calendars: secondary calendars of the caller (the caller owns what it creates).
  const calendarJson = (cal: GCalendar) => ({
    kind: 'calendar#calendar',
    etag: `"${cal.seq}"`,
    id: cal.id,
    summary: cal.primary ? cal.id : cal.summary,
    ...(cal.description !== undefined ? { description: cal.description } : {}),
    ...(cal.location !== undefined ? { location: cal.location } : {}),
    timeZone: cal.timeZone,
    conferenceProperties: { allowedConferenceSolutionTypes: user(deps, cal.owner).conferenceTypes },
  });
  // calendars.patch / update: the calendar's own properties, by its owner (update replaces: summary is required).
  // The primary calendar's time zone is its owner's (settings `timezone` follows it).
  const writeCalendar = (req: FastifyRequest, replace: boolean) => {
    const t = req.googleToken!;
    need(t, CALENDARS);
    const cal = calendarFor(deps, t, (req.params as { calendarId: string }).calendarId, 'owner');
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (replace && (typeof body.summary !== 'string' || body.summary === '')) throw required('summary');
    for (const k of ['summary', 'description', 'location', 'timeZone'] as const)
      if (body[k] !== undefined && typeof body[k] !== 'string') throw badRequest(`Invalid value for ${k}`);
    if (typeof body.timeZone === 'string' && !DateTime.local().setZone(body.timeZone).isValid)
      throw badRequest('Invalid time zone definition.');
    if (typeof body.summary === 'string' && body.summary !== '') cal.summary = body.summary;
    for (const k of ['description', 'location'] as const)
      if (typeof body[k] === 'string') cal[k] = body[k] as string;
      else if (replace) cal[k] = undefined;
    if (typeof body.timeZone === 'string') {
      cal.timeZone = body.timeZone;
      const owner = store.users.get(cal.owner);
      if (cal.primary && owner) owner.timeZone = body.timeZone;
    }
    cal.seq++;
    return calendarJson(cal);
  };
  app.patch('/calendar/v3/calendars/:calendarId', async (req) => writeCalendar(req, false));
  app.put('/calendar/v3/calendars/:calendarId', async (req) => writeCalendar(req, true));
  // calendars.clear: deletes every event of a primary calendar (its owner only); invitations sent are cancelled.
  app.post('/calendar/v3/calendars/:calendarId/clear', async (req, reply) => {
    const t = req.googleToken!;
    need(t, CALENDARS);
    const cal = calendarFor(deps, t, (req.params as { calendarId: string }).calendarId, 'owner');
    if (!cal.primary) throw badRequest('Only a primary calendar can be cleared; delete a secondary calendar instead.');
    for (const e of [...cal.events.values()]) {
      if (e.status === 'cancelled') continue;
      const gone = store.put(cal, { ...e, status: 'cancelled', ...(e.recurringEventId ? {} : { deletedHere: true }) });
      if (!e.recurringEventId && e.organizer.email.toLowerCase() === cal.id)
        store.fanOut(cal, { ...gone, attendees: [] });
    }
    return reply.code(204).send();
  });
  app.post('/calendar/v3/calendars', async (req) => {
    const t = req.googleToken!;
    need(t, CALENDARS);
    const body = (req.body ?? {}) as { summary?: unknown; timeZone?: unknown; description?: unknown };
    if (typeof body.summary !== 'string' || body.summary === '') throw required('summary');
    if (
      body.timeZone !== undefined &&
      (typeof body.timeZone !== 'string' || !DateTime.local().setZone(body.timeZone).isValid)
    )
      throw badRequest('Invalid time zone definition.');
    const cal = store.createCalendar(
      t.user,
      body.summary,
      body.timeZone as string | undefined,
      typeof body.description === 'string' ? body.description : undefined,
    );
    return calendarJson(cal);
  });
  app.get('/calendar/v3/calendars/:calendarId', async (req, reply) => {
    const t = req.googleToken!;
    need(t, READ.concat(CALENDARS));
    const json = calendarJson(calendarFor(deps, t, (req.params as { calendarId: string }).calendarId, 'reader'));
    if (notModified(req, reply, json.etag)) return reply.code(304).send();
    return json;
  });
  app.delete('/calendar/v3/calendars/:calendarId', async (req, reply) => {
    const t = req.googleToken!;
    need(t, CALENDARS);
    const cal = calendarFor(deps, t, (req.params as { calendarId: string }).calendarId, 'owner');
    // A primary calendar cannot be deleted (calendars.clear empties it instead).
    if (cal.primary) throw badRequest('The primary calendar cannot be deleted.');
    store.calendars.delete(cal.id);
    deps.channels.gone(cal.id);
    return reply.code(204).send();
  });

  // acl: sharing a calendar with a user (writers may read the rules; only owners change them).
  app.get('/calendar/v3/calendars/:calendarId/acl', async (req) => {
    const t = req.googleToken!;
    need(t, ACLS.concat(SCOPE_PREFIX + 'calendar.acls.readonly'));
    const cal = calendarFor(deps, t, (req.params as { calendarId: string }).calendarId, 'writer');
    return {
      kind: 'calendar#acl',
      etag: `"${cal.seq}"`,
      nextSyncToken: Buffer.from(`acl:${cal.seq}`).toString('base64url'),
      items: [
        aclRule(cal, `user:${cal.owner}`, 'owner'),
        ...[...cal.acl.entries()].map(([k, role]) => aclRule(cal, k, role)),
      ],
    };
  });
  app.post('/calendar/v3/calendars/:calendarId/acl', async (req) => {
    const t = req.googleToken!;
    need(t, ACLS);
    const cal = calendarFor(deps, t, (req.params as { calendarId: string }).calendarId, 'owner');
    const body = (req.body ?? {}) as { role?: unknown; scope?: { type?: unknown; value?: unknown } };
    if (typeof body.role !== 'string' || !ACCESS_ROLES.includes(body.role as AccessRole)) throw required('role');
    if (!body.scope || typeof body.scope.type !== 'string') throw required('scope');
    if (body.scope.type !== 'user') throw badRequest('The emulator models ACL rules for users only (scope.type user).');
    if (typeof body.scope.value !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(body.scope.value))
      throw required('scope.value');
    const who = body.scope.value.toLowerCase();
    const key = `user:${who}`;
    const role = body.role as AccessRole;
    if (who !== cal.owner) {
      if (role === 'none') cal.acl.delete(key);
      else cal.acl.set(key, role);
    }
    return aclRule(cal, key, who === cal.owner ? 'owner' : role);
  });
  app.delete('/calendar/v3/calendars/:calendarId/acl/:ruleId', async (req, reply) => {
    const t = req.googleToken!;
    need(t, ACLS);
    const { calendarId, ruleId } = req.params as { calendarId: string; ruleId: string };
    const cal = calendarFor(deps, t, calendarId, 'owner');
    if (!cal.acl.delete(decodeURIComponent(ruleId).toLowerCase())) throw notFound();
    return reply.code(204).send();
  });

  app.get('/calendar/v3/calendars/:calendarId/events', async (req, reply) => {
    const t = req.googleToken!;
    need(t, READ);
    const cal = calendarFor(deps, t, (req.params as { calendarId: string }).calendarId, 'reader');
    const json = listEvents(store, cal, req.query as Q, store.roleOf(cal, t.user));
    if (notModified(req, reply, String(json.etag))) return reply.code(304).send();
    return json;
  });
  app.post('/calendar/v3/calendars/:calendarId/events', async (req) => {
    const t = req.googleToken!;
    need(t, WRITE);
    const cal = calendarFor(deps, t, (req.params as { calendarId: string }).calendarId, 'writer');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const q = req.query as Q;
    const id = body.id === undefined ? newEventId() : String(body.id);
    if (!isValidEventId(id)) throw badRequest('Invalid resource id value.');
    if (cal.events.has(id)) throw duplicate();
    const owner = user(deps, cal.owner);
    const shell = newEvent(id, owner, store.now());
    // The calendar organizes its events (a secondary calendar by its own id); the caller is the creator.
    shell.organizer = cal.primary ? shell.organizer : { email: cal.id, displayName: cal.summary };
    const me = user(deps, t.user);
    shell.creator = { email: me.email, displayName: me.name };
    const ev = applyBody(shell, body, {
      supportsAttachments: q.supportsAttachments === 'true',
      organizer: cal.id,
      users: store.users,
      conferenceTypes: owner.conferenceTypes,
      conferenceDataVersion: Number(q.conferenceDataVersion ?? 0),
      replace: true,
      conference: deps.faults.config.conference,
    });
    if (typeof body.iCalUID === 'string') ev.iCalUID = body.iCalUID;
    const saved = store.put(cal, ev);
    store.fanOut(cal, saved);
    return eventJson(store, cal, saved);
  });
  app.post('/calendar/v3/calendars/:calendarId/events/watch', async (req) => {
    const t = req.googleToken!;
    need(t, READ);
    const cal = calendarFor(deps, t, (req.params as { calendarId: string }).calendarId, 'reader');
    return deps.channels.watch(cal, t, (req.body ?? {}) as Record<string, unknown>, deps.baseUrl());
  });
  app.get('/calendar/v3/calendars/:calendarId/events/:eventId', async (req, reply) => {
    const t = req.googleToken!;
    need(t, READ);
    const { calendarId, eventId } = req.params as { calendarId: string; eventId: string };
    const cal = calendarFor(deps, t, calendarId, 'reader');
    const e = eventOrInstance(deps, cal, eventId);
    // A conference still being created finishes after the configured number of reads (then the event changes).
    const settled = conferenceAfterRead(e);
    let current = e;
    if (settled) {
      current = store.put(cal, settled);
      if (current.organizer.email.toLowerCase() === cal.id) store.fanOut(cal, current);
    }
    const json = eventJson(store, cal, current, { maxAttendees: maxAttendeesOf(req.query as Q) });
    if (notModified(req, reply, String(json.etag))) return reply.code(304).send();
    return json;
  });
  app.get('/calendar/v3/calendars/:calendarId/events/:eventId/instances', async (req) => {
    const t = req.googleToken!;
    need(t, READ);
    const { calendarId, eventId } = req.params as { calendarId: string; eventId: string };
    const cal = calendarFor(deps, t, calendarId, 'reader');
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
    const cal = calendarFor(deps, t, calendarId, 'writer');
    const e = eventOrInstance(deps, cal, eventId);
    // An event deleted before answers 410 Gone (reason `deleted`); one this calendar never had answers 404.
    if (e.status === 'cancelled') throw deleted();
    checkIfMatch(deps, req, e);
    const gone = store.put(cal, { ...e, status: 'cancelled', ...(e.recurringEventId ? {} : { deletedHere: true }) });
    if (e.organizer.email.toLowerCase() === cal.id) store.fanOut(cal, { ...gone, attendees: [] });
    return reply.code(204).send();
  });
  // events.move: the event changes calendar and organizer (same id); only whole events, not instances, can move.
  // The source keeps an attendee copy when its calendar is invited, else a cancelled event with only its id.
  app.post('/calendar/v3/calendars/:calendarId/events/:eventId/move', async (req) => {
    const t = req.googleToken!;
    need(t, WRITE);
    const { calendarId, eventId } = req.params as { calendarId: string; eventId: string };
    const destination = (req.query as Q).destination;
    if (!destination)
      throw new GoogleApiError(400, 'required', 'Required parameter: destination', {
        location: 'destination',
        locationType: 'parameter',
      });
    const from = calendarFor(deps, t, calendarId, 'writer');
    const e = from.events.get(eventId);
    if (!e && /^.+_\d{8}(T\d{6}Z)?$/.test(eventId))
      throw new GoogleApiError(400, 'cannotChangeOrganizerOfInstance', 'Cannot change the organizer of an instance.', {
        domain: 'calendar',
      });
    if (!e) throw notFound();
    if (e.recurringEventId)
      throw new GoogleApiError(400, 'cannotChangeOrganizerOfInstance', 'Cannot change the organizer of an instance.', {
        domain: 'calendar',
      });
    if (e.status === 'cancelled') throw deleted();
    const to = calendarFor(deps, t, destination, 'writer');
    if (to.id === from.id) return eventJson(store, from, e);
    const there = to.events.get(e.id);
    if (there && there.status !== 'cancelled') throw duplicate();
    const organizer = to.primary
      ? { email: to.id, displayName: user(deps, to.owner).name }
      : { email: to.id, displayName: to.summary };
    const exceptions = [...from.events.values()].filter((x) => x.recurringEventId === e.id);
    const moved = store.put(to, { ...structuredClone(e), organizer, deletedHere: undefined });
    for (const x of exceptions) store.put(to, { ...structuredClone(x), organizer });
    const invited = (e.attendees ?? []).some((a) => a.email.toLowerCase() === from.id);
    for (const x of [e, ...exceptions])
      store.put(from, invited ? { ...x, organizer } : { ...x, status: 'cancelled', deletedHere: undefined });
    store.fanOut(to, moved);
    return eventJson(store, to, moved);
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
  await settingsRoutes(app, deps);
  await colorsRoutes(app);
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
