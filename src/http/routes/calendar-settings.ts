// Calendar settings API (Outlook and Google alike): list the caller's calendars, choose which sync and which is the
// default, and the caller's sync preferences (window, poll interval). Scoped by tenant and user.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { CalendarSetting } from '../../ports/calendar-settings.js';
import { SYNC_PREFERENCE_BOUNDS, type CalendarSettingsService } from '../../services/sync/calendar-settings.js';
import { actorOf } from '../auth.js';
import { errors, Uuid } from '../schemas.js';

const Calendar = Type.Object({
  id: Type.String({ format: 'uuid' }),
  connectionId: Type.String({ format: 'uuid' }),
  provider: Type.Union([Type.Literal('MICROSOFT'), Type.Literal('GOOGLE')]),
  connectionStatus: Type.String(),
  name: Type.String(),
  ownerEmail: Type.Union([Type.String(), Type.Null()]),
  ownerName: Type.Union([Type.String(), Type.Null()], {
    description:
      "The owner's name: the connected mailbox's for your own calendars; for a colleague's shared calendar, that " +
      "colleague's as calbridge knows it (a user or connected mailbox of your tenant); null when not known.",
  }),
  isShared: Type.Boolean(),
  isDefault: Type.Boolean({ description: 'Where calbridge creates meetings; exactly one per connection.' }),
  canEdit: Type.Boolean(),
  selectedForSync: Type.Boolean(),
});

const CalendarParams = Type.Object({ calendarId: Uuid });
const CalendarPatch = Type.Object(
  {
    selectedForSync: Type.Optional(
      Type.Boolean({
        description:
          'false stops syncing the calendar and removes its meetings from calbridge; true queues a full sync of it.',
      }),
    ),
    isDefault: Type.Optional(
      Type.Boolean({
        description:
          'true makes it the default of its connection (the previous default is cleared in the same transaction).',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

const prefField = (k: keyof typeof SYNC_PREFERENCE_BOUNDS, description: string) =>
  Type.Integer({ ...SYNC_PREFERENCE_BOUNDS[k], description });
const PreferenceFields = {
  windowPastDays: prefField('windowPastDays', 'Days before today that are synced.'),
  windowFutureDays: prefField('windowFutureDays', 'Days after today that are synced.'),
  pollIntervalSeconds: prefField('pollIntervalSeconds', 'How often each calendar is polled for changes.'),
};
const PreferencesBody = Type.Object(PreferenceFields, { additionalProperties: false });
const Preferences = Type.Object({
  ...PreferenceFields,
  custom: Type.Boolean({ description: 'false: the server defaults apply (nothing set by the user).' }),
  defaults: Type.Object(PreferenceFields),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
});

const toCalendar = (c: CalendarSetting): Static<typeof Calendar> => ({ ...c });

export function calendarSettingsRoutes(service: CalendarSettingsService) {
  return async (untyped: FastifyInstance): Promise<void> => {
    const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/api/calendars',
      {
        schema: {
          tags: ['calendars'],
          summary: "The caller's calendars of every connection, with sync selection and default",
          response: { 200: Type.Object({ items: Type.Array(Calendar) }), ...errors() },
        },
      },
      async (req) => ({ items: (await service.listCalendars(actorOf(req))).map(toCalendar) }),
    );

    app.patch(
      '/api/calendars/:calendarId',
      {
        schema: {
          tags: ['calendars'],
          summary: 'Choose whether a calendar syncs and whether it is the default',
          description:
            'Deselecting removes the calendar’s meetings from calbridge (they stop counting anywhere) and deletes its ' +
            'change subscription; re-selecting queues a full sync. The default calendar is always synced and must be ' +
            'an own calendar calbridge can write to (409 `default_calendar_required` / `calendar_not_eligible`).',
          params: CalendarParams,
          body: CalendarPatch,
          response: {
            200: Type.Object({
              calendar: Calendar,
              removedMeetings: Type.Integer({ description: 'Meetings removed because the calendar was deselected.' }),
              syncQueued: Type.Boolean(),
            }),
            ...errors(409),
          },
        },
      },
      async (req) => {
        const { calendarId } = req.params;
        const r = await service.updateCalendar(actorOf(req), calendarId, req.body);
        return { ...r, calendar: toCalendar(r.calendar) };
      },
    );

    app.get(
      '/api/sync/preferences',
      {
        schema: {
          tags: ['sync'],
          summary: "The caller's sync preferences (the server defaults until set)",
          response: { 200: Preferences, ...errors() },
        },
      },
      async (req) => service.getPreferences(actorOf(req)),
    );

    app.put(
      '/api/sync/preferences',
      {
        schema: {
          tags: ['sync'],
          summary: "Set the caller's sync window and poll interval",
          description:
            'A changed window queues a sync of each calendar, which starts a full round with the new window.',
          body: PreferencesBody,
          response: { 200: Preferences, ...errors() },
        },
      },
      async (req) => service.setPreferences(actorOf(req), req.body),
    );

    app.delete(
      '/api/sync/preferences',
      {
        schema: {
          tags: ['sync'],
          summary: "Forget the caller's sync preferences (back to the server defaults)",
          response: { 200: Preferences, ...errors() },
        },
      },
      async (req) => service.setPreferences(actorOf(req), null),
    );
  };
}
