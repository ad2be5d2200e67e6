// Shared contracts between the emulator's parts (identity platform, Graph surface, admin API, seed).
// The emulator imports nothing from the service (src/): it models Microsoft's wire behaviour on its own.

/** An Entra ID tenant (directory). */
export interface EmuTenant {
  /** GUID. */
  id: string;
  displayName: string;
  /** Verified domains, the first is the default (e.g. `contoso.com`). */
  domains: string[];
  /** When true, users cannot consent themselves: authorize answers AADSTS65001/90094 until an admin consents. */
  userConsentDisabled: boolean;
  /** Scopes an administrator consented to for every user of this tenant, per client id. */
  adminConsents: Map<string, Set<string>>;
}

/** A user or a room mailbox. */
export interface EmuUser {
  /** Object id (GUID): the `oid` claim and Graph's user id. */
  id: string;
  tenantId: string;
  userPrincipalName: string;
  mail: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  jobTitle: string | null;
  kind: 'user' | 'room';
  /** Where the mailbox lives; `onPremises` mailboxes answer Graph's "hosted on-premise" 404. */
  mailbox: 'exchangeOnline' | 'onPremises';
  /** Password for the consent page (emulator only). */
  password: string;
  /** The user's manager (object id), served at `GET /users/{id}/manager`; absent: no manager. */
  managerId?: string;
}

/** A registered application (app registration). */
export interface EmuApp {
  clientId: string;
  clientSecret: string;
  displayName: string;
  redirectUris: string[];
  /** The tenant the app is registered in; multi-tenant apps sign in users of any tenant. */
  homeTenantId: string;
  multiTenant: boolean;
}

/** Who is calling Graph, from a verified access token. */
export interface Principal {
  kind: 'delegated' | 'application';
  tenantId: string;
  /** The signed-in user's object id (delegated only). */
  userId: string | null;
  appId: string;
  /** Delegated scopes (`scp`) or application roles (`roles`). */
  scopes: Set<string>;
  /** When the access token of the request expires (epoch ms, its `exp` claim); absent when not known. */
  tokenExpiresAt?: number;
}

/** Authenticates a Graph request from its Authorization header; throws a GraphHttpError (401) when invalid. */
export type Authenticate = (authorizationHeader: string | undefined) => Promise<Principal>;

/** Clock in epoch milliseconds; tests may move it. */
export type Clock = () => number;
