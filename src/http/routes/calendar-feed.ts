// The caller's calendar as iCalendar: GET /api/calendar/export.ics (session or API key), the private subscription URL
// (GET/POST/DELETE /api/calendar/feed: status, make or rotate, revoke) and the public feed GET /ics/<token>.ics
// (no caller: the token is the credential; limited per token; 404 for an unknown, rotated or revoked one).
import { createHash } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../domain/errors.js';
import type { CalendarFeedService } from '../../services/calendar-feed/calendar-feed-service.js';
import { actorOf } from '../auth.js';
import type { RouteModule } from '../app-deps.js';
import { errors } from '../schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Status = Type.Object(
  {
    active: Type.Boolean({ description: 'Whether the caller has a subscription URL' }),
    prefix: Nullable(Type.String({ description: 'The first characters of the token, to recognise the URL' })),
    createdAt: Nullable(Type.String({ format: 'date-time' })),
    lastFetchedAt: Nullable(Type.String({ format: 'date-time', description: 'When a calendar app last read it' })),
  },
  { $id: 'CalendarFeedStatus' },
);
const Made = Type.Intersect([
  Type.Ref('CalendarFeedStatus'),
  Type.Object({
    url: Type.String({ description: 'The subscription URL: in this answer only (calbridge keeps only a hash)' }),
  }),
]);
const ICS = {
  description: 'An iCalendar (RFC 5545) document',
  content: { 'text/calendar': { schema: Type.String() } },
};
/** Feed reads per token and minute (calendar apps poll every few minutes to hours). */
const FEED_PER_MINUTE = 30;

const sendIcs = (reply: FastifyReply, body: string, filename?: string) => {
  void reply
    .header('content-type', 'text/calendar; charset=utf-8')
    .header('cache-control', 'private, no-store')
    .header('x-robots-tag', 'noindex')
    .header('referrer-policy', 'no-referrer');
  if (filename) void reply.header('content-disposition', `attachment; filename="${filename}"`);
  return reply.send(body);
};

export function calendarFeedRoutes(feeds: CalendarFeedService): RouteModule {
  return async (untyped: FastifyInstance) => {
    const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(Status);
    const tags = ['calendar'];
    app.get(
      '/api/calendar/export.ics',
      {
        schema: {
          tags,
          summary:
            "The caller's meetings (own calendars, cancelled ones left out) as iCalendar: series with RRULE/EXDATE " +
            'and their VTIMEZONE, moved occurrences as RECURRENCE-ID overrides, other times in UTC',
          response: { 200: ICS, ...errors(403) },
        },
      },
      async (req, reply) => sendIcs(reply, await feeds.export(actorOf(req), 'calbridge'), 'calendar.ics'),
    );
    app.get(
      '/api/calendar/feed',
      {
        schema: {
          tags,
          summary: 'Whether the caller has a private subscription URL (the URL itself is shown only when it is made)',
          response: { 200: Type.Ref('CalendarFeedStatus'), ...errors(403) },
        },
      },
      async (req) => feeds.status(actorOf(req)),
    );
    app.post(
      '/api/calendar/feed',
      {
        schema: {
          tags,
          summary: "Make the caller's private subscription URL, or a new one in place of the old (which stops working)",
          response: { 200: Made, ...errors(403) },
        },
      },
      async (req) => feeds.rotate(actorOf(req)),
    );
    app.delete(
      '/api/calendar/feed',
      {
        schema: {
          tags,
          summary: "Revoke the caller's subscription URL (it answers 404 from then on)",
          response: { 200: Type.Ref('CalendarFeedStatus'), ...errors(403) },
        },
      },
      async (req) => feeds.revoke(actorOf(req)),
    );

    // The public feed: counted per token (many subscribers' apps fetch from a few shared addresses), never per user.
    const limit = app.createRateLimit({
      max: FEED_PER_MINUTE,
      timeWindow: 60_000,
      // the app's limits skip paths outside /api/; this one counts every read
      allowList: () => false,
      keyGenerator: (req) =>
        `ics:${createHash('sha256')
          .update(String((req.params as { file?: string }).file ?? ''))
          .digest('hex')
          .slice(0, 32)}`,
    });
    app.get(
      '/ics/:file',
      {
        schema: {
          tags,
          summary:
            "A user's private subscription feed (the token is the credential). Private and confidential meetings " +
            'appear as Busy only. 404 for an unknown, rotated or revoked token.',
          params: Type.Object({ file: Type.String({ maxLength: 200, description: '`<token>.ics`' }) }),
          response: { 200: ICS, 404: Type.Ref('ErrorResponse'), 429: Type.Ref('ErrorResponse') },
        },
        onRequest: async (req, reply) => {
          const r = await limit(req);
          if (r.isAllowed || !r.isExceeded) return;
          void reply.header('retry-after', String(Math.max(1, r.ttlInSeconds)));
          throw new AppError('rate_limited', 'Too many reads of this calendar feed; retry later.', {
            details: { scope: 'calendar_feed', retryAfterSeconds: Math.max(1, r.ttlInSeconds) },
          });
        },
      },
      async (req, reply) => {
        const file = req.params.file;
        const token = file.endsWith('.ics') ? file.slice(0, -4) : '';
        return sendIcs(reply, await feeds.feed(token));
      },
    );
  };
}
