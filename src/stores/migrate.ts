// Runs the versioned migrations (on start and by `calbridge migrate`).
//
// calbridge runs its migrations itself instead of through Kysely's Migrator, on the Migrator's own two tables
// (kysely_migration, kysely_migration_lock: a database migrated by an earlier calbridge carries on, and one migrated
// here is one the Migrator reads). The Migrator finds its tables by introspecting every column of every table in every
// schema, about three times per migration: on a PostgreSQL server holding other schemas (other tenants' test runs,
// other applications) a fresh database cost ~90 such reads, seconds each time and more as the server grows, and a
// schema dropped elsewhere during a read failed the migration (issue 20, ADR 0027). Here each step reads only this
// schema's migration table, and the lock is this schema's own.
import { sql, type Kysely, type Transaction } from 'kysely';
import { MIGRATIONS } from './migrations/index.js';

export interface MigrateResult {
  applied: string[];
}

/** The first half of the advisory lock's key (the second is the schema's hash): calbridge's migrations. */
const LOCK_CLASS = 0x63_62_6d_67; // "cbmg"

/**
 * Applies pending migrations in name order, up to and including `target` when given. Each migration runs in its own
 * transaction (ALTER TYPE … ADD VALUE must commit before a later step can use the new value), under a transaction
 * advisory lock on this schema, and is recorded in the same transaction: two processes starting at once apply each
 * migration once, and a failed one leaves nothing behind. A database that names a migration this version does not
 * know (a newer calbridge's) is refused, as is one whose applied migrations skip a pending older one.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the runner works on any schema
export async function migrateToLatest(db: Kysely<any>, target?: string): Promise<MigrateResult> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema ?? 'public';
  // Nothing pending (every start but the first after an upgrade): one cheap read.
  if (!target && (await allApplied(db, schema))) return { applied: [] };
  await db.transaction().execute(async (trx) => {
    await lock(trx, schema);
    await sql`create table if not exists ${sql.id(schema, 'kysely_migration')} (
      name varchar(255) not null primary key, timestamp varchar(255) not null)`.execute(trx);
    await sql`create table if not exists ${sql.id(schema, 'kysely_migration_lock')} (
      id varchar(255) not null primary key, is_locked integer not null default 0)`.execute(trx);
    await sql`insert into ${sql.id(schema, 'kysely_migration_lock')} (id, is_locked) values ('migration_lock', 0)
      on conflict (id) do nothing`.execute(trx);
  });
  const names = Object.keys(MIGRATIONS).sort();
  const applied: string[] = [];
  for (const name of names) {
    if (target && name > target) break;
    const ran = await db
      .transaction()
      .execute(async (trx) => {
        await lock(trx, schema);
        const done = await executed(trx, schema);
        if (done.has(name)) return false;
        const later = [...done].filter((n) => n > name);
        if (later.length)
          throw new Error(`migration ${name} is pending but the later ${later.sort()[0]} was applied before it`);
        await MIGRATIONS[name]!.up(trx);
        await sql`insert into ${sql.id(schema, 'kysely_migration')} (name, timestamp)
          values (${name}, ${new Date().toISOString()})`.execute(trx);
        return true;
      })
      .catch((error: unknown) => {
        throw new Error(`migration ${name} failed: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      });
    if (ran) applied.push(name);
  }
  return { applied };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the runner works on any schema
async function lock(trx: Transaction<any>, schema: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(${LOCK_CLASS}::int4, hashtext(${schema}))`.execute(trx);
}

/** The migrations this schema has applied; one this version does not know is refused. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the runner works on any schema
async function executed(trx: Transaction<any>, schema: string): Promise<Set<string>> {
  const r = await sql<{ name: string }>`select name from ${sql.id(schema, 'kysely_migration')}`.execute(trx);
  const names = new Set(r.rows.map((x) => x.name));
  const unknown = [...names].filter((n) => !(n in MIGRATIONS));
  if (unknown.length)
    throw new Error(
      `the database has migrations this version of calbridge does not know (${unknown.sort().join(', ')}): a newer version migrated it`,
    );
  return names;
}

/** True when this schema's migration table names every migration (read only; false when there is no table yet). */
async function allApplied(db: Kysely<unknown>, schema: string): Promise<boolean> {
  const { rows } = await sql<{ t: string | null }>`
    select to_regclass(format('%I.kysely_migration', ${schema}::text))::text as t`.execute(db);
  if (!rows[0]?.t) return false;
  const done = await sql<{ name: string }>`select name from ${sql.id(schema, 'kysely_migration')}`.execute(db);
  const names = new Set(done.rows.map((r) => r.name));
  return Object.keys(MIGRATIONS).every((n) => names.has(n));
}
