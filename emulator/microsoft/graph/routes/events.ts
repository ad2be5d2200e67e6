// Graph routes: events of a mailbox or calendar — list, create, get, update, delete, respond, cancel, instances.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GraphContext } from '../context.js';
import { readOptions, sendEventPage, extendedExpand } from '../collection.js';
import {
  calendarOr404,
  canUseCalendar,
  errors,
  resolveMailbox,
  type MailboxAccess,
  type Need,
} from '../mailbox-access.js';
import { cancelEvent, createEvent, deleteEvent, respond, updateEvent, type Response } from '../meetings.js';
import type { EventInstance } from '../model.js';
import { parsePrefer } from '../odata.js';
import { both, ifMatch, json, objectBody, param } from '../route-helpers.js';
import { eventsContext, renderEvent } from '../serialize.js';
import { readWindow } from '../window.js';
import { localToUtcMs, normaliseLocal } from '../time.js';
import type { TimeSlot } from '@microsoft/microsoft-graph-types';

/** Calendar prefixes under a user: all events, the default calendar, a given calendar. */
const SCOPES = [
  { path: '', cal: (_req: FastifyRequest): string | undefined | null => null },
  { path: '/calendar', cal: (_req: FastifyRequest): string | undefined | null => undefined },
  { path: '/calendars/:calendarId', cal: (req: FastifyRequest): string | undefined | null => param(req, 'calendarId') },
];

function findInstance(
  ctx: GraphContext,
  acc: MailboxAccess,
  req: FastifyRequest,
  calScope: string | undefined | null,
  need: Need,
): EventInstance {
  const scoped = calScope === null ? null : calendarOr404(ctx, acc, calScope, 'read');
  const { immutableIds } = parsePrefer(req.headers.prefer);
  const inst = ctx.store.resolveInstance(acc.owner.id, param(req, 'eventId'), { immutableIds });
  if (!inst || (scoped && scoped.id !== inst.ev.calendarId)) throw errors.itemNotFound();
  const cal = ctx.store.getCalendar(acc.owner.id, inst.ev.calendarId)!;
  if (!canUseCalendar(ctx, acc, cal, need)) throw errors.denied();
  return inst;
}

/**
 * Sends one event. Writes (POST 201, PATCH) answer in the event's own zone unless a Prefer zone is given,
 * like Exchange; reads answer in UTC (or the Prefer zone) and carry the calendar navigation links.
 */
function sendOne(
  ctx: GraphContext,
  req: FastifyRequest,
  reply: FastifyReply,
  acc: MailboxAccess,
  inst: EventInstance,
  status: number,
  write = false,
): FastifyReply {
  const { q, prefs } = readOptions(req);
  const label = inst.ev.data.start?.timeZone ?? 'UTC';
  const zonePrefs = write && !prefs.timeZone ? { ...prefs, timeZone: { label, iana: inst.ev.zone } } : prefs;
  const body: Record<string, unknown> = {
    '@odata.context': eventsContext(ctx.baseUrl(), acc.userSegment, acc.owner.id, q.select, true),
    ...renderEvent(inst, { prefs: zonePrefs, select: q.select, extendedIds: extendedExpand(q.expand) }),
  };
  if (!write) {
    const cal = `${ctx.baseUrl()}/v1.0/users('${acc.owner.id}')/calendars('${encodeURIComponent(inst.ev.calendarId)}')`;
    body['calendar@odata.associationLink'] = `${cal}/$ref`;
    body['calendar@odata.navigationLink'] = cal;
  }
  const applied = prefs.applied(['timezone', 'body', 'idtype']);
  if (applied) void reply.header('Preference-Applied', applied);
  if (status === 201)
    void reply.header('Location', `${ctx.baseUrl()}/v1.0/users('${acc.owner.id}')/events('${String(body.id)}')`);
  return json(reply, status, body);
}

/** A proposedNewTime body value (Graph accepts PascalCase keys here) normalised to a timeSlot. */
function readProposal(v: unknown): TimeSlot | undefined {
  if (v == null) return undefined;
  const o = v as Record<string, Record<string, unknown> | undefined>;
  const side = (x: Record<string, unknown> | undefined) => {
    const dateTime = x?.dateTime ?? x?.DateTime;
    const timeZone = x?.timeZone ?? x?.TimeZone ?? 'UTC';
    if (typeof dateTime !== 'string' || typeof timeZone !== 'string')
      throw errors.badRequest("Invalid value for parameter 'ProposedNewTime'.");
    localToUtcMs(dateTime, timeZone);
    return { dateTime: normaliseLocal(dateTime), timeZone };
  };
  return { start: side(o.start ?? o.Start), end: side(o.end ?? o.End) };
}

