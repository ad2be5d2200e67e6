// Test databases: a fresh, migrated database per test, on PGlite (default) or on the server named by DATABASE_URL.
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import pg from 'pg';
import { embeddedOptions, openDatabase, type Database } from '../../src/stores/database.js';
import { migrateToLatest } from '../../src/stores/migrate.js';

/** The server URL when the suite runs against real PostgreSQL; null on embedded PGlite. */
export const serverUrl: string | null = process.env.DATABASE_URL?.trim() || null;

let template: Promise<File | Blob> | null = null;
const TEST_SHARED_BUFFERS = '16MB';

/**
 * A fresh database with every migration applied (or up to `target`). On a server each one gets its own
 * schema, dropped by `close()`, so concurrent runs never collide.
 */
export async function createTestDatabase(opts: { target?: string; migrate?: boolean } = {}): Promise<Database> {
  const migrate = opts.migrate ?? true;
  if (serverUrl) {
    const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    const database = await openDatabase({ url: serverUrl, dataDir: null, schema, poolSize: 4 });
    if (migrate) await migrateToLatest(database.db, opts.target);
    const close = database.close;
    return {
      ...database,
      close: async () => {
        await close();
        const client = new pg.Client({ connectionString: serverUrl });
        await client.connect();
        try {
          // and pg-boss's schema beside it (src/jobs/pgboss-queue.ts): left behind, hundreds of them bloated the
          // server's catalog over a run and slowed every later test's migration
          await client.query(`DROP SCHEMA IF EXISTS ${schema}_boss CASCADE`);
          await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        } finally {
          await client.end();
        }
      },
    };
  }
  if (!migrate || opts.target) {
    const database = await openDatabase({ url: null, dataDir: null, sharedBuffers: TEST_SHARED_BUFFERS });
    if (migrate) await migrateToLatest(database.db, opts.target);
    return database;
  }
  // The migrated template's data folder is dumped once per worker and every test database starts from that dump
  // (PGlite's clone() dumps the template again each time: about a third of its cost). A test database holds little:
  // 16 MB of shared buffers instead of PGlite's 128 MB spares about 0.4 s of CPU each time one starts, and leaving the
  // two template databases (template0, template1: 15 of the dump's 40 MB; no test creates a database) out of the dump
  // about 0.2 s more.
  template ??= (async () => {
    const t = await openDatabase({ url: null, dataDir: null, sharedBuffers: TEST_SHARED_BUFFERS });
    await migrateToLatest(t.db);
    const others = await sql<{ oid: number }>`
      select oid::int as oid from pg_database where datname <> current_database()`.execute(t.db);
    const dump = await t.pglite!.dumpDataDir('none');
    await t.close();
    return withoutDatabases(
      dump,
      others.rows.map((r) => r.oid),
    );
  })();
  const pglite = await PGlite.create({ loadDataDir: await template, ...embeddedOptions(TEST_SHARED_BUFFERS) });
  return openDatabase({ url: null, dataDir: null, pglite });
}

/** A data-folder tarball (ustar) without the files of the databases `oids` (`base/<oid>/…`). */
async function withoutDatabases(dump: Blob, oids: number[]): Promise<Blob> {
  const buf = Buffer.from(await dump.arrayBuffer());
  const skip = new RegExp(`^/?base/(${oids.join('|')})(/|$)`);
  const field = (off: number, len: number) =>
    buf
      .subarray(off, off + len)
      .toString('utf8')
      .replace(/\0.*$/s, '');
  const kept: Buffer[] = [];
  for (let off = 0; off + 512 <= buf.length;) {
    const name = field(off, 100);
    if (!name) {
      kept.push(buf.subarray(off)); // the end-of-archive blocks
      break;
    }
    const prefix = field(off + 345, 155);
    const size = parseInt(field(off + 124, 12).trim() || '0', 8);
    const end = off + 512 + Math.ceil(size / 512) * 512;
    if (!oids.length || !skip.test(prefix ? `${prefix}/${name}` : name)) kept.push(buf.subarray(off, end));
    off = end;
  }
  return new Blob([Buffer.concat(kept)]);
}
