// Proposals (pending meeting changes that need a human's approval) and scheduling from a customer's page.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { SCHEDULING_LIMITS } from '../../domain/scheduling/limits.js';
import type { Approvers } from '../../domain/approval-policy.js';
import type { Actor } from '../../domain/tenancy.js';
import { describeRecurrence, specOfRecurrence, WEEKDAYS } from '../../domain/recurrence-spec.js';
import type { ProposalPayload, ProposalRecord } from '../../ports/scheduling.js';
import type { SchedulingService } from '../../services/scheduling/scheduling-service.js';
import { actorOf } from '../auth.js';
import type { RouteModule } from '../app-deps.js';
import { errors, IdParams, LiteralUnion, Paging, Uuid } from '../schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Email = Type.String({ format: 'email', maxLength: 320 });
const STATUSES = ['pending', 'approving', 'approved', 'rejected', 'expired', 'failed'] as const;

const Day = LiteralUnion(WEEKDAYS);
/** A series as callers describe it (the events API and proposals alike); checked by recurrenceFromSpec. */
export const RecurrenceIn = Type.Object(
  {
    frequency: Type.Union([Type.Literal('daily'), Type.Literal('weekly'), Type.Literal('monthly')]),
    interval: Type.Optional(Type.Integer({ description: 'Every n days/weeks/months, 1–99 (default 1)' })),
    daysOfWeek: Type.Optional(
      Type.Array(Day, { maxItems: 7, description: "weekly: the days (default: the start's); the start must be one" }),
    ),
    dayOfMonth: Type.Optional(Type.Integer({ description: "monthly: the start's day of the month" })),
    until: Type.Optional(
      Type.String({ maxLength: 10, description: 'Last local date (YYYY-MM-DD, inclusive), at most 5 years on' }),
    ),
    count: Type.Optional(Type.Integer({ description: 'Number of occurrences, 1–730' })),
  },
  {
    additionalProperties: false,
    description:
      'A series: the first meeting is `start`; at most one of `until` and `count` (neither: no end). A rule broken is 422 invalid_recurrence with details.reason.',
  },
);
const RecurrenceOut = Type.Object(
  {
    frequency: Type.Union([Type.Literal('daily'), Type.Literal('weekly'), Type.Literal('monthly')]),
    interval: Type.Integer(),
    daysOfWeek: Type.Optional(Type.Array(Day)),
    dayOfMonth: Type.Optional(Type.Integer()),
    until: Type.Optional(Type.String({ description: 'Last local date (YYYY-MM-DD, inclusive)' })),
    count: Type.Optional(Type.Integer()),
    summary: Type.String({ description: 'The series in words, e.g. "Every Tuesday, 6 times"' }),
  },
  { description: 'The series the approval creates (or the new pattern of a series change); null: a single meeting' },
);

export const Proposal = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    status: Type.String(),
    customerId: Nullable(Type.String()),
    meetingId: Nullable(Type.String()),
    createdBy: Nullable(Type.String()),
    decidedBy: Nullable(Type.String()),
    decidedAt: Nullable(Type.String()),
    expiresAt: Type.String(),
    error: Nullable(Type.String()),
    decisionReason: Type.Optional(
      Nullable(Type.String({ description: 'Why it was rejected, as its approver wrote it (shown to the requester)' })),
    ),
    createdAt: Type.String(),
    recurrence: Type.Optional(Nullable(RecurrenceOut)),
    preview: Type.Object(
      {
        subject: Type.String(),
        bodyHtml: Type.String(),
        teams: Type.Boolean(),
        room: Nullable(Type.String()),
        start: Type.String(),
        end: Type.String(),
        attendees: Type.Array(
          Type.Object(
            { email: Type.String(), timeZone: Nullable(Type.String()), localStart: Nullable(Type.String()) },
            { additionalProperties: true },
          ),
        ),
      },
      { additionalProperties: true },
    ),
    approvers: Type.Optional(
      Type.Array(Type.Object({ userId: Type.String(), email: Type.String(), displayName: Nullable(Type.String()) }), {
        description: "Who may approve it now under the tenant's approval policy (the organizer when allowed).",
      }),
    ),
    approval: Type.Optional(
      Type.Object({
        rule: Type.Union([Type.Literal('role'), Type.Literal('named'), Type.Literal('manager')]),
        fallback: Type.Boolean({ description: 'true: the manager rule fell back to role (manager unknown)' }),
        organizerMayApprove: Type.Boolean(),
      }),
    ),
    result: Nullable(
      Type.Object({
        meetingId: Nullable(Type.String()),
        providerEventId: Nullable(Type.String()),
        joinUrl: Nullable(Type.String()),
        action: Type.String(),
      }),
    ),
  },
  { $id: 'Proposal' },
);

