// The domains a tenant has shown it owns: those of its users' e-mail addresses and of its connected mailboxes.
import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.js';

/** Lower-case domains of the tenant's users and calendar connections' account e-mails (any connection status). */
export async function verifiedDomainsOf(db: Kysely<DB>, tenantId: string): Promise<Set<string>> {
  const r = await sql<{ domain: string }>`
    SELECT DISTINCT lower(split_part(email, '@', 2)) AS domain FROM users WHERE tenant_id = ${tenantId}::uuid
    UNION
    SELECT DISTINCT lower(split_part(account_email, '@', 2)) FROM calendar_connections
      WHERE tenant_id = ${tenantId}::uuid AND account_email IS NOT NULL`.execute(db);
  return new Set(r.rows.map((x) => x.domain).filter((d) => d.length > 0));
}
