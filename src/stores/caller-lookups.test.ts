// The scheduling caller's look-ups, now statements compiled once (prepared(); issue 20): the same rows as the builder
// gave, tenant-scoped, with each call's own arguments — on PGlite and, with DATABASE_URL, on the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/db.js';
import { PgAuditStore } from './audit-store.js';
import type { Database } from './database.js';
import { PgSchedulingLookup } from './meeting-store.js';
import { PgProposalStore } from './proposal-store.js';
import { PgTenantStore } from './tenant-store.js';

let database: Database;
let tenants: PgTenantStore;
let lookup: PgSchedulingLookup;
const ids = { t1: '', t2: '', ann: '', bob: '', cid: '', other: '' };

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  tenants = new PgTenantStore(db);
  lookup = new PgSchedulingLookup(db);
  const t1 = await tenants.createTenant({
    name: 'One',
    calendarProvider: 'MICROSOFT',
    settings: { privacyMode: true },
  });
  const t2 = await tenants.createTenant({ name: 'Two', calendarProvider: 'GOOGLE' });
  ids.t1 = t1.id;
  ids.t2 = t2.id;
  const ann = await tenants.createUser({ tenantId: t1.id, email: 'Ann@One.example', timeZone: 'Europe/Berlin' });
  const bob = await tenants.createUser({ tenantId: t1.id, email: 'bob@one.example', displayName: 'Bob' });
  await tenants.createUser({ tenantId: t1.id, email: 'cy@one.example' });
  // the same address in another tenant: never among tenant one's answers
  const other = await tenants.createUser({ tenantId: t2.id, email: 'ann@one.example', timeZone: 'Asia/Tokyo' });
  ids.ann = ann.id;
  ids.bob = bob.id;
  ids.other = other.id;
  const conn = (tenantId: string, userId: string, provider: 'MICROSOFT' | 'GOOGLE', status: string, email: string) =>
    db
      .insertInto('calendar_connections')
      .values({
        tenant_id: tenantId,
        user_id: userId,
        provider,
        account_email: email,
        status: status as never,
        scopes: ['Calendars.ReadWrite'],
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  await conn(t1.id, ann.id, 'GOOGLE', 'revoked', 'ann@gmail.example');
  const c = await conn(t1.id, ann.id, 'MICROSOFT', 'active', 'Ann@One.example');
  await conn(t1.id, bob.id, 'GOOGLE', 'needs_reauth', 'bob@one.example');
  await conn(t2.id, other.id, 'MICROSOFT', 'active', 'ann@one.example');
  ids.cid = c.id;
  const cal = (name: string, o: { isDefault?: boolean; isShared?: boolean; selected?: boolean }) =>
    db
      .insertInto('calendars')
      .values({
        tenant_id: t1.id,
        user_id: ann.id,
        connection_id: c.id,
        provider_calendar_id: `p-${name}`,
        name,
        is_default: o.isDefault ?? false,
        is_shared: o.isShared ?? false,
        selected_for_sync: o.selected ?? true,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  const own = await cal('Work', { isDefault: true });
  const second = await cal('Birthdays', {});
  const shared = await cal('Team', { isShared: true });
  const unselected = await cal('Archive', { selected: false });
  const synced = (calendarId: string, at: string) =>
    db
      .insertInto('calendar_sync_state')
      .values({ calendar_id: calendarId, tenant_id: t1.id, last_success_at: new Date(at) })
      .execute();
  await synced(own.id, '2026-05-04T10:00:00.000Z');
  await synced(second.id, '2026-05-04T09:00:00.000Z');
  // neither a shared nor an unselected calendar counts for the person's last sync
  await synced(shared.id, '2026-05-01T00:00:00.000Z');
  await synced(unselected.id, '2026-05-01T00:00:00.000Z');
});

afterAll(async () => {
  await database.close();
});

describe('caller look-ups compiled once', () => {
  it('reads the tenant, the user and the users of a tenant, each with its own arguments', async () => {
    for (let i = 0; i < 2; i++) {
      expect(await tenants.getTenant(ids.t1)).toMatchObject({
        id: ids.t1,
        name: 'One',
        calendarProvider: 'MICROSOFT',
        settings: { privacyMode: true },
      });
      expect(await tenants.getTenant(ids.t2)).toMatchObject({ id: ids.t2, name: 'Two', settings: {} });
      expect(await tenants.getUser(ids.t1, ids.bob)).toEqual({
        id: ids.bob,
        tenantId: ids.t1,
        email: 'bob@one.example',
        displayName: 'Bob',
        timeZone: 'UTC',
        role: 'member',
        status: 'active',
      });
      // another tenant's user is not found by this tenant
      expect(await tenants.getUser(ids.t1, ids.other)).toBeNull();
      expect((await tenants.listUsers(ids.t1)).map((u) => u.email)).toEqual([
        'ann@one.example',
        'bob@one.example',
        'cy@one.example',
      ]);
      expect((await tenants.listUsers(ids.t2)).map((u) => u.id)).toEqual([ids.other]);
    }
    expect(await tenants.getTenant('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it("finds the caller's connection (the preferred provider first, never a revoked one) and its calendars", async () => {
    expect(await lookup.forUser(ids.t1, ids.ann, 'GOOGLE')).toMatchObject({
      id: ids.cid,
      provider: 'MICROSOFT',
      status: 'active',
      mailbox: 'ann@one.example',
      scopes: ['Calendars.ReadWrite'],
    });
    expect(await lookup.forUser(ids.t1, ids.bob, 'MICROSOFT')).toMatchObject({
      provider: 'GOOGLE',
      status: 'needs_reauth',
    });
    expect(await lookup.forUser(ids.t2, ids.ann, 'MICROSOFT')).toBeNull();
    const cals = await lookup.calendarsOf(ids.t1, ids.cid);
    expect(cals.map((c) => [c.name, c.isDefault, c.isShared])).toEqual([
      ['Work', true, false],
      ['Archive', false, false],
      ['Birthdays', false, false],
      ['Team', false, true],
    ]);
    expect(await lookup.calendarsOf(ids.t2, ids.cid)).toEqual([]);
  });

  it("finds the tenant's people by e-mail in any case, any number of them, with their last sync", async () => {
    const one = await lookup.people(ids.t1, ['ANN@one.example']);
    expect(one).toEqual([
      {
        email: 'ann@one.example',
        userId: ids.ann,
        timeZone: 'Europe/Berlin',
        connectionStatus: 'active',
        lastSyncAt: '2026-05-04T09:00:00.000Z',
      },
    ]);
    const three = await lookup.people(ids.t1, ['bob@one.example', 'Ann@One.example', 'nobody@one.example']);
    expect(three.sort((a, b) => a.email.localeCompare(b.email))).toEqual([
      one[0],
      {
        email: 'bob@one.example',
        userId: ids.bob,
        timeZone: 'UTC',
        connectionStatus: 'needs_reauth',
        lastSyncAt: null,
      },
    ]);
    expect(await lookup.people(ids.t1, ['cy@one.example'])).toEqual([
      {
        email: 'cy@one.example',
        userId: expect.any(String),
        timeZone: 'UTC',
        connectionStatus: null,
        lastSyncAt: null,
      },
    ]);
    expect((await lookup.people(ids.t2, ['ann@one.example'])).map((p) => p.userId)).toEqual([ids.other]);
    expect(await lookup.people(ids.t1, [])).toEqual([]);
  });

  it('inserts a proposal and its audit row', async () => {
    const proposals = new PgProposalStore(database.db);
    const audit = new PgAuditStore(database.db);
    const expiresAt = '2026-05-07T10:00:00.000Z';
    const preview = { subject: 'S', attendees: [] } as never;
    const payload = { subject: 'S', start: '2026-05-05T10:00:00.000Z' } as never;
    for (const customerId of [null, null]) {
      const rec = await proposals.create({
        tenantId: ids.t1,
        userId: ids.ann,
        customerId,
        kind: 'create',
        payload,
        preview,
        createdBy: ids.ann,
        expiresAt,
        meetingId: null,
      });
      expect(rec).toMatchObject({
        tenantId: ids.t1,
        userId: ids.ann,
        kind: 'create',
        status: 'pending',
        payload,
        preview,
        expiresAt,
        meetingId: null,
      });
      expect(await proposals.get(ids.t1, rec.id)).toEqual(rec);
      await audit.record({
        tenantId: ids.t1,
        actor: ids.ann,
        action: 'proposal.created',
        targetType: 'meeting_proposal',
        targetId: rec.id,
        details: { kind: 'create' },
      });
    }
    await audit.record({ tenantId: ids.t2, actor: 'system', action: 'tenant.created' });
    const rows = await audit.list(ids.t1, { limit: 10 });
    expect(rows.map((r) => [r.action, r.targetType, r.details])).toEqual([
      ['proposal.created', 'meeting_proposal', { kind: 'create' }],
      ['proposal.created', 'meeting_proposal', { kind: 'create' }],
    ]);
    const two = await audit.list(ids.t2, { limit: 10 });
    expect(two.map((r) => [r.actor, r.action, r.targetType, r.targetId, r.details])).toEqual([
      ['system', 'tenant.created', undefined, undefined, {}],
    ]);
  });
});
