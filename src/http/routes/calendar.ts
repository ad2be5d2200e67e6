// The calendar REST API (provider-neutral, at /api/calendar; /api/outlook/calendar is its deprecated alias): events from
// the synced table, proposals for changes, availability, suggested times and rooms. Thin: schema, auth, one service call.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { availabilityGridJson, type AvailabilityGrid } from '../../domain/scheduling/freebusy.js';
import { SCHEDULING_LIMITS as LIMITS } from '../../domain/scheduling/limits.js';
import type { SchedulingService } from '../../services/scheduling/scheduling-service.js';
import { actorOf } from '../auth.js';
import type { RouteModule } from '../app-deps.js';
import { aliasedRoutes, CALENDAR_PREFIXES } from '../route-aliases.js';
import { errors, IdParams, Paging, Uuid } from '../schemas.js';
import { Proposal, proposalView, proposalViews, RecurrenceIn } from './proposals.js';

const Email = Type.String({ format: 'email', maxLength: 320 });
const Instant = Type.String({ format: 'date-time', description: 'ISO-8601 instant with offset' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Loose = { additionalProperties: true } as const;
/** A list capped by a stated limit: checked by the service (422 limit_exceeded), so not by the schema (400). */
const capped = (max: number, what: string) => ({
  description: `At most ${max} ${what}; more answer 422 limit_exceeded (docs/scheduling.md, "Limits").`,
});

const AttendeeIn = Type.Object(
  {
    email: Email,
    name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    type: Type.Optional(Type.Union([Type.Literal('required'), Type.Literal('optional')])),
  },
  { additionalProperties: false },
);

const Event = Type.Object(
  {
    id: Type.String(),
    calendarId: Nullable(Type.String()),
    subject: Type.String(),
    start: Type.String(),
    end: Type.String(),
    timeZone: Type.String(),
    isAllDay: Type.Boolean(),
    showAs: Type.String(),
    sensitivity: Type.String(),
    isCancelled: Type.Boolean(),
    customerId: Nullable(Type.String()),
    origin: Type.String(),
    changeKey: Nullable(Type.String()),
    alsoIn: Type.Optional(
      Type.Array(
        Type.Object({
          id: Type.String({ description: "The copy's meeting id" }),
          calendarId: Nullable(Type.String()),
          calendarName: Nullable(Type.String()),
          ownerEmail: Nullable(Type.String()),
          isShared: Type.Boolean(),
        }),
        {
          description:
            "Other copies of this meeting in the caller's synced calendars (same iCalUId and start, e.g. their own " +
            "calendar and a colleague's shared one): the list shows the meeting once, under the copy in the caller's " +
            'own calendar. Absent with `copies=all` and when there is no other copy.',
        },
      ),
    ),
  },
  { ...Loose, $id: 'CalendarEventView' },
);

const ListQuery = Type.Intersect([
  Paging,
  Type.Object({
    start: Type.Optional(Instant),
    end: Type.Optional(Instant),
    calendarId: Type.Optional(Uuid),
    customerId: Type.Optional(Uuid),
    copies: Type.Optional(
      Type.Union([Type.Literal('merged'), Type.Literal('all')], {
        description:
          'merged (default): copies of one meeting (same iCalUId and start) in several of your calendars are one ' +
          'item with `alsoIn`; all: every copy is its own item.',
      }),
    ),
    cursor: Type.Optional(
      Type.String({
        maxLength: 200,
        description:
          "Keyset paging: the previous page's `nextCursor`, with the same filters; the page holds the items after " +
          'it (in start, then id order), so an item is never skipped or listed twice while meetings are added or ' +
          'removed. Not combined with `offset`. A cursor this list did not give out answers 400 invalid_cursor.',
      }),
    ),
    total: Type.Optional(
      Type.Boolean({
        description:
          'Count every match into `total`. Default: true without `cursor` (offset paging, as before cursors), ' +
          'false with it (`total=false` spares counting every match).',
      }),
    ),
  }),
]);

const ShowAsIn = Type.Union(
  [
    Type.Literal('free'),
    Type.Literal('tentative'),
    Type.Literal('busy'),
    Type.Literal('oof'),
    Type.Literal('workingElsewhere'),
  ],
  { description: 'How the time shows in free/busy (Google: transparency, the exact value kept in a private property)' },
);
const SensitivityIn = Type.Union(
  [Type.Literal('normal'), Type.Literal('personal'), Type.Literal('private'), Type.Literal('confidential')],
  { description: 'Microsoft sensitivity; Google visibility default / private / private / confidential' },
);
const CategoriesIn = Type.Array(Type.String({ minLength: 1, maxLength: 255 }), {
  maxItems: 25,
  description: 'Outlook categories by name; on Google kept in a private extended property (docs/google.md)',
});
const LocationIn = Nullable(
  Type.String({ maxLength: 255, description: 'Free-text location (a place, an address, "Online"); a room wins' }),
);
const Extras = {
  location: Type.Optional(LocationIn),
  showAs: Type.Optional(ShowAsIn),
  categories: Type.Optional(CategoriesIn),
  sensitivity: Type.Optional(SensitivityIn),
  recurrence: Type.Optional(RecurrenceIn),
};
const Scope = Type.Union([Type.Literal('occurrence'), Type.Literal('series')], {
  description:
    'For a meeting of a recurring series: `occurrence` (default) changes or cancels this occurrence only, `series` the whole series (422 not_a_series for a single meeting)',
});

const CreateBody = Type.Object(
  {
    subject: Type.String({ minLength: 1, maxLength: 255 }),
    bodyHtml: Type.Optional(Type.String({ maxLength: 100_000 })),
    start: Instant,
    end: Instant,
    timeZone: Type.Optional(Type.String({ maxLength: 64 })),
    attendees: Type.Array(AttendeeIn, capped(LIMITS.meetingAttendees, 'attendees')),
    room: Type.Optional(Nullable(Email)),
    onlineMeeting: Type.Optional(Type.Boolean()),
    reminderMinutes: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 40_320 }))),
    calendarId: Type.Optional(Uuid),
    customerId: Type.Optional(Nullable(Uuid)),
    templateId: Type.Optional(Nullable(Uuid)),
    ...Extras,
  },
  { additionalProperties: false },
);

