// Measures the PostgreSQL footprint of synced meetings (bytes per row, tables + indexes) for docs/scaling.md.
// Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/load/row-size.ts
import { sql } from 'kysely';
import { openBenchDatabase } from './db.js';
import { spawnEmulator } from './emulator-process.js';
import { BULK_LOGIN } from './initial-sync.js';
import { signInMailbox } from './microsoft.js';
import { insertTarget } from './db.js';
import { SyncService } from '../../src/services/sync/sync-service.js';
import { PgSyncStore } from '../../src/stores/sync-store.js';

const emu = await spawnEmulator({ scale: 7 });
const database = await openBenchDatabase();
try {
  const m = await signInMailbox(emu, emu.agent, BULK_LOGIN);
  const ids = await insertTarget(database, BULK_LOGIN, m.defaultCalendarId);
  const sync = new SyncService(
    new PgSyncStore(database.db),
    { forTarget: () => m.provider },
    { windowPastDays: 190, windowFutureDays: 190, now: () => new Date() },
  );
  await sync.syncCalendar(ids.tenantId, ids.calendarId, { full: true });
  await sql`VACUUM ANALYZE meetings`.execute(database.db).catch(() => undefined);
  const r = await sql<{ rows: number; bytes: string; links: string }>`
    SELECT (SELECT count(*)::int FROM meetings) AS rows,
           pg_total_relation_size('meetings')::text AS bytes,
           pg_total_relation_size('outlook_calendar_sync')::text AS links`.execute(database.db);
  const x = r.rows[0]!;
  console.log(
    JSON.stringify({
      rows: x.rows,
      meetingsBytes: Number(x.bytes),
      linkBytes: Number(x.links),
      bytesPerEvent: Math.round((Number(x.bytes) + Number(x.links)) / x.rows),
    }),
  );
} finally {
  await database.close();
  await emu.close();
}
