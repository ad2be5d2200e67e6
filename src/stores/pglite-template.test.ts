// The migrated template of the embedded data folder (ADR 0026), with the real PGlite: a folder copied from it has
// every migration and no rows; a new migration gives another key, so the template is not used; a damaged or partial
// template is ignored; a folder that exists with files in it is never replaced.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Migration } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { createContainer } from '../main/container.js';
import { openDatabase } from './database.js';
import { migrateToLatest } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import { initEmbeddedDataDir } from './pglite-initdb.js';
import { copyFromTemplate, hasTemplate, templateKey } from './pglite-template.js';

let work: string;
let root: string;
const key = templateKey();

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cb-template-'));
  root = join(work, 'templates');
  // The first folder of an install: initdb, every migration, then kept as the template (by the composition root).
  const c = await createContainer(
    loadConfig({ CALBRIDGE_DATA_DIR: join(work, 'first'), CALBRIDGE_PG_TEMPLATE_DIR: root, CALBRIDGE_TEST_MODE: '1' }),
  );
  // what happens after the migrations on a real start: rows written; the template must not have them
  await sql`insert into kysely_migration_lock (id, is_locked) values ('after-template', 0)`.execute(c.database.db);
  await c.close();
}, 120_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Every table of the public schema and its row count. */
async function rowCounts(dataDir: string): Promise<{ migrations: string[]; rows: Record<string, number> }> {
  const d = await openDatabase({ url: null, dataDir });
  try {
    const migrations = (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(d.db))
      .rows;
    const tables = await sql<{ t: string }>`
      select table_name as t from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_migration%'`.execute(
      d.db,
    );
    const rows: Record<string, number> = {};
    for (const { t } of tables.rows)
      rows[t] = Number(
        (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(d.db)).rows[0]!.n,
      );
    expect(await migrateToLatest(d.db)).toEqual({ applied: [] });
    return { migrations: migrations.map((m) => m.name), rows };
  } finally {
    await d.close();
  }
}

describe('the migrated template of the embedded data folder', () => {
  it('is kept once per key, whole, by the first start that migrated a folder from nothing', () => {
    expect(hasTemplate(root, key)).toBe(true);
    expect(readdirSync(root)).toEqual([key]);
  });

  it('makes a fresh folder with every migration applied and no rows', async () => {
    const dir = join(work, 'fresh', 'pg');
    expect(await initEmbeddedDataDir(dir, root)).toBe('template');
    const { migrations, rows } = await rowCounts(dir);
    expect(migrations).toEqual(Object.keys(MIGRATIONS).sort());
    expect(Object.keys(rows).length).toBeGreaterThan(20);
    expect(Object.entries(rows).filter(([, n]) => n > 0)).toEqual([]);
    // nor the row written to the first folder after its template was taken
    const d = await openDatabase({ url: null, dataDir: dir });
    const locks = await sql<{ id: string }>`select id from kysely_migration_lock`.execute(d.db);
    await d.close();
    expect(locks.rows.map((r) => r.id)).not.toContain('after-template');
  }, 120_000);

  it('is not used by a set of migrations with one more (another key)', () => {
    const more: Record<string, Migration> = {
      ...MIGRATIONS,
      '9999_added_later': { up: async (db) => void (await sql`create table added_later (id int)`.execute(db)) },
    };
    const newKey = templateKey(more);
    expect(newKey).not.toBe(key);
    const dir = join(work, 'newer', 'pg');
    expect(copyFromTemplate(dir, root, newKey)).toBe(false);
    expect(readdirSync(join(work)).includes('newer')).toBe(false);
  });

  it('never replaces a folder that has files in it', () => {
    const dir = join(work, 'existing', 'pg');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'something'), 'x');
    expect(copyFromTemplate(dir, root, key)).toBe(false);
    expect(readdirSync(dir)).toEqual(['something']);
  });

  it('ignores a damaged or partial template and leaves no half folder', async () => {
    // a copy of the template with one file cut short: same marker, other bytes
    const damagedRoot = join(work, 'damaged');
    const copy = join(damagedRoot, key);
    expect(copyFromTemplate(copy, root, key)).toBe(true); // the template's files (without its marker)
    writeFileSync(join(copy, 'calbridge-template.json'), JSON.stringify(marker(root)));
    expect(hasTemplate(damagedRoot, key)).toBe(true);
    truncateSync(join(copy, 'PG_VERSION'), 0);
    expect(hasTemplate(damagedRoot, key)).toBe(false);
    const dir = join(work, 'from-damaged', 'pg');
    expect(copyFromTemplate(dir, damagedRoot, key)).toBe(false);
    expect(readdirSync(join(work, 'from-damaged'))).toEqual([]);
    // no marker (a template still being written, or cut off): ignored too
    rmSync(join(copy, 'calbridge-template.json'));
    expect(copyFromTemplate(dir, damagedRoot, key)).toBe(false);
    // a marker of another key in this key's place
    writeFileSync(join(copy, 'calbridge-template.json'), JSON.stringify({ ...marker(root), key: 'other' }));
    expect(copyFromTemplate(dir, damagedRoot, key)).toBe(false);
    // and the ordinary first start then makes the folder by initdb
    expect(await initEmbeddedDataDir(dir, damagedRoot)).toBe('initdb');
    expect(readdirSync(dir)).toContain('PG_VERSION');
  }, 120_000);
});

function marker(r: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(r, key, 'calbridge-template.json'), 'utf8')) as Record<string, unknown>;
}
