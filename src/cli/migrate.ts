// `calbridge migrate`: applies pending migrations.
import { join } from 'node:path';
import type { Config } from '../config/config.js';
import type { Out } from './out.js';
import { openDatabase } from '../stores/database.js';
import { migrateToLatest } from '../stores/migrate.js';

export async function runMigrate(config: Config, out: Out): Promise<void> {
  const db = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.databaseUrl ? null : join(config.dataDir, 'pg'),
    schema: config.databaseSchema,
  });
  try {
    const { applied } = await migrateToLatest(db.db);
    out(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.', { applied });
  } finally {
    await db.close();
  }
}
