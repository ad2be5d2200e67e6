// Opens the database: embedded PostgreSQL (PGlite) in the data folder, or a PostgreSQL server through `pg`.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.js';
import { copyFromTemplate } from './pglite-template.js';
import type { DB } from './schema.js';

export interface Database {
  db: Kysely<DB>;
  kind: 'pglite' | 'postgres';
  /** The embedded instance (for pg-boss's PGlite adapter); null on a server. */
  pglite: PGlite | null;
  /** The server pool; null when embedded. */
  pool: pg.Pool | null;
  schema: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL; null → embedded. */
  url: string | null;
  /** Folder of the embedded database; null → in memory. */
  dataDir: string | null;
  schema?: string;
  /** An already open PGlite (tests clone a migrated one). */
  pglite?: PGlite;
  poolSize?: number;
  /** PostgreSQL's shared_buffers of a PGlite opened here, e.g. `32MB` (default: initdb's, 128MB). */
  sharedBuffers?: string;
  /** Migrated templates of the data folder (src/stores/pglite-template.ts): a missing folder is copied from one. */
  templateRoot?: string | null;
}

// int8 (count(*), bigserial) as numbers on the server, as PGlite already does.
pg.types.setTypeParser(20, (v) => Number(v));

/**
 * PGlite's start parameters with PostgreSQL's shared_buffers set (PGlite's own when not given). Its WebAssembly
 * memory holds the whole buffer cache from the start, so initdb's 128 MB are resident however small the data.
 * @example PGlite.create({ loadDataDir, ...embeddedOptions('16MB') })
 */
export function embeddedOptions(sharedBuffers: string | undefined): { startParams?: string[] } {
  const base = (PGlite as unknown as { defaultStartParams?: unknown }).defaultStartParams;
  if (!sharedBuffers || !Array.isArray(base) || !/^\d+(kB|MB|GB)?$/.test(sharedBuffers)) return {};
  return { startParams: [...(base as string[]), '-c', `shared_buffers=${sharedBuffers}`] };
}

/**
 * Opens a database.
 * @example const { db, close } = await openDatabase({ url: null, dataDir: './data' });
 */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  const schema = opts.schema ?? 'public';
  if (opts.url) {
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      options: schema === 'public' ? undefined : `-c search_path=${schema},public`,
    });
    if (schema !== 'public') await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', pglite: null, pool, schema, close: () => db.destroy() };
  }
  let pglite = opts.pglite;
  if (!pglite) {
    if (opts.dataDir && !existsSync(join(opts.dataDir, 'PG_VERSION')))
      copyFromTemplate(opts.dataDir, opts.templateRoot ?? null);
    if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
    pglite = new PGlite(opts.dataDir ? join(opts.dataDir) : undefined, embeddedOptions(opts.sharedBuffers));
    await pglite.waitReady;
  }
  const instance = pglite;
  const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite: instance }) });
  return {
    db,
    kind: 'pglite',
    pglite: instance,
    pool: null,
    schema,
    close: async () => {
      await db.destroy();
      if (!instance.closed) await instance.close();
    },
  };
}

/** True when the database answers a trivial query. */
export async function isReachable(db: Kysely<DB>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
