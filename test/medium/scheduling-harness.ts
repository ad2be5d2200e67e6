// Test harness for scheduling medium tests: the app with the scheduling feature on the mock provider, a fake clock,
// a tenant with a CSM and a manager (each with a connection and a default calendar) and a mock world.
import type { FastifyInstance } from 'fastify';
import type { TenantSettings } from '../../src/domain/tenancy.js';
import type { Container } from '../../src/main/container.js';
import type { Runtime } from '../../src/main/runtime.js';
import { PgConnectionStore } from '../../src/stores/connection-store.js';
import { createTestApp } from '../support/app.js';

export interface Person {
  userId: string;
  email: string;
  auth: { authorization: string };
  connectionId: string | null;
}

export interface SchedulingHarness {
  app: FastifyInstance;
  container: Container;
  runtime: Runtime;
  clock: { now: Date };
  tenantId: string;
  csm: Person;
  manager: Person;
  /** A user of the tenant without a calendar connection. */
  loner: Person;
  connections: PgConnectionStore;
  close(): Promise<void>;
}

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const;

export async function startSchedulingHarness(settings: TenantSettings = {}): Promise<SchedulingHarness> {
  const clock = { now: new Date('2026-05-01T12:00:00Z') };
  const t = await createTestApp(
    { RATE_LIMIT_PER_MINUTE: '100000', LOG_LEVEL: 'warn' },
    { clock: { now: () => clock.now }, publicUrl: () => 'http://calbridge.test' },
  );
  const { app, container } = t;
  const tenant = await container.tenants.createTenant({
    name: 'Contoso',
    calendarProvider: 'MICROSOFT',
    settings: { ownDomains: ['contoso.com'], ...settings },
  });
  const connections = new PgConnectionStore(container.database.db);
  const world = container.mockWorld;
  world.addMailbox('room.rainier@contoso.com', {
    kind: 'room',
    workingHours: null,
    room: { name: 'Rainier', capacity: 12, building: '1', floor: '1', roomList: null },
  });
  world.addMailbox('room.baker@contoso.com', {
    kind: 'room',
    workingHours: null,
    room: { name: 'Baker', capacity: 4, building: '2', floor: '2', roomList: null },
  });
  const person = async (
    email: string,
    zone: string,
    connect: boolean,
    role?: 'approver' | 'member',
  ): Promise<Person> => {
    const k = await container.tenants.createApiKey(tenant.id, email, role ? { role } : {});
    if (!connect) return { userId: k.userId, email, auth: { authorization: `Bearer ${k.apiKey}` }, connectionId: null };
    world.addMailbox(email, {
      workingHours: { daysOfWeek: [...WEEKDAYS], startTime: '09:00:00', endTime: '17:00:00', timeZone: zone },
    });
    const conn = await connections.upsert({
      tenantId: tenant.id,
      userId: k.userId,
      provider: 'MICROSOFT',
      providerTenantId: 'tid',
      providerUserId: email,
      accountEmail: email,
      accountName: null,
      scopes: [],
      tokenExpiresAt: null,
      status: 'active',
    });
    const provider = container.providers.forConnection('MICROSOFT', {
      tenantId: tenant.id,
      userId: k.userId,
      connectionId: conn.id,
      mailbox: email,
    });
    await connections.replaceCalendars(tenant.id, k.userId, conn.id, await provider.listCalendars());
    return { userId: k.userId, email, auth: { authorization: `Bearer ${k.apiKey}` }, connectionId: conn.id };
  };
  const csm = await person('adele@contoso.com', 'America/Los_Angeles', true);
  // The manager approves the CSM's proposals: the default approval policy names users whose role includes approver.
  const manager = await person('megan@contoso.com', 'America/New_York', true, 'approver');
  const loner = await person('nobody@contoso.com', 'UTC', false);
  return {
    app,
    container,
    runtime: t.runtime,
    clock,
    tenantId: tenant.id,
    csm,
    manager,
    loner,
    connections,
    close: async () => {
      await t.close();
    },
  };
}

/** Events of a mailbox in the mock world (not deleted). */
export function mailboxEvents(h: SchedulingHarness, mailbox: string) {
  return [...h.container.mockWorld.events.values()]
    .filter((s) => !s.deleted && s.mailbox === mailbox)
    .map((s) => s.event);
}
