// The approval policy (everyone reads it before proposing; admins write it) and the approvals badge: the pending
// proposals the caller may approve now.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { DEFAULT_EXPIRY_HOURS, MAX_NAMED_APPROVERS } from '../../domain/approval-policy.js';
import type { ApprovalPolicyService } from '../../services/scheduling/approval-policy-service.js';
import type { SchedulingService } from '../../services/scheduling/scheduling-service.js';
import { actorOf } from '../auth.js';
import type { RouteModule } from '../app-deps.js';
import { errors, Uuid } from '../schemas.js';
import { proposalView } from './proposals.js';

const Approvers = Type.Union(
  [
    Type.Object({ kind: Type.Literal('role') }, { additionalProperties: false }),
    Type.Object(
      {
        kind: Type.Literal('named'),
        userIds: Type.Array(Uuid, { minItems: 1, maxItems: MAX_NAMED_APPROVERS, uniqueItems: true }),
      },
      { additionalProperties: false },
    ),
    Type.Object({ kind: Type.Literal('manager') }, { additionalProperties: false }),
  ],
  {
    description:
      "role: users whose role includes approver (approver, admin); named: these users; manager: the organizer's manager in the directory (Microsoft Graph), falling back to role when unknown.",
  },
);

const PolicyBody = Type.Object(
  {
    approvers: Approvers,
    selfApproveInternal: Type.Boolean({
      description: 'Organizers may approve their own meetings that invite nobody outside the tenant.',
    }),
    selfApproveExternal: Type.Boolean({
      description: 'Organizers may approve their own meetings that invite people outside the tenant.',
    }),
    expiryHours: Type.Integer({
      minimum: 1,
      maximum: 720,
      description: `Hours a proposal waits for a decision (default ${DEFAULT_EXPIRY_HOURS}).`,
    }),
  },
  { additionalProperties: false },
);

const Person = Type.Object({
  userId: Type.String(),
  email: Type.String(),
  displayName: Type.Union([Type.String(), Type.Null()]),
});

const Policy = Type.Object(
  { ...PolicyBody.properties, eligibleApprovers: Type.Array(Person) },
  { $id: 'ApprovalPolicy' },
);

export function approvalRoutes(service: SchedulingService, policies: ApprovalPolicyService): RouteModule {
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(Policy);
    const tags = ['proposals'];
    app.get(
      '/api/approval-policy',
      {
        schema: {
          tags,
          summary: "The tenant's approval policy: who approves proposals, self-approval, expiry (readable by everyone)",
          response: { 200: Type.Ref('ApprovalPolicy'), ...errors() },
        },
      },
      async (req) => policies.get(actorOf(req)),
    );
    app.put(
      '/api/approval-policy',
      {
        schema: {
          tags,
          summary:
            'Replace the approval policy (admins; audited). Named approvers must be active users (422 approver_unknown)',
          body: PolicyBody,
          response: { 200: Type.Ref('ApprovalPolicy'), ...errors(403, 422) },
        },
      },
      async (req) => policies.put(actorOf(req), req.body),
    );
    app.get(
      '/api/approvals/pending',
      {
        schema: {
          tags,
          summary: 'The pending proposals you may approve now (the approvals badge: count and items, newest first)',
          response: {
            200: Type.Object({ count: Type.Integer(), items: Type.Array(Type.Ref('Proposal')) }),
            ...errors(),
          },
        },
      },
      async (req) => {
        const { items, approvers } = await service.pendingApprovals(actorOf(req));
        return { count: items.length, items: items.map((r) => proposalView(r, approvers.get(r.id))) };
      },
    );
  };
}
