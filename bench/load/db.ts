// Benchmark databases: PGlite on a temp directory (default) or a fresh schema on DATABASE_URL; sync target rows.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/stores/database.js';
import { migrateToLatest } from '../../src/stores/migrate.js';
import { insertSyncTarget } from '../../test/support/sync-target.js';

/** The server named by DATABASE_URL (read when a database is opened), or null for embedded PGlite. */
export const serverUrlNow = (): string | null => process.env.DATABASE_URL?.trim() || null;
let template: PGlite | null = null;

/** Closes the migrated PGlite template (call once at the end of a benchmark module). */
export async function closeBenchTemplate(): Promise<void> {
  if (template && !template.closed) await template.close();
  template = null;
}

/** A migrated database of its own; `close()` removes it (the schema on a server, the directory on PGlite). */
export async function openBenchDatabase(): Promise<Database> {
  const serverUrl = serverUrlNow();
  if (serverUrl) {
    const schema = `b_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    const database = await openDatabase({ url: serverUrl, dataDir: null, schema, poolSize: 8 });
    await migrateToLatest(database.db);
    const close = database.close;
    return {
      ...database,
      close: async () => {
        await close();
        const c = new pg.Client({ connectionString: serverUrl });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => c.end());
      },
    };
  }
  if (process.env.BENCH_PGLITE_DISK) {
    const dir = mkdtempSync(join(tmpdir(), 'cb-bench-db-'));
    const database = await openDatabase({ url: null, dataDir: dir });
    await migrateToLatest(database.db);
    const close = database.close;
    return { ...database, close: async () => (await close(), rmSync(dir, { recursive: true, force: true })) };
  }
  // in memory: migrate once, clone per benchmark
  if (!template) {
    const t = await openDatabase({ url: null, dataDir: null });
    await migrateToLatest(t.db);
    template = t.pglite!;
  }
  return openDatabase({ url: null, dataDir: null, pglite: (await template.clone()) as PGlite });
}

/** Tenant, user, active connection and one selected calendar: what the sync engine needs to run. */
export const insertTarget = (database: Database, mailbox: string, providerCalendarId: string) =>
  insertSyncTarget(database, mailbox, providerCalendarId, `Bench ${mailbox}`);
