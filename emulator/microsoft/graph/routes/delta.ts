// Graph routes: calendarView/delta — full sync with $skiptoken pages, then $deltatoken incremental rounds.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GraphContext } from '../context.js';
import { DeltaEngine, syncStateNotFound } from '../delta-sync.js';
import { movedItemId } from '../ids.js';
import { calendarOr404, resolveMailbox } from '../mailbox-access.js';
import { parsePrefer } from '../odata.js';
import { both, json, param } from '../route-helpers.js';
import { renderEvent } from '../serialize.js';
import { readWindow } from '../window.js';

const SCOPES: Array<{ path: string; cal: (req: FastifyRequest) => string | undefined }> = [
  { path: '', cal: () => undefined },
  { path: '/calendar', cal: () => undefined },
  { path: '/calendars/:calendarId', cal: (req) => param(req, 'calendarId') },
];

const DEFAULT_PAGE = 10;

export default async function deltaRoutes(app: FastifyInstance, ctx: GraphContext): Promise<void> {
  const engine = new DeltaEngine(ctx.store);
  for (const scope of SCOPES) {
    both(app, 'GET', `${scope.path}/calendarView/delta`, async (req, reply, user) => {
      const acc = await resolveMailbox(ctx, req, user, 'read');
      const cal = calendarOr404(ctx, acc, scope.cal(req), 'read');
      const q = req.query as Record<string, string | undefined>;
      const prefs = parsePrefer(req.headers.prefer);
      const size = prefs.maxPageSize ?? DEFAULT_PAGE;
      const skip = q.$skiptoken ?? q.skiptoken;
      const delta = q.$deltatoken ?? q.deltatoken;
      let sessionId: string;
      let offset = 0;
      if (skip) ({ sessionId, offset } = engine.readSkipToken(skip));
      else if (delta) {
        const state = engine.redeemDeltaToken(delta, acc.owner.id);
        if (state.calendarId !== cal.id) throw syncStateNotFound(state.seq);
        sessionId = engine.startIncremental(state);
      } else {
        const { startMs, endMs } = readWindow(req);
        sessionId = engine.startFull(acc.owner.id, cal.id, startMs, endMs);
      }
      const page = engine.page(sessionId, offset, size, acc.owner.id);
      const base = `${ctx.baseUrl()}${new URL(req.url, 'http://x').pathname}`;
      const body: Record<string, unknown> = { '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#Collection(event)` };
      if (page.nextOffset !== null)
        body['@odata.nextLink'] = `${base}?$skiptoken=${engine.skipToken(sessionId, page.nextOffset)}`;
      else body['@odata.deltaLink'] = `${base}?$deltatoken=${engine.deltaToken(page.state)}`;
      body.value = page.items.map((it) =>
        it.kind === 'removed'
          ? {
              '@odata.type': '#microsoft.graph.event',
              // the id the client knew: a moved event's default-format id, or its immutable id
              id: it.moves && !prefs.immutableIds ? movedItemId(it.id, it.moves) : it.id,
              '@removed': { reason: 'deleted' },
            }
          : renderEvent(it.inst, { prefs, withType: true }),
      );
      const applied = prefs.applied(['maxpagesize', 'timezone', 'body', 'idtype']);
      if (applied) void reply.header('Preference-Applied', applied);
      return json(reply, 200, body);
    });
  }
}
