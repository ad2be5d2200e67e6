// The sign-in service's port (OpenID Connect sign-in): flows in progress, the tenants whose allow-list admits an
// account, and the people a sign-in finds or creates. PgSignInStore implements it.
import type { Role, User, UserStatus } from '../domain/tenancy.js';

export type SignInProvider = 'microsoft' | 'google';

export interface SignInFlow {
  stateHash: string;
  browserHash: string;
  provider: SignInProvider;
  nonce: string;
  verifierCiphertext: string;
  returnTo: string | null;
  expiresAt: Date;
}

/** Why a flow cannot be used; `wrong_provider`: it was started for the other provider (and is left unused). */
export type FlowRejection = 'unknown' | 'used' | 'expired' | 'wrong_provider' | 'other_browser';

export interface SignInStore {
  createFlow(f: SignInFlow, now: Date): Promise<void>;
  /** Spends the flow atomically when it is this provider's, this browser's, unused and not expired. */
  consumeFlow(
    stateHash: string,
    browserHash: string,
    provider: SignInProvider,
    now: Date,
  ): Promise<SignInFlow | { rejected: FlowRejection }>;
  /** The tenants whose `signIn` allow-list holds the value (case-insensitive), oldest first. */
  tenantsAllowing(kind: 'microsoftTenantIds' | 'googleDomains', value: string): Promise<string[]>;
  usersByEmail(tenantIds: string[], email: string): Promise<User[]>;
  /** An invited user who signs in for the first time becomes active. */
  activate(tenantId: string, userId: string): Promise<void>;
  createUser(input: {
    tenantId: string;
    email: string;
    displayName: string | null;
    role: Role;
    status: UserStatus;
  }): Promise<User>;
}