const ChangeBody = Type.Object(
  {
    subject: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    bodyHtml: Type.Optional(Type.String({ maxLength: 100_000 })),
    start: Type.Optional(Instant),
    end: Type.Optional(Instant),
    attendees: Type.Optional(Type.Array(AttendeeIn, capped(LIMITS.meetingAttendees, 'attendees'))),
    room: Type.Optional(Nullable(Email)),
    onlineMeeting: Type.Optional(Type.Boolean()),
    reminderMinutes: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 40_320 }))),
    ...Extras,
    scope: Type.Optional(Scope),
  },
  { additionalProperties: false, minProperties: 1 },
);

const DeleteQuery = Type.Object({ scope: Type.Optional(Scope) }, { additionalProperties: false });

const RsvpBody = Type.Object(
  {
    response: Type.Union([Type.Literal('accepted'), Type.Literal('tentative'), Type.Literal('declined')]),
    comment: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: 'A message to the organizer' }))),
    sendResponse: Type.Optional(Type.Boolean({ description: 'Tell the organizer (default true)' })),
    scope: Type.Optional(Scope),
  },
  { additionalProperties: false },
);

const Outcome = Type.Object({
  status: Type.Union([Type.Literal('applied'), Type.Literal('proposed')]),
  event: Type.Optional(Nullable(Type.Ref('CalendarEventView'))),
  proposal: Type.Optional(Type.Ref('Proposal')),
});

