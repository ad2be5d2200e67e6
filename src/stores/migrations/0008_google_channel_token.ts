// Migration 8: Google push-channel ids no longer carry the channel token. Ids issued before embedded it (field `t` of
// the base64url JSON); it is dropped here. The token's hash is already in subscription_client_state_hash, so the open
// channels keep being verified; the next renewal issues a new token. Independent of migration 7.
import { sql, type Kysely } from 'kysely';

interface Row {
  calendar_id: string;
  subscription_id: string;
}

/** The id without its token, or null when it is not a Google channel id carrying one. */
export function withoutChannelToken(id: string): string | null {
  let ref: unknown;
  try {
    ref = JSON.parse(Buffer.from(id, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!ref || typeof ref !== 'object' || !('t' in ref) || typeof (ref as { c?: unknown }).c !== 'string') return null;
  const { t: _token, ...rest } = ref as Record<string, unknown>;
  return Buffer.from(JSON.stringify(rest)).toString('base64url');
}

export async function up(db: Kysely<unknown>): Promise<void> {
  const rows = await sql<Row>`
    SELECT s.calendar_id, s.subscription_id
      FROM calendar_sync_state s
      JOIN calendars c ON c.id = s.calendar_id
      JOIN calendar_connections cc ON cc.id = c.connection_id
     WHERE cc.provider = 'GOOGLE' AND s.subscription_id IS NOT NULL`.execute(db);
  for (const r of rows.rows) {
    const id = withoutChannelToken(r.subscription_id);
    if (id === null) continue;
    await sql`UPDATE calendar_sync_state SET subscription_id = ${id} WHERE calendar_id = ${r.calendar_id}`.execute(db);
  }
}

/** Nothing to restore: the token is not kept anywhere (the channels still verify against the stored hash). */
export async function down(): Promise<void> {}
