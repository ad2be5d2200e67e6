import { describe, expect, it } from 'vitest';
import { approversOf, assertMayDecide, policyOf, type PolicyUser } from './approval-policy.js';
import { isAppError } from './errors.js';

const u = (id: string, role: PolicyUser['role'], status: PolicyUser['status'] = 'active'): PolicyUser => ({
  id,
  email: `${id}@contoso.com`,
  displayName: null,
  role,
  status,
});
const users = [u('org', 'admin'), u('amy', 'approver'), u('mia', 'member'), u('gone', 'approver', 'deactivated')];
const code = (f: () => void) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return isAppError(e) ? e.code : 'other';
  }
};

describe('approval policy', () => {
  it('defaults to approvers by role, follows the older settings for internal self-approval and expiry', () => {
    expect(policyOf({})).toEqual({
      approvers: { kind: 'role' },
      selfApproveInternal: false,
      selfApproveExternal: false,
      expiryHours: 72,
    });
    expect(policyOf({ allowSelfApprovalInternal: true, proposalTtlHours: 5 })).toMatchObject({
      selfApproveInternal: true,
      expiryHours: 5,
    });
  });

  it('role: approvers and admins other than the organizer, never deactivated users', () => {
    const a = approversOf(policyOf({}), users, { organizerId: 'org', notifiesExternal: true });
    expect(a.users.map((x) => x.id)).toEqual(['amy']);
    expect(code(() => assertMayDecide(a, { organizerId: 'org', notifiesExternal: true }, 'mia', 'approve'))).toBe(
      'not_an_approver',
    );
    expect(code(() => assertMayDecide(a, { organizerId: 'org', notifiesExternal: true }, 'org', 'approve'))).toBe(
      'self_approval_not_allowed',
    );
    expect(code(() => assertMayDecide(a, { organizerId: 'org', notifiesExternal: true }, 'org', 'reject'))).toBe('ok');
    expect(code(() => assertMayDecide(a, { organizerId: 'org', notifiesExternal: true }, 'gone', 'approve'))).toBe(
      'not_an_approver',
    );
  });

  it('named: only those users; manager: the manager, else role with fallback', () => {
    const named = approversOf({ ...policyOf({}), approvers: { kind: 'named', userIds: ['mia', 'gone'] } }, users, {
      organizerId: 'org',
      notifiesExternal: false,
    });
    expect(named.users.map((x) => x.id)).toEqual(['mia']);
    const manager = { ...policyOf({}), approvers: { kind: 'manager' as const } };
    expect(
      approversOf(manager, users, { organizerId: 'amy', notifiesExternal: true, managerEmail: 'MIA@contoso.com' }),
    ).toMatchObject({ rule: 'manager', fallback: false, users: [{ id: 'mia' }] });
    expect(
      approversOf(manager, users, { organizerId: 'amy', notifiesExternal: true, managerEmail: null }),
    ).toMatchObject({ rule: 'role', fallback: true, users: [{ id: 'org' }] });
  });

  it('self-approval per kind of meeting', () => {
    const p = { ...policyOf({}), selfApproveInternal: true };
    const internal = approversOf(p, users, { organizerId: 'org', notifiesExternal: false });
    expect(internal.organizerMayApprove).toBe(true);
    expect(internal.users.map((x) => x.id)).toEqual(['org', 'amy']);
    expect(approversOf(p, users, { organizerId: 'org', notifiesExternal: true }).organizerMayApprove).toBe(false);
  });
});