const AvailabilityQuery = Type.Object({
  start: Instant,
  end: Type.String({
    format: 'date-time',
    description: `ISO-8601 instant with offset, at most ${LIMITS.availabilityDays} days after start (422 limit_exceeded)`,
  }),
  attendees: Type.Optional(Type.Array(Email, capped(LIMITS.availabilityAttendees, 'people'))),
  rooms: Type.Optional(Type.Array(Email, capped(LIMITS.availabilityRooms, 'rooms'))),
  granularity: Type.Optional(
    Type.Integer({ minimum: 5, maximum: 1440, default: 30, description: 'Slot length in minutes' }),
  ),
  timeZone: Type.Optional(
    Type.String({ maxLength: 64, description: 'IANA zone of the grid labels (default: your zone)' }),
  ),
});

/**
 * The availability answer written with its grid spliced in where the schema's serializer wrote an empty one (`"grid":{}`
 * occurs once: inside JSON strings every quote is escaped).
 */
function withGrid(json: string, grid: AvailabilityGrid): string {
  const at = json.indexOf(EMPTY_GRID);
  if (at < 0) throw new Error('availability answer without its grid');
  return `${json.slice(0, at)}"grid":${availabilityGridJson(grid)}${json.slice(at + EMPTY_GRID.length)}`;
}
const EMPTY_GRID = '"grid":{}';

const FindBody = Type.Object(
  {
    attendees: Type.Array(
      Type.Object(
        { email: Email, type: Type.Optional(Type.Union([Type.Literal('required'), Type.Literal('optional')])) },
        { additionalProperties: false },
      ),
      capped(LIMITS.suggestionAttendees, 'attendees'),
    ),
    rooms: Type.Optional(Type.Array(Email, capped(LIMITS.suggestionRooms, 'rooms'))),
    window: Type.Object(
      { start: Instant, end: Instant },
      {
        additionalProperties: false,
        description: `At most ${LIMITS.suggestionWindowDays} days long (422 limit_exceeded)`,
      },
    ),
    durationMinutes: Type.Integer({ minimum: 5, maximum: 1440 }),
    minimumAttendeePercentage: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    maxCandidates: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    isOrganizerOptional: Type.Optional(Type.Boolean()),
    workHoursOnly: Type.Optional(Type.Boolean({ default: true })),
    timeZone: Type.Optional(Type.String({ maxLength: 64 })),
    spread: Type.Optional(
      Type.Boolean({
        description:
          "true: up to maxCandidates (default 5) suggestions spread across days and parts of the day, best first, picked from a larger pool the provider ranks; false (default): the provider's own order (by confidence, then time)",
      }),
    ),
    customerId: Type.Optional(
      Type.String({
        format: 'uuid',
        description:
          'The customer the meeting is with: reasons name its domains after it ("Acme\'s calendars aren\'t visible")',
      }),
    ),
  },
  { additionalProperties: false },
);

const Suggestion = Type.Object(
  {
    start: Type.String(),
    end: Type.String(),
    confidence: Type.Number(),
    organizerAvailability: Type.String(),
    rooms: Type.Array(Type.String()),
    suggestionReason: Type.String({ description: "The provider's own reason (Graph's words)" }),
    reason: Type.String({ description: 'Why this time is suggested, in plain words' }),
  },
  Loose,
);

const RoomsQuery = Type.Object({
  minCapacity: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  building: Type.Optional(Type.String({ maxLength: 100 })),
});
const Room = Type.Object({
  email: Type.String(),
  name: Type.String(),
  capacity: Nullable(Type.Integer()),
  building: Nullable(Type.String()),
  floor: Nullable(Type.String()),
  roomList: Nullable(Type.String()),
});

