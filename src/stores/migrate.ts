// Runs the versioned migrations (on start and by `calbridge migrate`).
import { Migrator, sql, type Kysely } from 'kysely';
import { MIGRATIONS } from './migrations/index.js';

export interface MigrateResult {
  applied: string[];
}

/**
 * Applies pending migrations, up to `target` when given. Each migration runs in its own transaction
 * (ALTER TYPE … ADD VALUE must commit before a later step can use the new value).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
export async function migrateToLatest(db: Kysely<any>, target?: string): Promise<MigrateResult> {
  // Name the schema: otherwise the migrator takes a kysely_migration table of ANY schema (another test's) for its own.
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  // Nothing pending (every start but the first after an upgrade): one cheap read instead of the Migrator's, which
  // introspects every table's columns to find its own two (about 0.1–0.3 s of each start on PGlite; issue 20).
  if (!target && (await allApplied(db))) return { applied: [] };
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableSchema: rows[0]?.schema ?? 'public',
  });
  const ours = rows[0]?.schema ?? 'public';
  const applied: string[] = [];
  const pending = (await despiteDroppedSchemas(ours, () => migrator.getMigrations()))
    .filter((m) => !m.executedAt)
    .map((m) => m.name);
  for (const name of pending.sort()) {
    if (target && name > target) break;
    const { error, results } = await despiteDroppedSchemas(ours, () => migrator.migrateTo(name));
    for (const r of results ?? []) if (r.status === 'Success') applied.push(r.migrationName);
    if (error) {
      throw new Error(`migration ${name} failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }
  return { applied };
}

/**
 * Runs a step of Kysely's Migrator again (twice at most) when it failed because ANOTHER schema was dropped while it
 * ran: the Migrator looks for its table by listing the tables of every schema, and a schema dropped in the middle of
 * that read fails it with "schema … does not exist" (3F000). On a server shared with other applications, or with
 * test runs that drop their schemas, that is not this database's error. Its own schema missing still fails.
 */
export async function despiteDroppedSchemas<T>(ours: string, step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await step();
      const error = (r as { error?: unknown } | null)?.error;
      if (attempt < 3 && droppedElsewhere(ours, error)) continue;
      return r;
    } catch (e) {
      if (attempt < 3 && droppedElsewhere(ours, e)) continue;
      throw e;
    }
  }
}

function droppedElsewhere(ours: string, e: unknown): boolean {
  const err = e as { code?: string; message?: string } | null;
  if (err?.code !== '3F000') return false;
  const named = /schema "([^"]+)" does not exist/.exec(err.message ?? '')?.[1];
  return named !== undefined && named !== ours;
}

/** True when this schema's migration table names every migration (read only; false when there is no table yet). */
async function allApplied(db: Kysely<unknown>): Promise<boolean> {
  const { rows } = await sql<{ t: string | null }>`select to_regclass('kysely_migration')::text as t`.execute(db);
  if (!rows[0]?.t) return false;
  const done = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
  const names = new Set(done.rows.map((r) => r.name));
  return Object.keys(MIGRATIONS).every((n) => names.has(n));
}
