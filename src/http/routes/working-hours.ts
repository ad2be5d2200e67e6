// The caller's working hours (Outlook and Google alike): read where they come from; Google users set them in calbridge
// (Google's API has none), Outlook users in Outlook. Scoped by tenant and user.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { WorkingHoursService } from '../../services/scheduling/working-hours.js';
import { actorOf } from '../auth.js';
import { WEEKDAYS } from '../../domain/recurrence-spec.js';
import { errors, LiteralUnion } from '../schemas.js';

const Day = LiteralUnion(WEEKDAYS);
const Hours = Type.Object(
  {
    daysOfWeek: Type.Array(Day, { minItems: 1, maxItems: 7, description: 'Working days, lower-case English names.' }),
    startTime: Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d)?$', description: 'Local HH:mm[:ss].' }),
    endTime: Type.String({
      pattern: '^([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d)?$',
      description: 'Local HH:mm[:ss]; at or before startTime: the day runs past midnight.',
    }),
    timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone of the times.' }),
  },
  { additionalProperties: false },
);
const View = Type.Object({
  workingHours: Type.Union([Hours, Type.Null()]),
  source: Type.Union([Type.Literal('provider'), Type.Literal('calbridge'), Type.Literal('default')], {
    description:
      'provider: Outlook mailbox settings (change them in Outlook); calbridge: set here; default: not set yet — ' +
      'Monday–Friday 09:00–17:00 in the Google Calendar time zone.',
  }),
  editable: Type.Boolean({ description: 'Whether PUT and DELETE apply (Google users).' }),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
});

export function workingHoursRoutes(service: WorkingHoursService) {
  return async (untyped: FastifyInstance): Promise<void> => {
    const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/api/calendar/working-hours',
      {
        schema: {
          tags: ['calendar'],
          summary: "The caller's working hours, as availability and findmeetingtimes use them",
          response: { 200: View, ...errors(409) },
        },
      },
      async (req) => service.get(actorOf(req)),
    );
    app.put(
      '/api/calendar/working-hours',
      {
        schema: {
          tags: ['calendar'],
          summary: "Set the caller's working hours (Google users; Outlook's are kept in Outlook: 403)",
          description:
            "Google Calendar's API has no working hours (they live in its web UI only), so calbridge keeps them: " +
            'availability marks slots outside them and findmeetingtimes suggests times inside them.',
          body: Hours,
          response: { 200: View, ...errors(403, 409) },
        },
      },
      async (req) => service.set(actorOf(req), req.body),
    );
    app.delete(
      '/api/calendar/working-hours',
      {
        schema: {
          tags: ['calendar'],
          summary: "Forget the caller's working hours (back to the default)",
          response: { 200: View, ...errors(403, 409) },
        },
      },
      async (req) => service.set(actorOf(req), null),
    );
  };
}