/** The calendar routes over one SchedulingService. */
export function calendarRoutes(service: SchedulingService): RouteModule {
  return async (untyped: FastifyInstance) => {
    const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(Event);
    const cal = aliasedRoutes(app, CALENDAR_PREFIXES);
    const tags = ['calendar'];
    cal.get(
      '/events',
      {
        schema: {
          tags,
          summary: 'Your meetings from the synced calendars (range, calendar and customer filters, paging)',
          description:
            'Items in start, then id order. Page by offset (`offset`, with `total` counted by default) or by keyset ' +
            "(pass each page's `nextCursor` back as `cursor`; no count unless `total=true`). Keyset paging costs the " +
            'same for every page and never skips or repeats an item when meetings change between pages.',
          querystring: ListQuery,
          response: {
            200: Type.Object({
              items: Type.Array(Type.Ref('CalendarEventView')),
              total: Type.Optional(
                Type.Integer({
                  description:
                    'Every match (merged: meetings, copies once). Present when counted: by default without `cursor`, ' +
                    'or with `total=true`.',
                }),
              ),
              limit: Type.Integer(),
              offset: Type.Integer(),
              nextCursor: Nullable(
                Type.String({ description: 'Pass as `cursor` for the next page; null when this page is the last.' }),
              ),
            }),
            ...errors(),
          },
        },
      },
      async (req, reply) => {
        const q = req.query;
        const limit = q.limit ?? 50;
        const offset = q.offset ?? 0;
        const page = await service.listEvents(actorOf(req), { ...q, limit, offset });
        // Items are loose objects (every field of the view; the schema names a few): the schema's serializer writes
        // each unnamed field with a JSON.stringify of its own and joins a few thousand pieces, a string V8 flattens
        // again when Fastify takes its byte length and copies it (in the request-cost profile 2.5 ms of a 50-item
        // page on top of the pieces, issue 20). One JSON.stringify writes the same JSON as one flat string.
        reply.type('application/json; charset=utf-8').serializer(JSON.stringify);
        return { ...page, limit, offset };
      },
    );
    cal.post(
      '/events',
      {
        schema: {
          tags,
          summary: 'Propose a new meeting or recurring series (nothing is sent until the proposal is approved)',
          description: `A meeting lasts at most ${LIMITS.meetingDays} days and has at most ${LIMITS.meetingAttendees} attendees; beyond, 422 limit_exceeded. With \`recurrence\` it is a series whose first meeting is \`start\` (422 invalid_recurrence when the rule cannot be written).`,
          body: CreateBody,
          response: { 201: Type.Ref('Proposal'), ...errors(409, 422) },
        },
      },
      async (req, reply) => {
        const actor = actorOf(req);
        const rec = await service.proposeCreate(actor, req.body);
        return reply.status(201).send((await proposalViews(service, actor, [rec]))[0]);
      },
    );
    cal.put(
      '/events/:id',
      {
        schema: {
          tags,
          summary:
            'Change a meeting: a proposal when external attendees are notified; internal-only changes apply directly when the tenant allows self-approval',
          params: IdParams,
          body: ChangeBody,
          headers: Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 512 })) }),
          response: { 200: Outcome, 202: Outcome, ...errors(403, 409, 412, 422, 503) },
        },
      },
      async (req, reply) => {
        const out = await service.updateEvent(actorOf(req), req.params.id, req.body, req.headers['if-match']);
        return out.status === 'applied'
          ? reply.status(200).send(out)
          : reply.status(202).send({ status: out.status, proposal: proposalView(out.proposal) });
      },
    );
    cal.delete(
      '/events/:id',
      {
        schema: {
          tags,
          summary:
            'Cancel a meeting, one occurrence of a series or (scope=series) the whole series (a proposal when external attendees are notified)',
          params: IdParams,
          querystring: DeleteQuery,
          response: { 202: Outcome, 204: Type.Null(), ...errors(403, 409, 412, 422, 503) },
        },
      },
      async (req, reply) => {
        const out = await service.deleteEvent(actorOf(req), req.params.id, req.query.scope);
        return out.status === 'applied'
          ? reply.status(204).send(null)
          : reply.status(202).send({ status: out.status, proposal: proposalView(out.proposal) });
      },
    );
    cal.post(
      '/events/:id/rsvp',
      {
        schema: {
          tags,
          summary: 'Answer an invitation: accept, tentative or decline, with an optional message to the organizer',
          description:
            "For a meeting in your calendar that someone else organizes (your own: 409 organizer_cannot_respond). For an occurrence of a series the answer is for that occurrence; scope=series answers the whole series. Not a proposal: the answer goes to the provider at once (Graph accept/tentativelyAccept/decline; Google the attendee's responseStatus).",
          params: IdParams,
          body: RsvpBody,
          response: {
            200: Type.Object({
              status: Type.Literal('responded'),
              meetingId: Type.String(),
              response: Type.String(),
            }),
            ...errors(403, 409, 422, 503),
          },
        },
      },
      async (req) => service.respond(actorOf(req), req.params.id, req.body),
    );
    cal.get(
      '/availability',
      {
        schema: {
          tags,
          summary: 'Free/busy of people and rooms plus an availability grid (unknown is never free)',
          description: `At most ${LIMITS.availabilityDays} days, ${LIMITS.availabilityAttendees} people and ${LIMITS.availabilityRooms} rooms per request, and at most ${LIMITS.providerCallsPerOperation} calls to the provider; beyond, 422 limit_exceeded.`,
          querystring: AvailabilityQuery,
          response: {
            200: Type.Object({
              range: Type.Object({ start: Type.String(), end: Type.String() }),
              timeZone: Type.String(),
              slotMinutes: Type.Integer(),
              schedules: Type.Array(
                Type.Object({ email: Type.String(), status: Type.String(), kind: Type.String() }, Loose),
              ),
              grid: Type.Object({}, Loose),
              completeness: Type.Object({ total: Type.Integer(), current: Type.Integer(), text: Type.String() }, Loose),
            }),
            ...errors(403, 409, 422, 503),
          },
        },
      },
      async (req, reply) => {
        const q = req.query;
        const answer = await service.availability(actorOf(req), {
          start: q.start,
          end: q.end,
          attendees: q.attendees ?? [],
          rooms: q.rooms ?? [],
          slotMinutes: q.granularity ?? 30,
          timeZone: q.timeZone,
        });
        // The grid is most of the answer (slots × people cells): the schema's serializer writes the rest, the grid is
        // spliced in as availabilityGridJson writes it (the same text JSON.stringify gives, several times faster).
        const serialize = reply.getSerializationFunction('200');
        if (serialize) reply.serializer((a: typeof answer) => withGrid(serialize({ ...a, grid: {} }), a.grid));
        return answer;
      },
    );
    cal.post(
      '/findmeetingtimes',
      {
        schema: {
          tags,
          summary: "Suggested meeting times (Graph findMeetingTimes, or calbridge's engine with the same shape)",
          body: FindBody,
          response: {
            200: Type.Object({
              engine: Type.String(),
              emptySuggestionsReason: Type.String(),
              suggestions: Type.Array(Suggestion),
            }),
            ...errors(403, 409, 422, 503),
          },
        },
      },
      async (req) => {
        const b = req.body;
        return service.findMeetingTimes(actorOf(req), {
          ...b,
          attendees: b.attendees.map((a) => ({ email: a.email, type: a.type ?? 'required' })),
        });
      },
    );
    cal.get(
      '/rooms',
      {
        schema: {
          tags,
          summary: 'Meeting rooms (building and capacity filters)',
          querystring: RoomsQuery,
          description: `Listing rooms makes at most ${LIMITS.providerCallsPerOperation} calls to the provider (422 limit_exceeded beyond).`,
          response: { 200: Type.Object({ items: Type.Array(Room) }), ...errors(403, 409, 422, 503) },
        },
      },
      async (req) => ({ items: await service.rooms(actorOf(req), req.query) }),
    );
  };
}

export { Proposal };
