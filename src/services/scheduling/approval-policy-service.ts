// The tenant's approval policy: read by everyone (before a proposal is made), written by admins (the route's role),
// each write audited. Stored in tenant settings: `approvalPolicy` (approvers, external self-approval) with the older
// `allowSelfApprovalInternal` and `proposalTtlHours`, written together in one update.
import {
  approversOf,
  MAX_NAMED_APPROVERS,
  policyOf,
  type ApprovalPolicy,
  type ApproverRule,
  type PolicyUser,
} from '../../domain/approval-policy.js';
import { AppError } from '../../domain/errors.js';
import type { Actor, Tenant, TenantSettings, User } from '../../domain/tenancy.js';
import type { AuditStore } from '../../ports/stores.js';

export interface ApprovalPolicyDeps {
  tenants: {
    getTenant(id: string): Promise<Tenant | null>;
    updateSettings(id: string, settings: TenantSettings): Promise<Tenant>;
    listUsers(tenantId: string): Promise<User[]>;
  };
  audit: AuditStore;
}

export interface PolicyView extends ApprovalPolicy {
  /** Who approves other people's proposals under it (manager: the fallback, used when the manager is unknown). */
  eligibleApprovers: Array<{ userId: string; email: string; displayName: string | null }>;
}

export const personOf = (u: PolicyUser) => ({ userId: u.id, email: u.email, displayName: u.displayName });

export class ApprovalPolicyService {
  constructor(private readonly d: ApprovalPolicyDeps) {}

  private async tenant(tenantId: string): Promise<Tenant> {
    const t = await this.d.tenants.getTenant(tenantId);
    if (!t) throw new AppError('not_found', 'No such tenant.');
    return t;
  }

  async get(actor: Pick<Actor, 'tenantId'>): Promise<PolicyView> {
    const [t, users] = await Promise.all([this.tenant(actor.tenantId), this.d.tenants.listUsers(actor.tenantId)]);
    return this.view(policyOf(t.settings), users);
  }

  private view(policy: ApprovalPolicy, users: User[]): PolicyView {
    // Approvers of a proposal by nobody in particular (no organizer, internal): the rule's people.
    const a = approversOf({ ...policy, selfApproveInternal: false }, users, {
      organizerId: '',
      notifiesExternal: false,
    });
    return { ...policy, eligibleApprovers: a.users.map(personOf) };
  }

  /** Replaces the policy (admins only: the route's role). Named approvers must be active users of the tenant. */
  async put(actor: Actor, policy: ApprovalPolicy): Promise<PolicyView> {
    const [t, users] = await Promise.all([this.tenant(actor.tenantId), this.d.tenants.listUsers(actor.tenantId)]);
    let approvers: ApproverRule = policy.approvers;
    if (approvers.kind === 'named') {
      const ids = [...new Set(approvers.userIds)];
      if (ids.length === 0 || ids.length > MAX_NAMED_APPROVERS)
        throw new AppError('validation_failed', `Name 1 to ${MAX_NAMED_APPROVERS} approvers.`, {
          details: { field: 'approvers.userIds' },
        });
      for (const id of ids) {
        const u = users.find((x) => x.id === id);
        if (!u || u.status === 'deactivated')
          throw new AppError('approver_unknown', undefined, { details: { userId: id } });
      }
      approvers = { kind: 'named', userIds: ids };
    } else approvers = { kind: approvers.kind };
    const before = policyOf(t.settings);
    const settings: TenantSettings = {
      ...t.settings,
      approvalPolicy: { approvers, selfApproveExternal: policy.selfApproveExternal },
      allowSelfApprovalInternal: policy.selfApproveInternal,
      proposalTtlHours: policy.expiryHours,
    };
    const updated = await this.d.tenants.updateSettings(t.id, settings);
    const after = policyOf(updated.settings);
    await this.d.audit.record({
      tenantId: t.id,
      actor: actor.userId,
      action: 'approval_policy.updated',
      targetType: 'tenant',
      targetId: t.id,
      details: { before, after },
    });
    return this.view(after, users);
  }
}
