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
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableSchema: rows[0]?.schema ?? 'public',
  });
  const applied: string[] = [];
  const pending = (await migrator.getMigrations()).filter((m) => !m.executedAt).map((m) => m.name);
  for (const name of pending.sort()) {
    if (target && name > target) break;
    const { error, results } = await migrator.migrateTo(name);
    for (const r of results ?? []) if (r.status === 'Success') applied.push(r.migrationName);
    if (error) {
      throw new Error(`migration ${name} failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }
  return { applied };
}
