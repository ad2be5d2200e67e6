// Graph routes: calendarView of the default or a given calendar (expanded occurrences and exceptions).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GraphContext } from '../context.js';
import { readOptions, sendEventPage } from '../collection.js';
import { calendarOr404, resolveMailbox } from '../mailbox-access.js';
import { both, param } from '../route-helpers.js';
import { eventsContext } from '../serialize.js';
import { readWindow } from '../window.js';

const SCOPES: Array<{ path: string; cal: (req: FastifyRequest) => string | undefined }> = [
  { path: '', cal: () => undefined },
  { path: '/calendar', cal: () => undefined },
  { path: '/calendars/:calendarId', cal: (req) => param(req, 'calendarId') },
];

export default async function calendarViewRoutes(app: FastifyInstance, ctx: GraphContext): Promise<void> {
  for (const scope of SCOPES) {
    both(app, 'GET', `${scope.path}/calendarView`, async (req, reply, user) => {
      const acc = await resolveMailbox(ctx, req, user, 'read');
      const cal = calendarOr404(ctx, acc, scope.cal(req), 'read');
      const { startMs, endMs } = readWindow(req);
      const st = ctx.store.syncState(acc.owner.id);
      const { q } = readOptions(req);
      return sendEventPage(ctx, req, reply, {
        cacheKey: `view|${acc.owner.id}|${cal.id}|${startMs}|${endMs}|${st.seq}|${st.epoch}`,
        compute: () => ctx.store.calendarView(acc.owner.id, cal.id, startMs, endMs),
        context: eventsContext(ctx.baseUrl(), acc.userSegment, acc.owner.id, q.select, false).replace(
          /\/events(?=[(]|$)/,
          '/calendarView',
        ),
      });
    });
  }
}
