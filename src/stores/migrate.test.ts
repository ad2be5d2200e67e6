// Migrations apply from empty, are idempotent, and the enum path GOOGLE → GOOGLE,MICROSOFT works on an old database.
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, serverUrl } from '../../test/support/db.js';
import { openDatabase, type Database } from './database.js';
import { MIGRATIONS } from './migrations/index.js';
import { migrateToLatest } from './migrate.js';

const open: Database[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
});

async function enumValues(d: Database): Promise<string[]> {
  const r = await sql<{ v: string }>`select unnest(enum_range(null::calendar_provider_type))::text as v`.execute(d.db);
  return r.rows.map((x) => x.v);
}

describe('migrations', () => {
  it('apply from empty and are idempotent', async () => {
    const d = await createTestDatabase({ migrate: false });
    open.push(d);
    const first = await migrateToLatest(d.db);
    expect(first.applied).toEqual(Object.keys(MIGRATIONS).sort());
    const second = await migrateToLatest(d.db);
    expect(second.applied).toEqual([]);
    expect(await enumValues(d)).toEqual(['GOOGLE', 'MICROSOFT']);
    const cols = await sql<{ column_name: string; data_type: string; character_maximum_length: number | null }>`
      select column_name, data_type, character_maximum_length from information_schema.columns
      where table_name = 'outlook_calendar_sync' and table_schema = current_schema() order by ordinal_position`.execute(
      d.db,
    );
    const byName = Object.fromEntries(cols.rows.map((c) => [c.column_name, c]));
    expect(byName.id?.data_type).toBe('uuid');
    expect(byName.meeting_id?.data_type).toBe('uuid');
    expect(byName.outlook_event_id).toBeDefined();
    expect(byName.user_id).toBeDefined();
    expect(byName.calendar_id).toBeDefined();
    expect(byName.last_synced_at?.data_type).toBe('timestamp with time zone');
    expect(byName.sync_direction?.data_type).toBe('character varying');
    expect(Number(byName.sync_direction?.character_maximum_length)).toBe(10);
  });

  it('adds MICROSOFT to a database created at the GOOGLE-only step, keeping its rows', async () => {
    const d = await createTestDatabase({ target: '0001_tenants_google' });
    open.push(d);
    expect(await enumValues(d)).toEqual(['GOOGLE']);
    await d.db.insertInto('tenants').values({ name: 'Old Google tenant', calendar_provider: 'GOOGLE' }).execute();
    await expect(
      d.db.insertInto('tenants').values({ name: 'Too early', calendar_provider: 'MICROSOFT' }).execute(),
    ).rejects.toThrow();
    const r = await migrateToLatest(d.db);
    expect(r.applied[0]).toBe('0002_provider_microsoft');
    expect(await enumValues(d)).toEqual(['GOOGLE', 'MICROSOFT']);
    await d.db.insertInto('tenants').values({ name: 'New Microsoft tenant', calendar_provider: 'MICROSOFT' }).execute();
    const rows = await d.db.selectFrom('tenants').select(['name', 'calendar_provider']).orderBy('name').execute();
    expect(rows).toEqual([
      { name: 'New Microsoft tenant', calendar_provider: 'MICROSOFT' },
      { name: 'Old Google tenant', calendar_provider: 'GOOGLE' },
    ]);
  });
});

describe('the migration runner', () => {
  it("applies each migration once when two processes start at once, and records them in the Migrator's table", async () => {
    const d = await createTestDatabase({ migrate: false });
    open.push(d);
    // on the server: a second connection to the same schema (a second process); on PGlite the one connection
    const other = serverUrl
      ? await openDatabase({ url: serverUrl, dataDir: null, schema: d.schema, poolSize: 2 })
      : null;
    try {
      const [a, b] = await Promise.all([migrateToLatest(d.db), migrateToLatest((other ?? d).db)]);
      expect([...a.applied, ...b.applied].sort()).toEqual(Object.keys(MIGRATIONS).sort());
    } finally {
      await other?.close();
    }
    const rows = await sql<{ name: string; timestamp: string }>`select name, timestamp from kysely_migration`.execute(
      d.db,
    );
    expect(rows.rows.map((r) => r.name).sort()).toEqual(Object.keys(MIGRATIONS).sort());
    for (const r of rows.rows) expect(Number.isNaN(Date.parse(r.timestamp))).toBe(false);
    const lockRows = await sql<{ id: string }>`select id from kysely_migration_lock`.execute(d.db);
    expect(lockRows.rows.map((r) => r.id)).toEqual(['migration_lock']);
  });

  it('refuses a database a newer calbridge migrated, naming the migration it does not know, and changes nothing', async () => {
    const d = await createTestDatabase({ target: '0002_provider_microsoft' });
    open.push(d);
    await sql`insert into kysely_migration (name, timestamp) values ('9999_from_the_future', '2030-01-01T00:00:00.000Z')`.execute(
      d.db,
    );
    await expect(migrateToLatest(d.db)).rejects.toThrow(/9999_from_the_future/);
    const names = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(d.db);
    expect(names.rows.map((r) => r.name)).toEqual([
      '0001_tenants_google',
      '0002_provider_microsoft',
      '9999_from_the_future',
    ]);
    const meetings = await sql<{ t: string | null }>`select to_regclass('meetings')::text as t`.execute(d.db);
    expect(meetings.rows[0]?.t ?? null).toBeNull();
  });

  it('stops at a failing migration, names it, and keeps what it applied before it', async () => {
    const d = await createTestDatabase({ target: '0002_provider_microsoft' });
    open.push(d);
    // the next migration creates a table that is already there: it fails, and its transaction leaves nothing
    const third = Object.keys(MIGRATIONS).sort()[2]!;
    await sql`create table calendars (id int)`.execute(d.db);
    const e = (await migrateToLatest(d.db).then(
      () => null,
      (x: unknown) => x,
    )) as Error;
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toContain(`migration ${third} failed`);
    const names = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(d.db);
    expect(names.rows.map((r) => r.name)).toEqual(['0001_tenants_google', '0002_provider_microsoft']);
    // its first table, made before the failing statement, went with the transaction
    const first = await sql<{ t: string | null }>`select to_regclass('calendar_connections')::text as t`.execute(d.db);
    expect(first.rows[0]?.t ?? null).toBeNull();
    await sql`drop table calendars`.execute(d.db);
    const r = await migrateToLatest(d.db);
    expect(r.applied[0]).toBe(third);
  });
});
