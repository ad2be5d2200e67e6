// The tenant's approval policy: who may approve a proposal, whether organizers may approve their own internal or
// external meetings, and how long a proposal waits. Pure rules; the services load users and settings.
import { AppError } from './errors.js';
import {
  roleIncludes,
  type ApproverRule,
  type Role,
  type StoredApprovalPolicy,
  type TenantSettings,
  type UserStatus,
} from './tenancy.js';

// The stored shapes live in tenancy.ts (tenant settings hold them); named here too for the policy's users.
export type { ApproverRule, StoredApprovalPolicy };

export interface ApprovalPolicy {
  approvers: ApproverRule;
  /** The organizer may approve their own meeting when it invites nobody outside the tenant. */
  selfApproveInternal: boolean;
  /** The organizer may approve their own meeting that invites people outside the tenant. */
  selfApproveExternal: boolean;
  /** Hours a proposal waits for a decision before it expires. */
  expiryHours: number;
}

export const DEFAULT_EXPIRY_HOURS = 72;
export const MAX_NAMED_APPROVERS = 50;

/**
 * The policy in force: the stored one, else approvers by role and no self-approval of external meetings;
 * self-approval of internal meetings is the `allowSelfApprovalInternal` setting and the expiry `proposalTtlHours`,
 * so those older settings keep working.
 */
export function policyOf(settings: TenantSettings): ApprovalPolicy {
  const stored = settings.approvalPolicy;
  return {
    approvers: stored?.approvers ?? { kind: 'role' },
    selfApproveInternal: settings.allowSelfApprovalInternal === true,
    selfApproveExternal: stored?.selfApproveExternal === true,
    expiryHours: settings.proposalTtlHours ?? DEFAULT_EXPIRY_HOURS,
  };
}

export interface PolicyUser {
  id: string;
  email: string;
  displayName: string | null;
  role: Role;
  status: UserStatus;
}

/** What a proposal needs for the decision: its organizer, whether it invites outsiders, the manager found for it. */
export interface ApprovalSubject {
  organizerId: string;
  notifiesExternal: boolean;
  /** The organizer's manager's e-mail when the directory named one at creation (manager rule). */
  managerEmail?: string | null;
}

export interface Approvers {
  /** The rule applied: `manager` falls back to `role` when the organizer's manager is unknown or not a user. */
  rule: 'role' | 'named' | 'manager';
  fallback: boolean;
  /** The organizer may approve their own proposal (self-approval allowed for its kind). */
  organizerMayApprove: boolean;
  /** Everyone who may approve it now, the organizer included when allowed. */
  users: PolicyUser[];
}

const byRole = (users: PolicyUser[]) => users.filter((u) => roleIncludes(u.role, 'approver'));

/** Who may approve `s` under `policy`, among the tenant's `users`. Deactivated users never approve. */
export function approversOf(policy: ApprovalPolicy, users: readonly PolicyUser[], s: ApprovalSubject): Approvers {
  const active = users.filter((u) => u.status !== 'deactivated');
  const organizerMayApprove = s.notifiesExternal ? policy.selfApproveExternal : policy.selfApproveInternal;
  let rule: Approvers['rule'] = policy.approvers.kind;
  let fallback = false;
  let chosen: PolicyUser[];
  if (policy.approvers.kind === 'named') {
    const ids = new Set(policy.approvers.userIds);
    chosen = active.filter((u) => ids.has(u.id));
  } else if (policy.approvers.kind === 'manager') {
    const email = s.managerEmail?.toLowerCase();
    const manager = email ? active.find((u) => u.email.toLowerCase() === email && u.id !== s.organizerId) : undefined;
    if (manager) chosen = [manager];
    else {
      rule = 'role';
      fallback = true;
      chosen = byRole(active);
    }
  } else chosen = byRole(active);
  const others = chosen.filter((u) => u.id !== s.organizerId);
  const organizer = active.find((u) => u.id === s.organizerId);
  return {
    rule,
    fallback,
    organizerMayApprove,
    users: organizerMayApprove && organizer ? [organizer, ...others] : others,
  };
}

/**
 * Throws the 403 the decision answers with when `userId` may not make it: `self_approval_not_allowed` for an
 * organizer approving their own proposal the policy does not let them, `not_an_approver` for anyone else the policy
 * does not name. An organizer may always reject (withdraw) their own proposal.
 */
export function assertMayDecide(
  a: Approvers,
  s: ApprovalSubject,
  userId: string,
  decision: 'approve' | 'reject',
): void {
  if (userId === s.organizerId) {
    if (decision === 'reject' || a.organizerMayApprove) return;
    throw new AppError('self_approval_not_allowed', undefined, {
      details: {
        reason: s.notifiesExternal ? 'external_attendees_need_second_approver' : 'self_approval_disabled',
        approvers: a.users.map((u) => u.id),
      },
    });
  }
  if (a.users.some((u) => u.id === userId)) return;
  throw new AppError('not_an_approver', undefined, {
    details: { rule: a.rule, fallback: a.fallback, approvers: a.users.map((u) => u.id) },
  });
}
