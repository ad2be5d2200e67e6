// Graph route: reminderView(startDateTime=…,endDateTime=…) — the reminders of events starting in a window.
import type { FastifyInstance } from 'fastify';
import type { GraphContext } from '../context.js';
import { errors, resolveMailbox } from '../mailbox-access.js';
import { parsePrefer } from '../odata.js';
import { both, json } from '../route-helpers.js';
import { instanceData } from '../serialize.js';
import { formatInZone, parseQueryInstant } from '../time.js';

export default async function reminderRoutes(app: FastifyInstance, ctx: GraphContext): Promise<void> {
  both(app, 'GET', '/reminderView(*', async (req, reply, user) => {
    const acc = await resolveMailbox(ctx, req, user, 'read');
    const raw = decodeURIComponent(req.url);
    const s = /startDateTime='([^']+)'/i.exec(raw)?.[1];
    const e = /endDateTime='([^']+)'/i.exec(raw)?.[1];
    if (!s || !e)
      throw errors.badRequest(
        'This request requires the parameters StartDateTime and EndDateTime.',
        'ErrorInvalidParameter',
      );
    const startMs = parseQueryInstant(s, 'startDateTime');
    const endMs = parseQueryInstant(e, 'endDateTime');
    const prefs = parsePrefer(req.headers.prefer);
    const label = prefs.timeZone?.label ?? 'UTC';
    const iana = prefs.timeZone?.iana ?? 'UTC';
    const at = (ms: number) => ({ dateTime: formatInZone(ms, iana), timeZone: label });
    const cal = ctx.store.defaultCalendar(acc.owner.id);
    const value = ctx.store
      .calendarView(acc.owner.id, cal.id, startMs, endMs)
      .map((inst) => ({ inst, data: instanceData(inst) }))
      .filter(({ data }) => data.isReminderOn && !data.isCancelled)
      .map(({ inst, data }) => ({
        eventId: data.id,
        changeKey: data.changeKey,
        eventSubject: data.subject,
        eventWebLink: data.webLink,
        eventStartTime: at(inst.startMs),
        eventEndTime: at(inst.endMs),
        eventLocation: { displayName: data.location?.displayName ?? '' },
        reminderFireTime: at(inst.startMs - (data.reminderMinutesBeforeStart ?? 15) * 60_000),
      }));
    return json(reply, 200, {
      '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#Collection(microsoft.graph.reminder)`,
      value,
    });
  });
}
