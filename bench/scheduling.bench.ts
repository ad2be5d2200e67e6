// Scheduling benchmark: availability for 10 people + 2 rooms over 2 weeks and approval-to-created-event through the
// API against the emulator with a realistic 150 ms Graph round trip (p50/p99, Graph requests per operation), and
// calbridge's own CPU time per request with latency off (a provider answering from memory: no emulator or mock work).
import { fetch as undiciFetch } from 'undici';
import type { BusyItem } from '../src/domain/calendar.js';
import type { CalendarProvider, FreeBusyResult } from '../src/ports/calendar-provider.js';
import type { BenchResult, Floor } from './harness.js';
import { startSchedulingE2E, type SchedulingE2E } from '../test/e2e/scheduling-harness.js';
import { mailboxEvents, startSchedulingHarness } from '../test/medium/scheduling-harness.js';

const PEOPLE = Array.from({ length: 10 }, (_, i) => `bench.person${i}@contoso.com`);
const ROOMS = ['bench.room0@contoso.com', 'bench.room1@contoso.com'];
const ZONES = ['America/Los_Angeles', 'America/New_York', 'Europe/London', 'Europe/Berlin', 'Asia/Kolkata'];
const DAY = 86_400_000;

/** Floors: availability needs one Graph round trip, approval two (room re-check + create). */
export const floors: Floor[] = [
  { match: 'availability Graph requests', minRatio: 1 },
  { match: 'approval Graph requests', minRatio: 1 },
];

function busyFor(i: number, start: number): BusyItem[] {
  const items: BusyItem[] = [];
  for (let d = 0; d < 14; d++) {
    for (let k = 0; k < 4; k++) {
      const s = start + d * DAY + (8 + ((i * 7 + k * 3 + d) % 10)) * 3_600_000;
      items.push({
        start: new Date(s).toISOString(),
        end: new Date(s + (1 + (k % 3)) * 1_800_000).toISOString(),
        status: k === 3 ? 'tentative' : 'busy',
      });
    }
  }
  return items;
}

function seedEmulator(h: SchedulingE2E, from: number): void {
  const { directory, store } = h.t.emu;
  const tenantId = directory.getUser('adele.vance@contoso.com')!.tenantId;
  [...PEOPLE, ...ROOMS].forEach((email, i) => {
    const room = email.includes('room');
    const user = directory.addUser({
      id: `0000be7c-0000-4000-8000-${String(i).padStart(12, '0')}`,
      tenantId,
      userPrincipalName: email,
      mail: email,
      displayName: email,
      givenName: null,
      surname: null,
      jobTitle: null,
      kind: room ? 'room' : 'user',
      mailbox: 'exchangeOnline',
      password: 'x',
    });
    store.ensureMailbox(user);
    const zone = ZONES[i % ZONES.length]!;
    if (!room)
      store.updateSettings(user.id, {
        timeZone: zone,
        workingHours: {
          daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
          startTime: '08:00:00.0000000',
          endTime: '17:00:00.0000000',
          timeZone: { name: zone },
        },
      });
    const iso = (ms: number) => new Date(ms).toISOString().slice(0, 23) + '0000';
    store.bulkInsert(
      user.id,
      store.defaultCalendar(user.id).id,
      busyFor(i, from).map((b, k) => {
        const [s, e] = [Date.parse(b.start), Date.parse(b.end)];
        return {
          startMs: s,
          endMs: e,
          zone: 'UTC',
          data: {
            id: `bench-${i}-${k}`,
            subject: 'Busy',
            showAs: b.status,
            type: 'singleInstance',
            isCancelled: false,
            isAllDay: false,
            sensitivity: 'normal',
            start: { dateTime: iso(s), timeZone: 'UTC' },
            end: { dateTime: iso(e), timeZone: 'UTC' },
            attendees: [],
            responseStatus: { response: 'organizer' },
          },
        };
      }),
    );
  });
}

