// Deterministic demo data for the Google emulator: Contoso on Google Workspace (people, a no-Meet user, rooms),
// customer domains, and a few months of meetings: recurring series with EXDATEs, all-day events, Meet meetings.
import { DateTime } from 'luxon';
import { createRng, type Rng } from '../common/rng.js';
import type { GUser } from './model.js';
import { newEvent } from './serialize.js';
import { newEventId, type GoogleStore } from './store.js';

export const SEED_PASSWORD = 'Passw0rd!';

const PEOPLE: Array<[string, string, string]> = [
  ['adele.vance', 'Adele Vance', 'America/Los_Angeles'],
  ['megan.bowen', 'Megan Bowen', 'America/New_York'],
  ['alex.wilber', 'Alex Wilber', 'Europe/London'],
  ['lynne.robbins', 'Lynne Robbins', 'Europe/Berlin'],
  ['diego.siciliani', 'Diego Siciliani', 'Australia/Sydney'],
  ['patti.fernandez', 'Patti Fernandez', 'America/Los_Angeles'],
];

const CUSTOMERS: Array<[string, string[]]> = [
  ['acmecorp.com', ['wile.coyote', 'road.runner']],
  ['globex.com', ['hank.scorpio', 'frank.grimes']],
  ['initech.com', ['bill.lumbergh', 'peter.gibbons']],
];

const ROOMS: Array<[string, string, number, string, string]> = [
  ['rainier', 'Conf Room Rainier', 12, 'Building 1', '1'],
  ['baker', 'Conf Room Baker', 4, 'Building 1', '2'],
  ['adams', 'Conf Room Adams', 8, 'Building 2', '1'],
];

const title = (s: string) =>
  s
    .split('.')
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join(' ');

function person(email: string, name: string, timeZone: string, extra: Partial<GUser> = {}): GUser {
  return {
    email,
    name,
    kind: 'user',
    password: SEED_PASSWORD,
    timeZone,
    domain: email.split('@')[1]!,
    conferenceTypes: ['hangoutsMeet'],
    ...extra,
  };
}

/** Seeds users and a few months of meetings (3 back, 3 forward) relative to `now`. */
export function seedGoogle(store: GoogleStore, opts: { seed: number; now: number; minimal?: boolean }): void {
  const rng = createRng(opts.seed);
  for (const [local, name, tz] of PEOPLE) store.addUser(person(`${local}@contoso.com`, name, tz));
  store.addUser(person('nestor.wilke@contoso.com', 'Nestor Wilke', 'America/Chicago', { conferenceTypes: [] }));
  for (const [alias, name, capacity, building, floor] of ROOMS)
    store.addUser({
      ...person(`${alias}@contoso.com`, name, 'America/Los_Angeles'),
      kind: 'room',
      conferenceTypes: [],
      room: { capacity, building, floor, category: 'CONFERENCE_ROOM' },
    });
  for (const [domain, people] of CUSTOMERS)
    for (const p of people) store.addUser(person(`${p}@${domain}`, title(p), 'America/New_York'));
  if (opts.minimal) return;
  for (const [local] of PEOPLE.slice(0, 5)) seedMeetings(store, rng.fork(local), `${local}@contoso.com`, opts.now);
}

function seedMeetings(store: GoogleStore, rng: Rng, email: string, now: number): void {
  const cal = store.calendar(email)!;
  const owner = store.users.get(email)!;
  const zone = owner.timeZone;
  const today = DateTime.fromMillis(now, { zone }).startOf('day');
  const customers = [...store.users.values()].filter((u) => u.kind === 'user' && u.domain !== 'contoso.com');
  const add = (fill: (e: ReturnType<typeof newEvent>) => void) => {
    const e = newEvent(newEventId(), owner, now);
    fill(e);
    store.put(cal, e, { notify: false });
    store.fanOut(cal, e);
  };
  const iso = (d: DateTime) => d.toISO({ suppressMilliseconds: true })!;
  // A weekly team sync over six months with two skipped weeks (EXDATE) and a Meet link.
  const firstMonday = today.minus({ months: 3 }).set({ weekday: 1, hour: 9, minute: 30 });
  add((e) => {
    e.summary = 'Weekly team sync';
    e.start = { dateTime: iso(firstMonday), timeZone: zone };
    e.end = { dateTime: iso(firstMonday.plus({ minutes: 30 })), timeZone: zone };
    const skip = [4, 9].map((w) => firstMonday.plus({ weeks: w }).toFormat("yyyyLLdd'T'HHmmss"));
    e.recurrence = ['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=26', `EXDATE;TZID=${zone}:${skip.join(',')}`];
    e.attendees = [
      { email, responseStatus: 'accepted', organizer: true },
      { email: 'patti.fernandez@contoso.com', responseStatus: 'accepted' },
    ];
    e.hangoutLink = 'https://meet.google.com/wkl-sync-tme';
    e.conferenceData = {
      entryPoints: [{ entryPointType: 'video', uri: e.hangoutLink }],
      conferenceSolution: { key: { type: 'hangoutsMeet' }, name: 'Google Meet' },
      conferenceId: 'wkl-sync-tme',
    };
  });
  // Customer meetings: about two a week, some with Meet, some in a room.
  for (let day = -90; day <= 90; day += rng.int(2, 4)) {
    const d = today.plus({ days: day });
    if (d.weekday > 5) continue;
    const c = rng.pick(customers);
    const start = d.set({ hour: rng.int(9, 15), minute: rng.pick([0, 30]) });
    add((e) => {
      e.summary = `${title(c.domain.split('.')[0]!)} check-in`;
      e.start = { dateTime: iso(start), timeZone: zone };
      e.end = { dateTime: iso(start.plus({ minutes: rng.pick([30, 45, 60]) })), timeZone: zone };
      e.attendees = [
        { email, responseStatus: 'accepted', organizer: true },
        {
          email: c.email,
          displayName: c.name,
          responseStatus: rng.pick(['accepted', 'tentative', 'needsAction'] as const),
        },
      ];
      if (rng.chance(0.5)) {
        const code = `${rng.int(100, 999)}-cst-${rng.int(100, 999)}`;
        e.hangoutLink = `https://meet.google.com/${code}`;
        e.conferenceData = {
          entryPoints: [{ entryPointType: 'video', uri: e.hangoutLink }],
          conferenceSolution: { key: { type: 'hangoutsMeet' }, name: 'Google Meet' },
          conferenceId: code,
        };
      }
    });
  }
  // All-day events: a conference and a day off.
  for (const [offset, days, summary] of [
    [10, 2, 'Industry conference'],
    [-20, 1, 'Out of office'],
  ] as const) {
    const d = today.plus({ days: offset });
    add((e) => {
      e.summary = summary;
      e.start = { date: d.toISODate()! };
      e.end = { date: d.plus({ days }).toISODate()! };
      e.transparency = summary === 'Out of office' ? 'opaque' : 'transparent';
    });
  }
}
