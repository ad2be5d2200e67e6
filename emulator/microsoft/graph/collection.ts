// Paged event collections: filter/sort once per mailbox version (cached), then O(page) per page with absolute nextLinks.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GraphContext } from './context.js';
import type { EventInstance } from './model.js';
import { parsePrefer, parseQuery, type Preferences, type QueryOptions } from './odata.js';
import { EVENT_PROPERTIES, instanceGetter, renderEvent } from './serialize.js';

interface CacheEntry {
  key: string;
  items: EventInstance[];
}

const CACHE_SIZE = 32;
/** Per store (never shared between emulator instances), most recent first. */
const caches = new WeakMap<GraphContext['store'], CacheEntry[]>();

/** Extracts `$expand=singleValueExtendedProperties($filter=id eq '…')` ids (lower-case), 'all', or null. */
export function extendedExpand(expand: string | null): Set<string> | 'all' | null {
  if (!expand) return null;
  const m = /singleValueExtendedProperties(?:\((.*)\))?/i.exec(expand);
  if (!m) return null;
  if (!m[1]) return 'all';
  return new Set([...m[1].matchAll(/id\s+eq\s+'([^']+)'/gi)].map((x) => x[1]!.toLowerCase()));
}

/** Query options + Prefer for an event request (throws 400 on bad options). */
export function readOptions(req: FastifyRequest): { q: QueryOptions; prefs: Preferences } {
  return {
    q: parseQuery(req.query as Record<string, string | undefined>, EVENT_PROPERTIES),
    prefs: parsePrefer(req.headers.prefer),
  };
}

/** The absolute URL of this request with some query parameters replaced (null value = removed). */
export function selfUrl(ctx: GraphContext, req: FastifyRequest, replace: Record<string, string | null>): string {
  const u = new URL(req.url, 'http://x');
  for (const [k, v] of Object.entries(replace)) {
    u.searchParams.delete(k);
    u.searchParams.delete(k.replace(/^\$/, ''));
    if (v !== null) u.searchParams.set(k, v);
  }
  const qs = u.searchParams.toString().replace(/%24/g, '$').replace(/%2C/gi, ',');
  return `${ctx.baseUrl()}${u.pathname}${qs ? `?${qs}` : ''}`;
}

/**
 * Sends one page of `compute()`'s instances, filtered and ordered per the query. `cacheKey` names the
 * underlying set (mailbox, calendar, window, mailbox sequence): the filtered, sorted list is computed once
 * and reused for the following pages while the mailbox does not change.
 */
export function sendEventPage(
  ctx: GraphContext,
  req: FastifyRequest,
  reply: FastifyReply,
  args: {
    cacheKey: string;
    compute: () => EventInstance[];
    context: string;
    defaultTop?: number;
    sortDefault?: (a: EventInstance, b: EventInstance) => number;
  },
): FastifyReply {
  const { q, prefs } = readOptions(req);
  const query = req.query as Record<string, string | undefined>;
  const key = `${args.cacheKey}|f=${query.$filter ?? query.filter ?? ''}|o=${query.$orderby ?? query.orderby ?? ''}`;
  let cache = caches.get(ctx.store);
  if (!cache) caches.set(ctx.store, (cache = []));
  let entry = cache.find((c) => c.key === key);
  if (!entry) {
    let items = args.compute();
    if (q.filter) {
      const f = q.filter;
      items = items.filter((i) => f(instanceGetter(i)));
    }
    if (q.orderBy) {
      const o = q.orderBy;
      items = items
        .map((i) => ({ i, g: instanceGetter(i) }))
        .sort((a, b) => o(a.g, b.g))
        .map((x) => x.i);
    } else if (args.sortDefault) items = [...items].sort(args.sortDefault);
    entry = { key, items };
    cache.unshift(entry);
    if (cache.length > CACHE_SIZE) cache.pop();
  }
  const pageSize = q.top ?? prefs.maxPageSize ?? args.defaultTop ?? 10;
  const page = entry.items.slice(q.skip, q.skip + pageSize);
  const body: Record<string, unknown> = { '@odata.context': args.context };
  if (q.count) body['@odata.count'] = entry.items.length;
  const ext = extendedExpand(q.expand);
  body.value = page.map((i) => renderEvent(i, { prefs, select: q.select, extendedIds: ext }));
  if (q.skip + pageSize < entry.items.length) {
    body['@odata.nextLink'] = selfUrl(ctx, req, { $skip: String(q.skip + pageSize) });
  }
  const applied = prefs.applied(
    q.top === null ? ['maxpagesize', 'timezone', 'body', 'idtype'] : ['timezone', 'body', 'idtype'],
  );
  if (applied) void reply.header('Preference-Applied', applied);
  return reply
    .status(200)
    .header(
      'content-type',
      'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8',
    )
    .send(body);
}