async function setLatency(h: SchedulingE2E, fixedMs: number): Promise<void> {
  const r = await undiciFetch(`${h.t.emu.baseUrl}/_emulator/faults`, {
    method: 'PATCH',
    dispatcher: h.t.agent,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ latency: { fixedMs, jitterMs: 0, distribution: 'uniform' } }),
  });
  if (r.status >= 300) throw new Error(`faults PATCH answered ${r.status}`);
}

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const out = await f();
  return [performance.now() - t0, out];
}

async function emulatorFigures(quick: boolean): Promise<BenchResult[]> {
  const h = await startSchedulingE2E({}, { minimalSeed: true });
  try {
    const from = Math.ceil((h.t.emu.clock.now() + 7 * DAY) / DAY) * DAY;
    seedEmulator(h, from);
    const organizer = await h.connect(PEOPLE[0]!);
    const approver = await h.user('bench.approver@contoso.com', 'approver');
    const q = new URLSearchParams({
      start: new Date(from).toISOString(),
      end: new Date(from + 14 * DAY).toISOString(),
      granularity: '30',
    });
    for (const p of PEOPLE.slice(1)) q.append('attendees', p);
    for (const r of ROOMS) q.append('rooms', r);
    const graphCalls = () =>
      Object.entries(h.t.emu.requestLog.counts().byRoute)
        .filter(([route]) => route.includes('/v1.0/'))
        .reduce((n, [, c]) => n + c, 0);
    const availability = () =>
      h.app.inject({
        method: 'GET',
        url: `/api/outlook/calendar/availability?${q.toString()}`,
        headers: organizer.auth,
      });
    await setLatency(h, 150);
    for (let i = 0; i < 2; i++) await availability();
    const avail: number[] = [];
    const availCalls: number[] = [];
    for (let i = 0; i < (quick ? 5 : 30); i++) {
      const before = graphCalls();
      const [ms, res] = await timed(availability);
      if (res.statusCode !== 200) throw new Error(`availability answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
      avail.push(ms);
      availCalls.push(graphCalls() - before);
    }
    const approve: number[] = [];
    const approveCalls: number[] = [];
    for (let i = 0; i < (quick ? 4 : 15); i++) {
      const start = from + 15 * DAY + i * 3_600_000 * 2 + 3 * 3_600_000;
      const p = await h.app.inject({
        method: 'POST',
        url: '/api/outlook/calendar/events',
        headers: organizer.auth,
        payload: {
          subject: `Bench ${i}`,
          start: new Date(start).toISOString(),
          end: new Date(start + 1_800_000).toISOString(),
          attendees: [{ email: PEOPLE[1] }, { email: 'guest@fabrikam.example' }],
          room: ROOMS[i % 2],
        },
      });
      const id = (p.json() as { id: string }).id;
      const before = graphCalls();
      const [ms, res] = await timed(() =>
        h.app.inject({ method: 'POST', url: `/api/proposals/${id}/approve`, headers: approver.auth }),
      );
      if (res.statusCode !== 200) throw new Error(`approve answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
      approve.push(ms);
      approveCalls.push(graphCalls() - before);
    }
    await setLatency(h, 0);
    const wall: number[] = [];
    for (let i = 0; i < (quick ? 5 : 30); i++) wall.push((await timed(availability))[0]);
    return [
      { name: 'availability 10 people + 2 rooms, 2 weeks (Graph 150 ms)', unit: 'ms', samples: avail, better: 'lower' },
      {
        name: 'availability Graph requests per call',
        unit: 'requests',
        samples: availCalls,
        minimum: 1,
        better: 'lower',
      },
      { name: 'approval to created event, Teams + room (Graph 150 ms)', unit: 'ms', samples: approve, better: 'lower' },
      {
        name: 'approval Graph requests per call',
        unit: 'requests',
        samples: approveCalls,
        minimum: 2,
        better: 'lower',
      },
      { name: 'availability wall time, latency off (emulator in process)', unit: 'ms', samples: wall, better: 'lower' },
    ];
  } finally {
    await h.close();
  }
}

async function cpuFigures(quick: boolean): Promise<BenchResult[]> {
  const h = await startSchedulingHarness({ allowSelfApprovalInternal: true });
  try {
    const from = Date.parse('2026-05-04T00:00:00Z');
    const world = h.container.mockWorld;
    [...PEOPLE, ...ROOMS].forEach((email, i) => {
      const room = email.includes('room');
      world.addMailbox(
        email,
        room
          ? {
              kind: 'room',
              workingHours: null,
              room: { name: email, capacity: 8, building: '1', floor: '1', roomList: null },
            }
          : {
              workingHours: {
                daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
                startTime: '08:00:00',
                endTime: '17:00:00',
                timeZone: ZONES[i % ZONES.length]!,
              },
            },
      );
      for (const b of busyFor(i, from))
        world.put(email, {
          ...mailboxEventTemplate(),
          id: world.nextId('evt'),
          calendarId: world.defaultCalendar(email),
          start: b.start,
          end: b.end,
          showAs: b.status,
        });
    });
    if (mailboxEvents(h, PEOPLE[1]!).length === 0) throw new Error('mock world not seeded');
    // The provider answers free/busy from memory after the first call, so the CPU measured is calbridge's own
    // (routing, validation, database, fail-closed merge, grid / engine, serialisation), not the mock's calendar maths.
    const registry = h.container.providers;
    const forConnection = registry.forConnection.bind(registry);
    const answers = new Map<string, Promise<FreeBusyResult>>();
    registry.forConnection = (type, ctx) => {
      const p = forConnection(type, ctx);
      const memo = Object.create(p) as CalendarProvider;
      memo.getFreeBusy = async (params) => {
        const key = JSON.stringify(params);
        if (!answers.has(key)) answers.set(key, p.getFreeBusy(params));
        return structuredClone(await answers.get(key)!);
      };
      return memo;
    };
    const q = new URLSearchParams({
      start: new Date(from).toISOString(),
      end: new Date(from + 14 * DAY).toISOString(),
      granularity: '30',
    });
    for (const p of PEOPLE) q.append('attendees', p);
    for (const r of ROOMS) q.append('rooms', r);
    const cpuOf = async (f: () => Promise<unknown>) => {
      const c0 = process.cpuUsage();
      await f();
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / 1000;
    };
    const avail = () =>
      h.app.inject({ method: 'GET', url: `/api/outlook/calendar/availability?${q.toString()}`, headers: h.csm.auth });
    const find = () =>
      h.app.inject({
        method: 'POST',
        url: '/api/outlook/calendar/findmeetingtimes',
        headers: h.csm.auth,
        payload: {
          attendees: PEOPLE.map((email) => ({ email })),
          rooms: ROOMS,
          window: { start: new Date(from).toISOString(), end: new Date(from + 14 * DAY).toISOString() },
          durationMinutes: 30,
          minimumAttendeePercentage: 0,
        },
      });
    for (let i = 0; i < 3; i++) {
      await avail();
      await find();
    }
    const a: number[] = [];
    const f: number[] = [];
    for (let i = 0; i < (quick ? 10 : 50); i++) {
      a.push(await cpuOf(avail));
      f.push(await cpuOf(find));
    }
    return [
      {
        name: 'our CPU per availability request (latency off, provider answers from memory)',
        unit: 'ms',
        samples: a,
        better: 'lower',
      },
      {
        name: 'our CPU per findmeetingtimes request, own engine (latency off, provider answers from memory)',
        unit: 'ms',
        samples: f,
        better: 'lower',
      },
    ];
  } finally {
    await h.close();
  }
}

function mailboxEventTemplate() {
  return {
    iCalUId: null,
    changeKey: null,
    subject: 'Busy',
    body: { contentType: 'html' as const, content: '' },
    timeZone: 'UTC',
    isAllDay: false,
    organizer: null,
    attendees: [],
    location: null,
    onlineMeeting: null,
    sensitivity: 'normal' as const,
    categories: [],
    type: 'singleInstance' as const,
    seriesMasterId: null,
    originalStart: null,
    recurrence: null,
    isCancelled: false,
    externalId: null,
    reminderMinutes: null,
    responseStatus: 'organizer' as const,
    createdAt: null,
    updatedAt: null,
  };
}

export async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  return [...(await emulatorFigures(opts.quick)), ...(await cpuFigures(opts.quick))];
}
