// Customer meetings: one meeting with its detection candidates, manual association, a customer's past and upcoming meetings.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { MeetingService } from '../../services/detection/meeting-service.js';
import { actorOf } from '../auth.js';
import { errors, IdParams, Paging, Uuid } from '../schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const Candidate = Type.Object({
  customerId: Type.String(),
  reason: Type.String({ description: 'manual, domain, stakeholder or subject' }),
  confidence: Type.Number(),
  evidence: Type.Array(Type.String()),
  matchedAttendees: Type.Array(Type.String()),
  matchedStakeholders: Type.Array(Type.String()),
  matchedPatterns: Type.Array(Type.Object({ kind: Type.String(), value: Type.String() })),
});

const Person = Type.Object({ email: Type.String(), name: Nullable(Type.String()) });

export const CustomerMeeting = Type.Object(
  {
    id: Type.String(),
    userId: Type.String(),
    calendarId: Nullable(Type.String()),
    onSharedCalendar: Type.Boolean(),
    subject: Type.String(),
    start: Type.String(),
    end: Type.String(),
    isAllDay: Type.Boolean(),
    isCancelled: Type.Boolean(),
    eventType: Type.String(),
    ownResponse: Type.String(),
    organizer: Nullable(Person),
    attendees: Type.Array(
      Type.Object({
        email: Type.String(),
        name: Nullable(Type.String()),
        type: Type.String(),
        response: Type.String(),
      }),
    ),
    customer: Type.Object({
      customerId: Nullable(Type.String()),
      reason: Nullable(Type.String({ description: 'manual, manual_none, domain, stakeholder, subject or none' })),
      confidence: Nullable(Type.Number()),
      manual: Type.Boolean(),
      candidates: Type.Array(Candidate),
    }),
  },
  { $id: 'CustomerMeeting' },
);

const AssociateBody = Type.Object(
  { customerId: Type.Union([Uuid, Type.Null()], { description: 'null marks "not a customer meeting"' }) },
  { additionalProperties: false },
);
const CustomerMeetingsQuery = Type.Intersect([
  Paging,
  Type.Object({
    when: Type.Optional(Type.Union([Type.Literal('past'), Type.Literal('upcoming')])),
    match: Type.Optional(
      Type.Union([Type.Literal('customer'), Type.Literal('candidate')], {
        description:
          "customer (default): the customer's meetings; candidate: meetings that match the customer's rules but " +
          'count for another customer or none (e.g. after "not this customer"), to say "this is <customer>"',
      }),
    ),
  }),
]);

const PreviewBody = Type.Object(
  {
    domains: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 50 })),
    subjectPatterns: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50 })),
    stakeholders: Type.Optional(
      Type.Array(
        Type.Object({ email: Type.String({ minLength: 3, maxLength: 320 }) }, { additionalProperties: false }),
        {
          maxItems: 500,
        },
      ),
    ),
    customerId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
const PreviewReason = Type.Union([Type.Literal('domain'), Type.Literal('stakeholder'), Type.Literal('subject')]);
const RulesPreview = Type.Object({
  matches: Type.Integer({ description: 'Synced meetings you can see that the rules would match (copies once)' }),
  byReason: Type.Object({ domain: Type.Integer(), stakeholder: Type.Integer(), subject: Type.Integer() }),
  keptByHand: Type.Integer({ description: 'Matches a person set by hand to another customer or to none: kept so' }),
  sample: Type.Array(
    Type.Object({ id: Type.String(), subject: Type.String(), start: Type.String(), reason: PreviewReason }),
    { description: 'The newest matches (at most 5)' },
  ),
  capped: Type.Boolean({ description: 'More meetings exist than a preview reads (20,000)' }),
});

/** Routes for customer meetings (one service call each). */
export function meetingRoutes(meetings: MeetingService) {
  return async (untyped: FastifyInstance): Promise<void> => {
    const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(CustomerMeeting);
    const tags = ['meetings'];
    const one = { 200: Type.Ref('CustomerMeeting'), ...errors() };
    app.get(
      '/api/meetings/:id',
      { schema: { tags, summary: 'A meeting with its customer and every candidate', params: IdParams, response: one } },
      async (req) => meetings.get(actorOf(req), req.params.id),
    );
    app.post(
      '/api/meetings/:id/customer',
      {
        schema: {
          tags,
          summary: 'Associate a meeting with a customer by hand (null: not a customer meeting)',
          params: IdParams,
          body: AssociateBody,
          response: one,
        },
      },
      async (req) => meetings.associate(actorOf(req), req.params.id, req.body.customerId),
    );
    app.delete(
      '/api/meetings/:id/customer',
      {
        schema: { tags, summary: 'Return a meeting to automatic detection', params: IdParams, response: one },
      },
      async (req) => meetings.clearAssociation(actorOf(req), req.params.id),
    );
    app.post(
      '/api/customers/preview',
      {
        schema: {
          tags: ['customers'],
          summary: "How many synced meetings a customer's draft rules would match (nothing is stored)",
          body: PreviewBody,
          response: { 200: RulesPreview, ...errors() },
        },
      },
      async (req) => meetings.preview(actorOf(req), req.body),
    );
    app.get(
      '/api/customers/:id/meetings',
      {
        schema: {
          tags,
          summary: "A customer's past (newest first) or upcoming (soonest first) meetings",
          params: IdParams,
          querystring: CustomerMeetingsQuery,
          response: {
            200: Type.Object({ items: Type.Array(Type.Ref('CustomerMeeting')), total: Type.Integer() }),
            ...errors(),
          },
        },
      },
      async (req) => {
        const q = req.query;
        return meetings.listForCustomer(actorOf(req), req.params.id, {
          when: q.when ?? 'upcoming',
          match: q.match ?? 'customer',
          limit: q.limit ?? 50,
          offset: q.offset ?? 0,
        });
      },
    );
  };
}
