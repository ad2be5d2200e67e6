// The caller's display preferences (time zone, 12/24-hour clock): read from the connected mailbox until the person
// chooses, then remembered per user on the server. Scoped by tenant and user.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { PreferencesService } from '../../services/scheduling/preferences.js';
import { actorOf } from '../auth.js';
import { errors } from '../schemas.js';

const TimeFormat = Type.Union([Type.Literal('12h'), Type.Literal('24h')]);
const Preferences = Type.Object({
  timeZone: Type.String({ description: 'IANA time zone the web app shows times in.' }),
  timeFormat: TimeFormat,
  source: Type.Union([Type.Literal('user'), Type.Literal('mailbox'), Type.Literal('default')], {
    description:
      'user: chosen in calbridge (kept; the mailbox never overwrites it); mailbox: read from the connected mailbox ' +
      '(Outlook mailboxSettings timeZone/timeFormat, Google Calendar settings timezone/format24HourTime); ' +
      'default: neither known (UTC, 24-hour).',
  }),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
});
const Change = Type.Object(
  {
    timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'An IANA time zone.' })),
    timeFormat: Type.Optional(TimeFormat),
  },
  { additionalProperties: false, minProperties: 1 },
);

export function preferencesRoutes(service: PreferencesService) {
  return async (untyped: FastifyInstance): Promise<void> => {
    const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/api/me/preferences',
      {
        schema: {
          tags: ['tenant'],
          summary: "The caller's time zone and 12/24-hour clock (from the mailbox until chosen)",
          response: { 200: Preferences, ...errors() },
        },
      },
      async (req) => service.get(actorOf(req)),
    );
    app.put(
      '/api/me/preferences',
      {
        schema: {
          tags: ['tenant'],
          summary: "Choose the caller's time zone and/or 12/24-hour clock (remembered per user)",
          body: Change,
          response: { 200: Preferences, ...errors() },
        },
      },
      async (req) => service.put(actorOf(req), req.body),
    );
  };
}
