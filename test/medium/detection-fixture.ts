// Shared set-up of the detection / metrics / brief medium tests: calbridge from createRuntime on a fresh DB, a fake clock.
import type { FastifyInstance } from 'fastify';
import type { Attendee } from '../../src/domain/calendar.js';
import type { TenantSettings } from '../../src/domain/tenancy.js';
import type { Container } from '../../src/main/container.js';
import type { Runtime } from '../../src/main/runtime.js';
import type { DetectionRuntime } from '../../src/main/wiring/detection.js';
import { createTestApp } from '../support/app.js';

export interface Fixture {
  app: FastifyInstance;
  container: Container;
  runtime: DetectionRuntime;
  /** The whole runtime (sync engine, jobs) the fixture's app was built from. */
  rt: Runtime;
  clock: { now: Date };
  newTenant(settings?: TenantSettings): Promise<TestTenant>;
  close(): Promise<void>;
}

export interface TestTenant {
  tenantId: string;
  userId: string;
  auth: { authorization: string };
  /** Inserts a meeting row as sync would (no customer fields) and returns its id; does not detect. */
  meeting(m: MeetingSeed): Promise<string>;
  /** A second user of the tenant with their own API key. */
  colleague(): Promise<{ userId: string; auth: { authorization: string } }>;
  calendar(opts: { userId?: string; shared: boolean }): Promise<string>;
}

export interface MeetingSeed {
  subject?: string;
  start: string;
  end?: string;
  organizer?: string | null;
  attendees?: Array<string | (Partial<Attendee> & { email: string })>;
  userId?: string;
  calendarId?: string | null;
  iCalUId?: string | null;
  isCancelled?: boolean;
  ownResponse?: Attendee['response'];
  body?: string;
  eventType?: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
}

let seq = 0;

export async function createFixture(opts: { now?: Date } = {}): Promise<Fixture> {
  const clock = { now: opts.now ?? new Date('2026-03-02T12:00:00Z') };
  const t = await createTestApp({}, { clock: { now: () => clock.now } });
  const { app, container } = t;
  const runtime = t.runtime.detection;
  const db = container.database.db;
  return {
    app,
    container,
    runtime,
    rt: t.runtime,
    clock,
    async newTenant(settings = {}) {
      seq += 1;
      const t = await container.tenants.createTenant({ name: `T${seq}`, calendarProvider: 'MICROSOFT', settings });
      const k = await container.tenants.createApiKey(t.id, `me${seq}@own${seq}.example`);
      const auth = { authorization: `Bearer ${k.apiKey}` };
      let calendars = 0;
      const tenant: TestTenant = {
        tenantId: t.id,
        userId: k.userId,
        auth,
        async colleague() {
          seq += 1;
          const c = await container.tenants.createApiKey(t.id, `colleague${seq}@own.example`);
          return { userId: c.userId, auth: { authorization: `Bearer ${c.apiKey}` } };
        },
        async calendar({ userId = k.userId, shared }) {
          calendars += 1;
          const conn = await db
            .insertInto('calendar_connections')
            .values({
              tenant_id: t.id,
              user_id: userId,
              provider: 'MICROSOFT',
              account_email: `x${calendars}@own.example`,
            })
            .onConflict((oc) => oc.columns(['tenant_id', 'user_id', 'provider']).doUpdateSet({ status: 'active' }))
            .returning('id')
            .executeTakeFirstOrThrow();
          const cal = await db
            .insertInto('calendars')
            .values({
              tenant_id: t.id,
              user_id: userId,
              connection_id: conn.id,
              provider_calendar_id: `cal-${calendars}`,
              name: shared ? 'Shared' : 'Calendar',
              is_shared: shared,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          return cal.id;
        },
        async meeting(m) {
          const start = new Date(m.start);
          const end = m.end ? new Date(m.end) : new Date(start.getTime() + 3_600_000);
          const attendees = (m.attendees ?? []).map((a) =>
            typeof a === 'string'
              ? { email: a, name: null, type: 'required', response: 'accepted' }
              : { name: null, type: 'required', response: 'accepted', ...a },
          );
          const r = await db
            .insertInto('meetings')
            .values({
              tenant_id: t.id,
              user_id: m.userId ?? k.userId,
              calendar_id: m.calendarId ?? null,
              ical_uid: m.iCalUId ?? null,
              subject: m.subject ?? 'Meeting',
              body: m.body ?? '',
              body_content_type: 'html',
              time_zone: 'UTC',
              is_all_day: false,
              show_as: 'busy',
              sensitivity: 'normal',
              start_at: start,
              end_at: end,
              organizer:
                m.organizer === null ? null : JSON.stringify({ email: m.organizer ?? 'me@own.example', name: null }),
              attendees: JSON.stringify(attendees),
              event_type: m.eventType ?? 'singleInstance',
              is_cancelled: m.isCancelled ?? false,
              response_status: m.ownResponse ?? 'organizer',
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          return r.id;
        },
      };
      return tenant;
    },
    close: () => t.close(),
  };
}
