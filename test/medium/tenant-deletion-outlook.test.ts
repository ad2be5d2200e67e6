// Tenant deletion with an Outlook connection (issue 19): the Graph change subscription is deleted at the Microsoft
// emulator (checked over HTTP), the grant is reported as erased, not revoked (Microsoft has no per-token revocation),
// and no row of the tenant is left.
import { createServer } from 'node:http';
import { sql } from 'kysely';
import { fetch } from 'undici';
import { afterAll, expect, it } from 'vitest';
import { connectOutlookUser, startOutlookApp, type OutlookTestApp } from '../support/outlook-app.js';

let h: OutlookTestApp | null = null;
afterAll(async () => h?.close());

it('deletes the Graph subscription at the emulator and erases the tenant', async () => {
  h = await startOutlookApp();
  const app = h;
  const server = createServer((req, res) => {
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('validationToken');
    res.writeHead(token ? 200 : 202, { 'content-type': 'text/plain' }).end(token ?? '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const login = 'adele.vance@contoso.com';
    const connected = await connectOutlookUser(app, login, 'Contoso');
    const { actor, headers } = connected;
    const conn = connected.conn!;
    const p = app.container.providers.forConnection('MICROSOFT', {
      ...actor,
      connectionId: conn.id,
      mailbox: conn.accountEmail!,
    });
    const cal = (await p.listCalendars()).find((c) => c.isDefault)!;
    const port = (server.address() as { port: number }).port;
    const sub = await p.createSubscription({
      calendarId: cal.id,
      notificationUrl: `http://127.0.0.1:${port}/hook`,
      clientState: 's3cret',
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const row = await app.container.database.db
      .selectFrom('calendars')
      .select('id')
      .where('connection_id', '=', conn.id)
      .where('is_default', '=', true)
      .executeTakeFirstOrThrow();
    await app.container.database.db
      .insertInto('calendar_sync_state')
      .values({ calendar_id: row.id, tenant_id: actor.tenantId, subscription_id: sub.id })
      .execute();
    const subscriptions = async () =>
      (
        (await (await fetch(`${app.t.emu.baseUrl}/_emulator/subscriptions`, { dispatcher: app.t.agent })).json()) as {
          value: Array<{ id: string }>;
        }
      ).value.map((s) => s.id);
    expect(await subscriptions()).toContain(sub.id);

    const asked = await app.app.inject({
      method: 'POST',
      url: '/api/tenant/deletion',
      headers,
      payload: { confirm: 'Contoso' },
    });
    expect(asked.statusCode).toBe(202);
    const { job } = asked.json() as { job: { id: string } };
    // the worker is not started here: run the job as it would, twice
    await app.runtime.dataRights.run(job.id);
    await app.runtime.dataRights.run(job.id);

    expect(await subscriptions()).not.toContain(sub.id);
    const done = (await app.container.database.db
      .selectFrom('data_jobs' as never)
      .selectAll()
      .where('id' as never, '=', job.id as never)
      .executeTakeFirstOrThrow()) as { state: string; result: Record<string, number>; tenant_id: string | null };
    expect(done.state).toBe('done');
    expect(done.tenant_id).toBeNull();
    expect(done.result).toMatchObject({ connectionsStopped: 1, subscriptionsDeleted: 1, grantsErasedNotRevocable: 1 });
    const left = await sql<{ n: number }>`SELECT count(*)::int AS n FROM calendar_connections
      WHERE tenant_id = ${actor.tenantId}::uuid`.execute(app.container.database.db);
    expect(Number(left.rows[0]!.n)).toBe(0);
  } finally {
    server.close();
  }
}, 180_000);
