// Tenants, users and who is calling: the multi-tenant frame every query is scoped by.
import type { ProviderType } from './calendar.js';

/** Who approves: users whose role includes approver, named users, or the organizer's manager (directory). */
export type ApproverRule = { kind: 'role' } | { kind: 'named'; userIds: string[] } | { kind: 'manager' };

/** What tenant settings store under `approvalPolicy` (the other two fields are the older settings). */
export interface StoredApprovalPolicy {
  approvers: ApproverRule;
  selfApproveExternal?: boolean;
}

export interface TenantSettings {
  /** Create online meetings (Teams / Meet) by default. */
  onlineMeetingByDefault?: boolean;
  /** Privacy mode for therapists and coaches: private events, no client names in subject/body. */
  privacyMode?: boolean;
  /** Minutes of buffer after sessions in privacy mode. */
  bufferMinutes?: number;
  /** Internal-only meetings may be approved by their creator. */
  allowSelfApprovalInternal?: boolean;
  /** The tenant's own email domains (never count as customer domains). */
  ownDomains?: string[];
  /** Who sees meetings on shared calendars: `owner` or `team`. */
  sharedCalendarVisibility?: 'owner' | 'team';
  /** Engagement score weights by factor name. */
  engagementWeights?: Record<string, number>;
  /** Score change that triggers the health webhook. */
  healthWebhookThreshold?: number;
  healthWebhookUrl?: string | null;
  /** Minutes before a customer meeting to deliver the prep brief. */
  prepBriefMinutesBefore?: number;
  proposalTtlHours?: number;
  /** Who may sign in with Microsoft or Google (OpenID Connect) into this tenant. */
  signIn?: SignInAllowList;
  /** Who approves proposals and whether organizers may approve external meetings (PUT /api/approval-policy). */
  approvalPolicy?: StoredApprovalPolicy;
}

/**
 * The tenant's sign-in allow-list: a Microsoft sign-in is accepted when the ID token's `tid` is listed, a Google one
 * when its verified `hd` (Workspace domain) is listed; the person is then found (or created as a member) by address.
 */
export interface SignInAllowList {
  /** Entra ID tenant ids (GUIDs). */
  microsoftTenantIds?: string[];
  /** Google Workspace domains (the `hd` claim). */
  googleDomains?: string[];
}

export interface Tenant {
  id: string;
  name: string;
  calendarProvider: ProviderType;
  settings: TenantSettings;
  createdAt: string;
}

/**
 * What a user may do in their tenant, each including the one below: `member` (own calendar, own proposals, customers),
 * `approver` (also approves other people's proposals, per the tenant's approval policy), `admin` (also tenant settings,
 * detection rules, users and roles, API keys, the audit trail).
 */
export type Role = 'member' | 'approver' | 'admin';
export const ROLES: readonly Role[] = ['member', 'approver', 'admin'];
export type UserStatus = 'invited' | 'active' | 'deactivated';

/** True when `role` includes everything `needed` allows. */
export function roleIncludes(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export interface User {
  id: string;
  tenantId: string;
  email: string;
  displayName: string | null;
  timeZone: string;
  role: Role;
  status: UserStatus;
}

/** The authenticated caller of the API: a user of one tenant, by API key or by browser session. */
export interface Actor {
  tenantId: string;
  userId: string;
  role: Role;
  /** The API key used (null for a browser session). */
  apiKeyId: string | null;
  /** The browser session used (null for an API key). */
  sessionId: string | null;
}