/** The API view of a proposal (the internal payload stays internal), with who may approve it when known. */
export function proposalView(p: ProposalRecord, a?: Approvers) {
  const { payload, tenantId: _t, userId: _u, updatedAt: _x, ...fields } = p;
  const rest = { ...fields, recurrence: recurrenceView(payload) };
  if (!a) return rest;
  return {
    ...rest,
    approvers: a.users.map((u) => ({ userId: u.id, email: u.email, displayName: u.displayName })),
    approval: { rule: a.rule, fallback: a.fallback, organizerMayApprove: a.organizerMayApprove },
  };
}

/** The proposal's series as the caller described it, with its summary in words; null for a single meeting. */
function recurrenceView(payload: ProposalPayload) {
  const r = payload.recurrence;
  const spec = r ? specOfRecurrence(r) : null;
  if (!r || !spec) return null;
  return {
    ...spec,
    interval: spec.interval ?? 1,
    summary: describeRecurrence(spec, { start: payload.start, timeZone: r.timeZone }),
  };
}

/** Views of proposals with their approvers (one read of the tenant and its users). */
export async function proposalViews(service: SchedulingService, actor: Actor, recs: ProposalRecord[]) {
  const approvers = await service.approversOf(actor, recs);
  return recs.map((r) => proposalView(r, approvers.get(r.id)));
}

const ListQuery = Type.Intersect([
  Paging,
  Type.Object({
    status: Type.Optional(Type.Union(STATUSES.map((s) => Type.Literal(s)))),
    mine: Type.Optional(Type.Boolean()),
  }),
]);

const ScheduleBody = Type.Object(
  {
    templateId: Type.Optional(Uuid),
    templateKey: Type.Optional(Type.String({ maxLength: 50 })),
    start: Type.String({ format: 'date-time' }),
    durationMinutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 1440 })),
    attendees: Type.Optional(
      Type.Array(
        Type.Object(
          {
            email: Email,
            name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
            type: Type.Optional(Type.Union([Type.Literal('required'), Type.Literal('optional')])),
          },
          { additionalProperties: false },
        ),
        {
          description: `Replaces the stakeholders picked from the customer; at most ${SCHEDULING_LIMITS.meetingAttendees} (422 limit_exceeded beyond, also when the customer has more stakeholders and none are given).`,
        },
      ),
    ),
    subject: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    room: Type.Optional(Nullable(Email)),
    onlineMeeting: Type.Optional(Type.Boolean()),
    calendarId: Type.Optional(Uuid),
    timeZone: Type.Optional(Type.String({ maxLength: 64 })),
    recurrence: Type.Optional(RecurrenceIn),
  },
  { additionalProperties: false },
);

