// Migrations apply from empty, are idempotent, and the enum path GOOGLE → GOOGLE,MICROSOFT works on an old database.
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, migrateRetrying } from '../../test/support/db.js';
import type { Database } from './database.js';
import { MIGRATIONS } from './migrations/index.js';
import { despiteDroppedSchemas } from './migrate.js';

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
    const first = await migrateRetrying(d.db);
    expect(first.applied).toEqual(Object.keys(MIGRATIONS).sort());
    const second = await migrateRetrying(d.db);
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
    const r = await migrateRetrying(d.db);
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

describe('despiteDroppedSchemas', () => {
  const dropped = (schema: string) => Object.assign(new Error(`schema "${schema}" does not exist`), { code: '3F000' });

  it("runs a Migrator step again when another schema was dropped while it read every schema's tables", async () => {
    let calls = 0;
    const step = async () => {
      calls++;
      if (calls === 1) throw dropped('t_other_boss');
      if (calls === 2) return { error: dropped('t_another') };
      return { error: undefined, results: ['ok'] };
    };
    await expect(despiteDroppedSchemas('t_ours', step)).resolves.toEqual({ error: undefined, results: ['ok'] });
    expect(calls).toBe(3);
  });

  it('fails at once when its own schema is missing or the error is another one, and gives up after three tries', async () => {
    let calls = 0;
    await expect(
      despiteDroppedSchemas('t_ours', async () => {
        calls++;
        throw dropped('t_ours');
      }),
    ).rejects.toThrow('schema "t_ours" does not exist');
    expect(calls).toBe(1);
    await expect(
      despiteDroppedSchemas('t_ours', async () => {
        throw Object.assign(new Error('syntax error'), { code: '42601' });
      }),
    ).rejects.toThrow('syntax error');
    calls = 0;
    await expect(
      despiteDroppedSchemas('t_ours', async () => {
        calls++;
        throw dropped('t_other');
      }),
    ).rejects.toThrow('schema "t_other" does not exist');
    expect(calls).toBe(3);
  });
});
