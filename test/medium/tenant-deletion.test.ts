// Tenant export and deletion (issue 19) on a real database (PGlite, or the server of DATABASE_URL): the export streams
// every table's rows of the tenant without secrets; the deletion, confirmed by the tenant's name, runs as a worker job
// whose progress is visible (also by its status token once the tenant's keys are gone), leaves no row of the tenant in
// any table — those with a tenant_id and any other, pg-boss's included, searched for the tenant's and its users' ids —
// and leaves another tenant's rows exactly as they were; running the job again, or twice at once, is safe.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait.js';
import { createFixture, type Fixture, type TestTenant } from './detection-fixture.js';

let f: Fixture;

/** Every base table of calbridge's schema and of pg-boss's. */
async function allTables(): Promise<Array<{ schema: string; table: string }>> {
  const r = await sql<{ table_schema: string; table_name: string }>`
    SELECT table_schema, table_name FROM information_schema.tables
     WHERE table_type = 'BASE TABLE' AND table_schema IN (current_schema(),
       CASE WHEN current_schema() = 'public' THEN 'pgboss' ELSE current_schema() || '_boss' END)
     ORDER BY 1, 2`.execute(f.container.database.db);
  return r.rows.map((x) => ({ schema: x.table_schema, table: x.table_name }));
}

/** Rows per table that mention any of `ids` in any column (the whole row as text). */
async function rowsMentioning(ids: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const { schema, table } of await allTables()) {
    for (const id of ids) {
      const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(`${schema}.${table}`)} t
        WHERE t::text LIKE ${`%${id}%`}`.execute(f.container.database.db);
      const n = Number(r.rows[0]!.n);
      if (n) out[`${schema}.${table}`] = (out[`${schema}.${table}`] ?? 0) + n;
    }
  }
  return out;
}

/** Rows of the tenant in every table with a tenant_id column (plus its tenants row). */
async function tenantRows(tenantId: string): Promise<Record<string, number>> {
  const tables = await sql<{ table_name: string }>`SELECT table_name FROM information_schema.columns
    WHERE table_schema = current_schema() AND column_name = 'tenant_id' ORDER BY 1`.execute(f.container.database.db);
  expect(tables.rows.length).toBeGreaterThan(20);
  const out: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table_name)}
      WHERE tenant_id = ${tenantId}::uuid`.execute(f.container.database.db);
    if (Number(r.rows[0]!.n)) out[table_name] = Number(r.rows[0]!.n);
  }
  const t = await sql<{ n: number }>`SELECT count(*)::int AS n FROM tenants WHERE id = ${tenantId}::uuid`.execute(
    f.container.database.db,
  );
  if (Number(t.rows[0]!.n)) out.tenants = Number(t.rows[0]!.n);
  return out;
}

/** Every row of the tenant, as text, to compare before and after (use stamps, written in the background, left out). */
async function snapshot(tenantId: string): Promise<string> {
  const tables = await sql<{ table_name: string }>`SELECT table_name FROM information_schema.columns
    WHERE table_schema = current_schema() AND column_name = 'tenant_id' ORDER BY 1`.execute(f.container.database.db);
  let out = '';
  for (const { table_name } of tables.rows) {
    // A calendar's sync bookkeeping (generation, attempts, errors) is the sync job's, which runs on its own schedule
    // for the other tenant too (its calendar has no mailbox, so each attempt records an error): only that the row is
    // there, and whose it is, is the deletion's business.
    const row =
      table_name === 'calendar_sync_state'
        ? sql`jsonb_build_object('calendar_id', x.calendar_id, 'tenant_id', x.tenant_id)`
        : sql`to_jsonb(x) - 'last_used_at' - 'last_seen_at'`;
    const r = await sql<{ t: string }>`SELECT (${row})::text AS t
      FROM ${sql.table(table_name)} x
      WHERE tenant_id = ${tenantId}::uuid ORDER BY 1`.execute(f.container.database.db);
    out += `${table_name}:${r.rows.map((x) => x.t).join('|')}\n`;
  }
  return out;
}

