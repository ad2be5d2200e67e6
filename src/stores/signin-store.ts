// Postgres repository for sign-in (OpenID Connect): flows in progress (spent once), the tenants whose allow-list
// admits a Microsoft tenant id or a Google hosted domain, and the people found or created by a sign-in.
import { sql, type Kysely } from 'kysely';
import type { Role, User, UserStatus } from '../domain/tenancy.js';
import type { FlowRejection, SignInFlow, SignInProvider, SignInStore } from '../ports/signin.js';
import type { DB } from './schema.js';
import { toUser } from './tenant-store.js';

export type { SignInProvider };

export class PgSignInStore implements SignInStore {
  constructor(private readonly db: Kysely<DB>) {}

  async createFlow(f: SignInFlow, now: Date): Promise<void> {
    // Flows nobody finished are removed as new ones start (an hour past their end).
    await this.db
      .deleteFrom('signin_flows')
      .where('expires_at', '<', new Date(now.getTime() - 3_600_000))
      .execute();
    await this.db
      .insertInto('signin_flows')
      .values({
        state_hash: f.stateHash,
        browser_hash: f.browserHash,
        provider: f.provider,
        nonce: f.nonce,
        verifier_ciphertext: f.verifierCiphertext,
        return_to: f.returnTo,
        expires_at: f.expiresAt,
      })
      .execute();
  }

  /**
   * Marks the flow with this state hash used, atomically, when it was started for `provider` in the browser whose
   * binding hashes to `browserHash`, and is unused and not expired at `now`. A flow of the other provider, or reached
   * from another browser, is not spent.
   */
  async consumeFlow(
    stateHash: string,
    browserHash: string,
    provider: SignInProvider,
    now: Date,
  ): Promise<SignInFlow | { rejected: FlowRejection }> {
    const row = await this.db
      .updateTable('signin_flows')
      .set({ used_at: now })
      .where('state_hash', '=', stateHash)
      .where('browser_hash', '=', browserHash)
      .where('provider', '=', provider)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
    if (row)
      return {
        stateHash: row.state_hash,
        browserHash: row.browser_hash,
        provider: row.provider as SignInProvider,
        nonce: row.nonce,
        verifierCiphertext: row.verifier_ciphertext,
        returnTo: row.return_to,
        expiresAt: row.expires_at,
      };
    const existing = await this.db
      .selectFrom('signin_flows')
      .select(['used_at', 'provider', 'browser_hash', sql<boolean>`expires_at <= ${now}`.as('expired')])
      .where('state_hash', '=', stateHash)
      .executeTakeFirst();
    if (!existing) return { rejected: 'unknown' };
    if (existing.provider !== provider) return { rejected: 'wrong_provider' };
    if (existing.used_at) return { rejected: 'used' };
    if (existing.expired) return { rejected: 'expired' };
    return { rejected: 'other_browser' };
  }

  /**
   * The tenants whose `signIn` allow-list holds `value` (a Microsoft tenant id or a Google hosted domain, compared in
   * lower case), oldest first.
   */
  async tenantsAllowing(kind: 'microsoftTenantIds' | 'googleDomains', value: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('tenants')
      .select('id')
      .where(
        sql<boolean>`EXISTS (SELECT 1 FROM jsonb_array_elements_text(
          CASE WHEN jsonb_typeof(settings -> 'signIn' -> ${kind}) = 'array' THEN settings -> 'signIn' -> ${kind} END
        ) v WHERE lower(v) = ${value.toLowerCase()})`,
      )
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** The users with this address in any of the tenants. */
  async usersByEmail(tenantIds: string[], email: string): Promise<User[]> {
    if (tenantIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', 'in', tenantIds)
      .where('email', '=', email.toLowerCase())
      .execute();
    return rows.map(toUser);
  }

  /** A user created by a first sign-in. */
  async createUser(input: {
    tenantId: string;
    email: string;
    displayName: string | null;
    role: Role;
    status: UserStatus;
  }): Promise<User> {
    const row = await this.db
      .insertInto('users')
      .values({
        tenant_id: input.tenantId,
        email: input.email.toLowerCase(),
        display_name: input.displayName,
        role: input.role,
        status: input.status,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toUser(row);
  }

  /** An invited user who signs in for the first time becomes active. */
  async activate(tenantId: string, userId: string): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ status: 'active' })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', userId)
      .where('status', '=', 'invited')
      .execute();
  }
}
