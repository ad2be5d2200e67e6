// Graph routes: a mailbox's messages (read only) — the meeting requests invitations deliver, with $expand=event.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GraphContext } from '../context.js';
import { errors, resolveMailbox } from '../mailbox-access.js';
import { getMessage, listMessages, type MailMessage } from '../messages.js';
import { parsePrefer, type Preferences } from '../odata.js';
import { both, json, param } from '../route-helpers.js';
import { renderEvent } from '../serialize.js';

/** `$expand` values that ask for a meeting message's event. */
const EVENT_EXPAND = /^(microsoft\.graph\.eventMessage\/)?event$/i;

/** Reads `$expand` (only the eventMessage's event is supported) and `$top`; anything else is a 400. */
function readMessageQuery(req: FastifyRequest): { expandEvent: boolean; top: number | null } {
  const q = req.query as Record<string, string | undefined>;
  const expand = q.$expand?.trim();
  if (expand && !EVENT_EXPAND.test(expand))
    throw errors.badRequest(
      `Parsing OData Select and Expand failed: Could not find a property named '${expand}'.`,
      'BadRequest',
    );
  const topRaw = q.$top;
  if (topRaw !== undefined && !/^\d+$/.test(topRaw))
    throw errors.badRequest(`Invalid $top value '${topRaw}'.`, 'BadRequest');
  return { expandEvent: !!expand, top: topRaw === undefined ? null : Math.min(Number(topRaw), 1000) };
}

export default async function messageRoutes(app: FastifyInstance, ctx: GraphContext): Promise<void> {
  /** A message as Graph JSON; with `expandEvent` its event (the recipient's calendar copy) is inlined. */
  const render = (ownerId: string, m: MailMessage, expandEvent: boolean, prefs: Preferences) => {
    const { eventId, ...rest } = m;
    const out: Record<string, unknown> = { '@odata.etag': `W/"${m.changeKey}"`, ...rest };
    if (!expandEvent) return out;
    const ev = ctx.store.getEvent(ownerId, eventId);
    out['event@odata.context'] =
      `${ctx.baseUrl()}/v1.0/$metadata#users('${ownerId}')/messages('${encodeURIComponent(m.id)}')/microsoft.graph.eventMessage/microsoft.graph.eventMessage/event/$entity`;
    out.event = ev ? renderEvent({ ev, startMs: ev.startMs, endMs: ev.endMs }, { prefs }) : null;
    return out;
  };
  const contextOf = (ownerId: string, expandEvent: boolean, entity: boolean) =>
    `${ctx.baseUrl()}/v1.0/$metadata#users('${ownerId}')/messages${expandEvent ? '(microsoft.graph.eventMessage/event())' : ''}${entity ? '/$entity' : ''}`;

  both(app, 'GET', '/messages', async (req, reply, user) => {
    const acc = await resolveMailbox(ctx, req, user, 'read', 'mail');
    const { expandEvent, top } = readMessageQuery(req);
    const prefs = parsePrefer(req.headers.prefer);
    const all = listMessages(ctx.store, acc.owner.id);
    const page = top === null ? all.slice(0, 10) : all.slice(0, top);
    return json(reply, 200, {
      '@odata.context': contextOf(acc.owner.id, expandEvent, false),
      value: page.map((m) => render(acc.owner.id, m, expandEvent, prefs)),
    });
  });

  both(app, 'GET', '/messages/:messageId', async (req, reply, user) => {
    const acc = await resolveMailbox(ctx, req, user, 'read', 'mail');
    const { expandEvent } = readMessageQuery(req);
    const m = getMessage(ctx.store, acc.owner.id, param(req, 'messageId'));
    if (!m) throw errors.itemNotFound();
    return json(reply, 200, {
      '@odata.context': contextOf(acc.owner.id, expandEvent, true),
      ...render(acc.owner.id, m, expandEvent, parsePrefer(req.headers.prefer)),
    });
  });
}