const call = (method: 'GET' | 'POST' | 'PUT', url: string, auth: { authorization: string }, payload?: object) =>
  f.app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });

/** A tenant with something in most tables: users, keys, a session, customers, calendars, meetings, a feed, … */
async function populated(): Promise<TestTenant & { userIds: string[]; name: string }> {
  const t = await f.newTenant();
  const c = await t.colleague();
  const cal = await t.calendar({ shared: false });
  await t.meeting({ subject: 'QBR', start: '2026-03-03T09:00:00Z', calendarId: cal, attendees: ['a@acme.example'] });
  expect((await call('POST', '/api/customers', t.auth, { name: 'Acme', domains: ['acme.example'] })).statusCode).toBe(
    201,
  );
  expect((await call('POST', '/api/calendar/feed', t.auth)).statusCode).toBe(200);
  expect(
    (
      await call('PUT', '/api/sync/preferences', t.auth, {
        windowPastDays: 10,
        windowFutureDays: 20,
        pollIntervalSeconds: 120,
      })
    ).statusCode,
  ).toBe(200);
  const user = (await f.container.tenantStore.getUser(t.tenantId, t.userId))!;
  await f.container.sessions.start(user, { provider: 'microsoft' });
  const tenant = (await f.container.tenantStore.getTenant(t.tenantId))!;
  return { ...t, userIds: [t.userId, c.userId], name: tenant.name };
}

let doomed: Awaited<ReturnType<typeof populated>>;
let other: Awaited<ReturnType<typeof populated>>;

beforeAll(async () => {
  f = await createFixture();
  doomed = await populated();
  other = await populated();
  await f.rt.jobs.start({ concurrency: 1 });
}, 120_000);
afterAll(async () => f?.close());

describe('GET /api/tenant/export', () => {
  it("streams the tenant's rows as JSON lines, without secrets or another tenant's rows", async () => {
    const res = await call('GET', '/api/tenant/export', doomed.auth);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = res.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ format: 'calbridge.tenant-export.v1', tenantId: doomed.tenantId });
    expect(lines[1]).toMatchObject({ table: 'backup', row: { format: 'calbridge.tenant-backup.v1' } });
    const tables = new Set(lines.slice(2).map((l) => l.table));
    for (const t of ['tenants', 'users', 'customers', 'meetings', 'calendars', 'ics_feeds', 'audit_log', 'sessions'])
      expect(tables).toContain(t);
    expect(res.body).not.toContain(other.tenantId);
    // no hash of a credential, no ciphertext, no CSRF token
    expect(res.body).not.toMatch(/token_hash|ciphertext|csrf_token|key_hash/);
    // members may not
    const member = await doomed.colleague();
    expect((await call('GET', '/api/tenant/export', member.auth)).statusCode).toBe(403);
  });
});

