// Graph scheduling actions: calendar/getSchedule (free/busy of users and rooms) and findMeetingTimes.
import type { FastifyInstance } from 'fastify';
import type { EmuUser, Principal } from '../../contracts.js';
import type { GraphContext } from '../context.js';
import { GraphHttpError } from '../errors.js';
import { busyItems, pathUser, requireScope, resolveTarget, workingHoursOf } from '../freebusy-source.js';
import { availabilityView, type BusyItem } from '../scheduling.js';
import { findMeetingTimes } from '../find-meeting-times.js';
import { graphHandler, instantOf, preferredZone } from '../scheduling-http.js';
import { toDateTimeTimeZone } from '../time.js';

const MAX_SCHEDULES = 20;
const MAX_DAYS = 62;
const DAY = 86_400_000;

interface ScheduleBody {
  schedules?: unknown;
  startTime?: unknown;
  endTime?: unknown;
  availabilityViewInterval?: unknown;
}

/** The action's parameters by name without regard to case (the free/busy guide sends `Schedules`, `StartTime`). */
function parameters(raw: unknown): ScheduleBody | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const names: Array<keyof ScheduleBody> = ['schedules', 'startTime', 'endTime', 'availabilityViewInterval'];
  const out: ScheduleBody = {};
  for (const [k, v] of Object.entries(raw)) {
    const name = names.find((n) => n.toLowerCase() === k.toLowerCase());
    if (name) out[name] = v;
  }
  return out;
}

function parseScheduleBody(raw: unknown) {
  const body = parameters(raw);
  if (!body) throw new GraphHttpError(400, 'ErrorInvalidRequest', 'The request body is required.');
  const schedules = body.schedules;
  if (
    !Array.isArray(schedules) ||
    schedules.length === 0 ||
    !schedules.every((s) => typeof s === 'string' && s.length > 0)
  ) {
    throw new GraphHttpError(
      400,
      'ErrorInvalidParameter',
      "The parameter 'schedules' must be a non-empty collection of SMTP addresses.",
    );
  }
  if (schedules.length > MAX_SCHEDULES) {
    throw new GraphHttpError(
      400,
      'ErrorInvalidParameter',
      `Too many schedules: at most ${MAX_SCHEDULES} are allowed per request.`,
    );
  }
  const startMs = instantOf(body.startTime, 'startTime');
  const endMs = instantOf(body.endTime, 'endTime');
  if (endMs <= startMs)
    throw new GraphHttpError(400, 'ErrorInvalidParameter', 'The end time must be after the start time.');
  const days = Math.ceil((endMs - startMs) / DAY);
  if (days > MAX_DAYS) {
    throw new GraphHttpError(
      400,
      'ErrorTimeIntervalTooBig',
      `The requested time duration specified for FreeBusyViewOptions.TimeWindow is too long. The allowed limit = ${MAX_DAYS} days; the actual limit = ${days} days.`,
    );
  }
  const iv = body.availabilityViewInterval ?? 30;
  const interval = typeof iv === 'string' && /^\d+$/.test(iv) ? Number(iv) : iv;
  if (typeof interval !== 'number' || !Number.isInteger(interval) || interval < 5 || interval > 1440) {
    throw new GraphHttpError(
      400,
      'ErrorInvalidParameter',
      "The parameter 'availabilityViewInterval' must be an integer from 5 to 1440.",
    );
  }
  return { schedules: schedules as string[], startMs, endMs, interval };
}

/** One scheduleItem as the caller may see it. */
function scheduleItem(it: BusyItem, showDetail: boolean, seePrivate: boolean, fmt: (ms: number) => unknown) {
  const times = { start: fmt(it.startMs), end: fmt(it.endMs) };
  if (!showDetail) return { status: it.status, ...times };
  const hide = it.isPrivate && !seePrivate;
  return {
    isPrivate: Boolean(it.isPrivate),
    status: it.status,
    ...(hide ? {} : { subject: it.subject ?? '', location: it.location ?? '' }),
    ...times,
  };
}

/** getSchedule for `owner`'s view (the viewer is the signed-in user, or none for an application). */
function getSchedule(
  ctx: GraphContext,
  p: Principal,
  viewer: EmuUser | null,
  body: unknown,
  zone: { iana: string; label: string },
) {
  const { schedules, startMs, endMs, interval } = parseScheduleBody(body);
  const fmt = (ms: number) => toDateTimeTimeZone(ms, zone.iana, zone.label);
  return schedules.map((scheduleId) => {
    const target = resolveTarget(ctx, p.tenantId, viewer, scheduleId);
    if (!target.ok) return { scheduleId, availabilityView: '', scheduleItems: [], error: target.error };
    const items = busyItems(ctx, target.user.id, startMs, endMs);
    return {
      scheduleId,
      availabilityView: availabilityView(items, startMs, endMs, interval),
      scheduleItems: items.map((it) => scheduleItem(it, target.detail !== 'freeBusy', target.seePrivate, fmt)),
      workingHours: workingHoursOf(ctx, target.user.id).graph,
    };
  });
}

const SCHEDULE_SCOPES = [
  'Calendars.Read',
  'Calendars.ReadWrite',
  'Calendars.Read.Shared',
  'Calendars.ReadWrite.Shared',
];
const FIND_SCOPES = ['Calendars.Read.Shared', 'Calendars.ReadWrite.Shared'];

export default async function schedulingRoutes(app: FastifyInstance, ctx: GraphContext): Promise<void> {
  const scheduleHandler = graphHandler(async (req, reply) => {
    const p = await ctx.authenticate(req.headers.authorization);
    requireScope(p, SCHEDULE_SCOPES);
    const owner = pathUser(ctx, p, (req.params as { user?: string }).user);
    const zone = preferredZone(req);
    const viewer = p.kind === 'delegated' ? owner : null;
    const value = getSchedule(ctx, p, viewer, req.body, zone);
    if (zone.applied) void reply.header('Preference-Applied', zone.applied);
    return reply.send({
      '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)`,
      value,
    });
  });
  app.post('/me/calendar/getSchedule', scheduleHandler);
  app.post('/users/:user/calendar/getSchedule', scheduleHandler);

  const findHandler = graphHandler(async (req, reply) => {
    const p = await ctx.authenticate(req.headers.authorization);
    if (p.kind !== 'delegated')
      throw new GraphHttpError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
    requireScope(p, FIND_SCOPES);
    const organizer = pathUser(ctx, p, (req.params as { user?: string }).user);
    const zone = preferredZone(req);
    const result = findMeetingTimes(ctx, organizer, req.body, zone);
    if (zone.applied) void reply.header('Preference-Applied', zone.applied);
    return reply.send({
      '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#microsoft.graph.meetingTimeSuggestionsResult`,
      ...result,
    });
  });
  app.post('/me/findMeetingTimes', findHandler);
  app.post('/users/:user/findMeetingTimes', findHandler);
}