const ReviseBody = Type.Object(
  {
    start: Type.Optional(Type.String({ format: 'date-time' })),
    end: Type.Optional(
      Type.String({ format: 'date-time', description: 'Default: the new start plus the current duration' }),
    ),
    attendees: Type.Optional(
      Type.Array(
        Type.Object(
          {
            email: Email,
            name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
            type: Type.Optional(Type.Union([Type.Literal('required'), Type.Literal('optional')])),
          },
          { additionalProperties: false },
        ),
        { maxItems: SCHEDULING_LIMITS.meetingAttendees, description: 'Replaces the attendees' },
      ),
    ),
    subject: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    bodyHtml: Type.Optional(Type.String({ maxLength: 20_000, description: 'The message (sanitised like a new one)' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

const RejectBody = Type.Object(
  {
    reason: Type.Optional(
      Type.String({ maxLength: 1000, description: 'Why it is rejected; the requester sees it on the proposal' }),
    ),
  },
  { additionalProperties: false },
);

export function proposalRoutes(service: SchedulingService): RouteModule {
  return async (untyped: FastifyInstance) => {
    const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(Proposal);
    const tags = ['proposals'];
    app.get(
      '/api/proposals',
      {
        schema: {
          tags,
          summary: "Your tenant's proposals (filter by status; mine=true for your own)",
          querystring: ListQuery,
          response: { 200: Type.Object({ items: Type.Array(Type.Ref('Proposal')) }), ...errors() },
        },
      },
      async (req) => {
        const q = req.query;
        const actor = actorOf(req);
        const recs = await service.listProposals(actor, {
          status: q.status,
          mine: q.mine,
          limit: q.limit ?? 50,
          offset: q.offset ?? 0,
        });
        return { items: await proposalViews(service, actor, recs) };
      },
    );
    app.get(
      '/api/proposals/:id',
      {
        schema: {
          tags,
          summary: 'A proposal with its preview: exactly what attendees will receive, in their own time zones',
          params: IdParams,
          response: { 200: Type.Ref('Proposal'), ...errors() },
        },
      },
      async (req) => {
        const actor = actorOf(req);
        const rec = await service.getProposal(actor, req.params.id);
        return (await proposalViews(service, actor, [rec]))[0];
      },
    );
    app.post(
      '/api/proposals/:id/approve',
      {
        schema: {
          tags,
          summary:
            "Approve: performs the proposal exactly once (repeats return the same result). Only the approvers the tenant's approval policy names (403 not_an_approver), the organizer only when self-approval is allowed for the meeting (403 self_approval_not_allowed)",
          params: IdParams,
          response: { 200: Type.Ref('Proposal'), ...errors(403, 409, 412, 422, 503) },
        },
      },
      async (req) => {
        const actor = actorOf(req);
        const { proposal } = await service.approve(actor, req.params.id);
        return (await proposalViews(service, actor, [proposal]))[0];
      },
    );
    app.patch(
      '/api/proposals/:id',
      {
        schema: {
          tags,
          summary:
            "Change a pending proposal before approval (time, attendees, subject, message): only its requester or one of its approvers under the tenant's policy (403 forbidden), only while pending (409 proposal_not_pending, proposal_expired); the preview is rebuilt",
          params: IdParams,
          body: ReviseBody,
          response: { 200: Type.Ref('Proposal'), ...errors(403, 409, 422) },
        },
      },
      async (req) => {
        const actor = actorOf(req);
        const rec = await service.reviseProposal(actor, req.params.id, req.body);
        return (await proposalViews(service, actor, [rec]))[0];
      },
    );
    app.post(
      '/api/proposals/:id/reject',
      {
        schema: {
          tags,
          summary:
            "Reject a pending proposal, optionally with a reason the requester sees: its approvers under the tenant's policy (403 not_an_approver otherwise), or its organizer (withdraw)",
          params: IdParams,
          body: RejectBody,
          response: { 200: Type.Ref('Proposal'), ...errors(403, 409) },
        },
        // a reject without a body (the calls made before reasons existed) is a reject without a reason
        preValidation: async (req) => {
          if (req.body === undefined || req.body === null) req.body = {};
        },
      },
      async (req) => {
        const actor = actorOf(req);
        const rec = await service.reject(
          actor,
          req.params.id,
          req.body.reason ?? null, // preValidation makes a missing body {}
        );
        return (await proposalViews(service, actor, [rec]))[0];
      },
    );
    app.post(
      '/api/customers/:id/schedule',
      {
        schema: {
          tags: ['customers', 'proposals'],
          summary: "Propose a meeting from a customer's context (stakeholders, template, Teams, your default calendar)",
          params: IdParams,
          body: ScheduleBody,
          response: { 201: Type.Ref('Proposal'), ...errors(409, 422) },
        },
      },
      async (req, reply) => {
        const actor = actorOf(req);
        const rec = await service.scheduleForCustomer(actor, req.params.id, req.body);
        return reply.status(201).send((await proposalViews(service, actor, [rec]))[0]);
      },
    );
  };
}