describe('POST /api/tenant/deletion', () => {
  it('refuses a wrong confirmation and members', async () => {
    const wrong = await call('POST', '/api/tenant/deletion', doomed.auth, { confirm: 'not the name' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({
      code: 'validation_failed',
      details: { reason: 'confirmation_mismatch' },
    });
    const member = await doomed.colleague();
    expect((await call('POST', '/api/tenant/deletion', member.auth, { confirm: doomed.name })).statusCode).toBe(403);
    expect(await tenantRows(doomed.tenantId)).toHaveProperty('tenants', 1);
  });

  it('erases every row of the tenant in a visible job; the other tenant is untouched; a second run is safe', async () => {
    const before = await snapshot(other.tenantId);
    expect(Object.keys(await tenantRows(doomed.tenantId)).length).toBeGreaterThan(8);
    const res = await call('POST', '/api/tenant/deletion', doomed.auth, { confirm: doomed.name });
    expect(res.statusCode).toBe(202);
    const { job, statusToken } = res.json() as { job: { id: string; state: string }; statusToken: string };
    expect(['queued', 'running', 'done']).toContain(job.state);
    const status = async () =>
      (await f.app.inject({ method: 'GET', url: `/api/data-jobs/${job.id}/status?token=${statusToken}` })).json() as {
        state: string;
        stepsDone: number;
        stepsTotal: number;
        result: Record<string, number>;
      };
    const done = await waitFor('the deletion job', async () => {
      const s = await status();
      return s.state === 'done' ? s : null;
    });
    expect(done.stepsDone).toBe(done.stepsTotal);
    // keys and sessions, the one (Microsoft) connection, queued jobs, rows
    expect(done.stepsTotal).toBe(4);
    expect(done.result).toMatchObject({ connectionsStopped: 1, grantsErasedNotRevocable: 1 });
    expect(done.result.apiKeysRevoked).toBeGreaterThanOrEqual(2);
    expect(done.result.rowsErased).toBeGreaterThan(10);

    expect(await tenantRows(doomed.tenantId)).toEqual({});
    expect(await rowsMentioning([doomed.tenantId, ...doomed.userIds])).toEqual({});
    expect(await snapshot(other.tenantId)).toBe(before);
    // the deleted tenant's key no longer works; a wrong status token learns nothing
    expect((await call('GET', '/api/me', doomed.auth)).statusCode).toBe(401);
    expect(
      (await f.app.inject({ method: 'GET', url: `/api/data-jobs/${job.id}/status?token=cbj_${'x'.repeat(32)}` }))
        .statusCode,
    ).toBe(404);
    // the other tenant's admin does not see it either
    expect((await call('GET', `/api/data-jobs/${job.id}`, other.auth)).statusCode).toBe(404);

    // running it again changes nothing
    await f.rt.dataRights.run(job.id);
    expect((await status()).state).toBe('done');
    expect(await snapshot(other.tenantId)).toBe(before);
  });

  it('deletes a user in a job, confirmed by their address; the last admin is refused', async () => {
    const t = await populated();
    const c = await t.colleague();
    const email = (await f.container.tenantStore.getUser(t.tenantId, c.userId))!.email;
    const wrong = await call('POST', `/api/users/${c.userId}/deletion`, t.auth, { confirm: 'someone@else.example' });
    expect(wrong.statusCode).toBe(400);
    const last = await call('POST', `/api/users/${t.userId}/deletion`, t.auth, {
      confirm: (await f.container.tenantStore.getUser(t.tenantId, t.userId))!.email,
    });
    expect(last.statusCode).toBe(409);
    const res = await call('POST', `/api/users/${c.userId}/deletion`, t.auth, { confirm: email.toUpperCase() });
    expect(res.statusCode).toBe(202);
    const { job } = res.json() as { job: { id: string } };
    const done = await waitFor('the user deletion job', async () => {
      const s = (await call('GET', `/api/data-jobs/${job.id}`, t.auth)).json() as { state: string; stepsDone: number };
      return s.state === 'done' ? s : null;
    });
    expect(done.stepsDone).toBe(1);
    expect(await f.container.tenantStore.getUser(t.tenantId, c.userId)).toBeNull();
    expect(await f.container.tenantStore.getUser(t.tenantId, t.userId)).not.toBeNull();
  });

  it('is safe when two workers run the same job at once', async () => {
    const t = await populated();
    const before = await snapshot(other.tenantId);
    await f.rt.jobs.stop();
    const res = await call('POST', '/api/tenant/deletion', t.auth, { confirm: t.name });
    const { job } = res.json() as { job: { id: string } };
    // both resolve: the second waits for the first (one run holds the job at a time) instead of interleaving with it
    const runs = await Promise.allSettled([f.rt.dataRights.run(job.id), f.rt.dataRights.run(job.id)]);
    expect(runs.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    await f.rt.dataRights.run(job.id);
    const row = await sql<{ attempts: number; state: string }>`SELECT attempts, state FROM data_jobs
      WHERE id = ${job.id}::uuid`.execute(f.container.database.db);
    expect(row.rows[0]).toEqual({ attempts: 1, state: 'done' });
    expect(await tenantRows(t.tenantId)).toEqual({});
    expect(await rowsMentioning([t.tenantId, ...t.userIds])).toEqual({});
    expect(await snapshot(other.tenantId)).toBe(before);
  });
});