export default async function eventRoutes(app: FastifyInstance, ctx: GraphContext): Promise<void> {
  for (const scope of SCOPES) {
    both(app, 'GET', `${scope.path}/events`, async (req, reply, user) => {
      const acc = await resolveMailbox(ctx, req, user, 'read');
      const calScope = scope.cal(req);
      const cals =
        calScope === null
          ? ctx.store.listCalendars(acc.owner.id).filter((c) => canUseCalendar(ctx, acc, c, 'read'))
          : [calendarOr404(ctx, acc, calScope, 'read')];
      if (cals.length === 0) throw errors.denied();
      const ids = new Set(cals.map((c) => c.id));
      const st = ctx.store.syncState(acc.owner.id);
      const { q } = readOptions(req);
      return sendEventPage(ctx, req, reply, {
        cacheKey: `events|${acc.owner.id}|${[...ids].join(',')}|${st.seq}|${st.epoch}`,
        // without $orderby: most recently created first
        compute: () =>
          ctx.store
            .listEvents(acc.owner.id)
            .filter((e) => ids.has(e.calendarId))
            .map((ev) => ({ ev, startMs: ev.startMs, endMs: ev.endMs }))
            .reverse(),
        context: eventsContext(ctx.baseUrl(), acc.userSegment, acc.owner.id, q.select, false),
      });
    });

    both(app, 'POST', `${scope.path}/events`, async (req, reply, user) => {
      const acc = await resolveMailbox(ctx, req, user, 'write');
      const calScope = scope.cal(req);
      const cal = calendarOr404(ctx, acc, calScope === null ? undefined : calScope, 'write');
      const { event } = createEvent(ctx.store, acc.owner, cal.id, objectBody(req));
      return sendOne(ctx, req, reply, acc, { ev: event, startMs: event.startMs, endMs: event.endMs }, 201, true);
    });

    both(app, 'GET', `${scope.path}/events/:eventId`, async (req, reply, user) => {
      const acc = await resolveMailbox(ctx, req, user, 'read');
      return sendOne(ctx, req, reply, acc, findInstance(ctx, acc, req, scope.cal(req), 'read'), 200);
    });

    both(app, 'PATCH', `${scope.path}/events/:eventId`, async (req, reply, user) => {
      const acc = await resolveMailbox(ctx, req, user, 'write');
      const inst = findInstance(ctx, acc, req, scope.cal(req), 'write');
      const ev = updateEvent(ctx.store, acc.owner, inst, objectBody(req), ifMatch(req));
      return sendOne(ctx, req, reply, acc, { ev, startMs: ev.startMs, endMs: ev.endMs }, 200, true);
    });

    both(app, 'DELETE', `${scope.path}/events/:eventId`, async (req, reply, user) => {
      const acc = await resolveMailbox(ctx, req, user, 'write');
      deleteEvent(ctx.store, findInstance(ctx, acc, req, scope.cal(req), 'write'), ifMatch(req));
      return reply.status(204).send();
    });

    for (const action of ['forward', 'dismissReminder', 'snoozeReminder'] as const) {
      both(app, 'POST', `${scope.path}/events/:eventId/${action}`, async (req, reply, user) => {
        const acc = await resolveMailbox(ctx, req, user, action === 'forward' ? 'read' : 'write');
        findInstance(ctx, acc, req, scope.cal(req), action === 'forward' ? 'read' : 'write');
        const body = (req.body ?? {}) as Record<string, unknown>;
        if (action === 'forward') {
          const to = body.ToRecipients ?? body.toRecipients;
          if (!Array.isArray(to) || to.length === 0)
            throw errors.badRequest('At least one recipient is required.', 'ErrorInvalidRecipients');
          return reply.status(202).send();
        }
        if (action === 'snoozeReminder' && !(body.NewReminderTime ?? body.newReminderTime))
          throw errors.badRequest("The parameter 'NewReminderTime' is required.", 'ErrorInvalidParameter');
        return reply.status(200).send();
      });
    }

    for (const action of ['accept', 'decline', 'tentativelyAccept', 'cancel'] as const) {
      both(app, 'POST', `${scope.path}/events/:eventId/${action}`, async (req, reply, user) => {
        const acc = await resolveMailbox(ctx, req, user, 'write');
        const inst = findInstance(ctx, acc, req, scope.cal(req), 'write');
        const body = (req.body ?? {}) as Record<string, unknown>;
        if (body.comment !== undefined && typeof body.comment !== 'string')
          throw errors.badRequest("Invalid value for parameter 'Comment'.");
        if (action === 'cancel') cancelEvent(ctx.store, inst);
        else {
          const map: Record<string, Response> = {
            accept: 'accepted',
            decline: 'declined',
            tentativelyAccept: 'tentativelyAccepted',
          };
          respond(ctx.store, acc.owner, inst, map[action]!, readProposal(body.proposedNewTime ?? body.ProposedNewTime));
        }
        return reply.status(202).send();
      });
    }

    both(app, 'GET', `${scope.path}/events/:eventId/instances`, async (req, reply, user) => {
      const acc = await resolveMailbox(ctx, req, user, 'read');
      const inst = findInstance(ctx, acc, req, scope.cal(req), 'read');
      const { startMs, endMs } = readWindow(req);
      if (inst.ev.data.type !== 'seriesMaster' || inst.occurrence)
        throw errors.badRequest('The specified event is not a recurring series master.', 'ErrorInvalidRequest');
      const st = ctx.store.syncState(acc.owner.id);
      const { q } = readOptions(req);
      return sendEventPage(ctx, req, reply, {
        cacheKey: `instances|${acc.owner.id}|${inst.ev.data.id}|${startMs}|${endMs}|${st.seq}|${st.epoch}`,
        compute: () => ctx.store.instances(acc.owner.id, inst.ev.data.id!, startMs, endMs),
        context: `${ctx.baseUrl()}/v1.0/$metadata#users('${acc.owner.id}')/events('${encodeURIComponent(inst.ev.data.id!)}')/instances${q.select ? `(${q.select.join(',')})` : ''}`,
      });
    });
  }
}
