// Seeded meetings: customer and internal meetings, recurring series with exceptions, all-day, responses, cancellations; bulk filler.
import type { Rng } from '../../common/rng.js';
import { formatWall, wallOf } from '../../common/zone-offset.js';
import type { EmuUser } from '../contracts.js';
import { normaliseLocation } from './event-build.js';
import { newChangeKey, newICalUid, seededBytes } from './ids.js';
import { cancelEvent, createEvent, deleteEvent, respond, updateEvent } from './meetings.js';
import { NEVER, type GraphEvent, type StoredEvent } from './model.js';
import type { MailboxStore } from './store.js';
import { graphTimestamp, localWallClock, requireZone } from './time.js';

/** Who the meeting generator works with. */
export interface SeedPeople {
  csms: EmuUser[];
  manager: EmuUser;
  noTeams: EmuUser;
  rooms: EmuUser[];
  customers: Array<{ name: string; domain: string; people: EmuUser[] }>;
  /** Windows zone by mail address. */
  zoneOf: Map<string, string>;
}

const CUSTOMER_SUBJECTS = [
  'Quarterly Business Review',
  'Onboarding check-in',
  'Renewal discussion',
  'Product roadmap preview',
  'Escalation follow-up',
  'Executive sponsor sync',
  'Adoption workshop',
  'Support case review',
];
const INTERNAL_SUBJECTS = [
  'Pipeline review',
  'Enablement: new analytics features',
  'Account planning',
  'Lunch & learn',
  'Deal desk',
  'Churn risk triage',
  'Hiring debrief',
];
export const HOSTILE_HTML =
  '<p>Agenda attached.</p><img src=x onerror=alert(1)><script>alert(1)</script><a href="javascript:alert(2)">details</a>';

const att = (u: EmuUser, type: 'required' | 'optional' | 'resource' = 'required') => ({
  type,
  emailAddress: { address: u.mail, name: u.displayName },
});

// The seed's dates are wall clocks (a zone's local date and time read as UTC ms: emulator/common/zone-offset.ts), so
// its calendar arithmetic is arithmetic on UTC dates, without luxon (most of the first seed's time; issue 20). Its
// meetings are between 08:00 and 18:00 and its all-day events start at midnight, where none of the seeded zones
// changes its offset, so adding minutes to a wall clock is adding them to the instant.
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** A zone's local date and time as UTC milliseconds. */
type Wall = number;
const wallNow = (ms: number, iana: string): Wall => wallOf(ms, iana);
const startOfDay = (w: Wall): Wall => Math.floor(w / DAY) * DAY;
/** ISO weekday, 1 (Monday) – 7. */
const weekday = (w: Wall): number => ((((Math.floor(w / DAY) + 3) % 7) + 7) % 7) + 1;
/** Monday 00:00 of the wall clock's week (luxon's startOf('week')). */
const startOfWeek = (w: Wall): Wall => startOfDay(w) - (weekday(w) - 1) * DAY;
const startOfMonth = (w: Wall): Wall => {
  const d = new Date(w);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
/** The same day at `hour`:`minute` (minute kept when not given), seconds kept, as luxon's set(). */
const at = (w: Wall, hour: number, minute?: number): Wall =>
  startOfDay(w) + hour * HOUR + (minute ?? Math.floor((w % HOUR) / MINUTE)) * MINUTE + (w % MINUTE);
/** Months added, the day clamped to the month's last, as luxon's plus({ months }). */
const plusMonths = (w: Wall, n: number): Wall => {
  const d = new Date(w);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + n;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(d.getUTCDate(), last)) + (w - startOfDay(w));
};
const isoDate = (w: Wall): string => new Date(w).toISOString().slice(0, 10);

function local(w: Wall): string {
  return formatWall(w) ?? new Date(w).toISOString().slice(0, 19);
}

function instOf(store: MailboxStore, ev: StoredEvent) {
  return { ev, startMs: ev.startMs, endMs: ev.endMs };
}

/** Attendee copies of a meeting answer: some accept, some tentatively accept, a few decline. */
function answer(store: MailboxStore, rng: Rng, org: StoredEvent): void {
  for (const c of store.meetingCopies(org.data.iCalUId!)) {
    if (c.userId === org.userId) continue;
    const copy = store.getEvent(c.userId, c.eventId);
    const user = store.directory.users.get(c.userId);
    if (!copy || !user || user.kind === 'room' || copy.data.responseStatus?.response !== 'none') continue;
    const r = rng.next();
    if (r < 0.55) respond(store, user, instOf(store, copy), 'accepted');
    else if (r < 0.68) respond(store, user, instOf(store, copy), 'tentativelyAccepted');
    else if (r < 0.78) respond(store, user, instOf(store, copy), 'declined');
  }
}

function series(store: MailboxStore, rng: Rng, org: EmuUser, calId: string, body: Record<string, unknown>): void {
  const { event } = createEvent(store, org, calId, body);
  answer(store, rng, event);
  // one moved occurrence (exception) and one cancelled occurrence, both in the past half of the window
  const all = store.occurrencesOf(event, event.startMs, event.startMs + 400 * 86_400_000);
  if (all.length >= 6) {
    const moved = all[2]!;
    const zone = String((body.start as { timeZone: string }).timeZone);
    const iana = requireZone(zone);
    updateEvent(store, org, moved, {
      subject: `${String(body.subject)} (moved)`,
      start: { dateTime: localWallClock(moved.startMs + HOUR, iana), timeZone: zone },
      end: { dateTime: localWallClock(moved.endMs + HOUR, iana), timeZone: zone },
    });
    deleteEvent(store, all[4]!);
  }
}

/** Generates about a year of meetings around `now` for every CSM (deterministic for the rng). */
export function seedMeetings(store: MailboxStore, p: SeedPeople, rng: Rng, now: number): void {
  const cal = (u: EmuUser) => store.defaultCalendar(u.id).id;
  const mgrZone = p.zoneOf.get(p.manager.mail) ?? 'Pacific Standard Time';
  const first = startOfWeek(wallNow(now, requireZone(mgrZone))) - 26 * 7 * DAY;
  series(store, rng, p.manager, cal(p.manager), {
    subject: 'CSM team sync',
    body: { contentType: 'html', content: '<p>Weekly team sync: wins, risks, asks.</p>' },
    start: { dateTime: local(at(first, 9)), timeZone: mgrZone },
    end: { dateTime: local(at(first, 9, 45)), timeZone: mgrZone },
    recurrence: {
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'sunday' },
      range: {
        type: 'endDate',
        startDate: isoDate(first),
        endDate: isoDate(first + 52 * 7 * DAY),
        recurrenceTimeZone: mgrZone,
      },
    },
    attendees: p.csms.map((u) => att(u)),
    isOnlineMeeting: true,
    onlineMeetingProvider: 'teamsForBusiness',
  });
  p.csms.forEach((csm, i) => seedCsm(store, p, rng.fork(csm.mail), csm, p.customers[i % p.customers.length]!, now));
  // a meeting organised from a calendar that cannot host Teams: created without a join link
  const nz = p.zoneOf.get(p.noTeams.mail) ?? 'Central Standard Time';
  const day = startOfDay(wallNow(now, requireZone(nz))) + 3 * DAY;
  createEvent(store, p.noTeams, cal(p.noTeams), {
    subject: 'Solution design walkthrough',
    start: { dateTime: local(at(day, 11)), timeZone: nz },
    end: { dateTime: local(at(day, 12)), timeZone: nz },
    attendees: [att(p.csms[0]!)],
    isOnlineMeeting: true,
    onlineMeetingProvider: 'teamsForBusiness',
  });
}

function seedCsm(
  store: MailboxStore,
  p: SeedPeople,
  rng: Rng,
  csm: EmuUser,
  account: SeedPeople['customers'][number],
  now: number,
): void {
  const zone = p.zoneOf.get(csm.mail) ?? 'UTC';
  const iana = requireZone(zone);
  const calId = store.defaultCalendar(csm.id).id;
  const weekStart = startOfWeek(wallNow(now, iana));
  const teammates = p.csms.filter((u) => u.id !== csm.id);
  const zoneLabel = rng.chance(0.5) ? zone : iana; // some mailboxes write IANA names
  // bi-weekly 1:1 with the manager, numbered range
  const oneOnOne = at(weekStart - 26 * 7 * DAY + 3 * DAY, 14);
  series(store, rng, csm, calId, {
    subject: `1:1 ${csm.givenName} / ${p.manager.givenName}`,
    start: { dateTime: local(oneOnOne), timeZone: zoneLabel },
    end: { dateTime: local(oneOnOne + 30 * MINUTE), timeZone: zoneLabel },
    recurrence: {
      pattern: { type: 'weekly', interval: 2, daysOfWeek: ['thursday'], firstDayOfWeek: 'sunday' },
      range: { type: 'numbered', startDate: isoDate(oneOnOne), numberOfOccurrences: 26 },
    },
    attendees: [att(p.manager)],
    isOnlineMeeting: true,
    onlineMeetingProvider: 'teamsForBusiness',
  });
  // monthly customer check-in, first Tuesday
  const m0 = startOfMonth(weekStart - 26 * 7 * DAY);
  const firstTue = at(m0 + ((2 - weekday(m0) + 7) % 7) * DAY, 10);
  series(store, rng, csm, calId, {
    subject: `${account.name} monthly check-in`,
    categories: ['Customer'],
    body: { contentType: 'html', content: `<p>Monthly check-in with ${account.name}.</p>` },
    start: { dateTime: local(firstTue), timeZone: zoneLabel },
    end: { dateTime: local(firstTue + HOUR), timeZone: zoneLabel },
    recurrence: {
      pattern: { type: 'relativeMonthly', interval: 1, daysOfWeek: ['tuesday'], index: 'first' },
      range: { type: 'endDate', startDate: isoDate(firstTue), endDate: isoDate(plusMonths(firstTue, 12)) },
    },
    attendees: account.people.slice(0, 2).map((u) => att(u)),
    isOnlineMeeting: true,
    onlineMeetingProvider: 'teamsForBusiness',
  });
  for (let w = -26; w < 26; w++) {
    const week = weekStart + w * 7 * DAY;
    const count = rng.int(3, 6);
    for (let k = 0; k < count; k++) {
      const day = at(week + rng.int(0, 4) * DAY, rng.int(8, 16), rng.pick([0, 0, 30]));
      const customer = rng.chance(0.55);
      const acct = customer ? (rng.chance(0.8) ? account : rng.pick(p.customers)) : null;
      const attendees = acct
        ? [
            ...rng
              .shuffle(acct.people)
              .slice(0, rng.int(1, 3))
              .map((u) => att(u)),
            ...(rng.chance(0.3) ? [att(rng.pick(teammates), 'optional')] : []),
          ]
        : rng
            .shuffle([...teammates, p.manager])
            .slice(0, rng.int(1, 3))
            .map((u) => att(u));
      const room = rng.chance(0.2) ? rng.pick(p.rooms) : null;
      if (room) attendees.push(att(room, 'resource'));
      const teams = rng.chance(0.7);
      const { event } = createEvent(store, csm, calId, {
        subject: acct ? `${acct.name} — ${rng.pick(CUSTOMER_SUBJECTS)}` : rng.pick(INTERNAL_SUBJECTS),
        body: { contentType: 'html', content: `<p>${acct ? `Meeting with ${acct.name}` : 'Internal meeting'}.</p>` },
        start: { dateTime: local(day), timeZone: zoneLabel },
        end: { dateTime: local(day + rng.pick([30, 30, 45, 60, 90]) * MINUTE), timeZone: zoneLabel },
        attendees,
        isOnlineMeeting: teams,
        ...(teams ? { onlineMeetingProvider: 'teamsForBusiness' } : {}),
        ...(room
          ? {
              location: {
                displayName: room.displayName,
                locationType: 'conferenceRoom',
                locationEmailAddress: room.mail,
              },
            }
          : {}),
        ...(acct ? { categories: ['Customer'] } : {}),
        importance: rng.chance(0.1) ? 'high' : 'normal',
      });
      answer(store, rng, event);
      if (rng.chance(0.04)) cancelEvent(store, instOf(store, event));
    }
    if (rng.chance(0.15)) {
      const d = startOfDay(week + rng.int(0, 4) * DAY);
      createEvent(store, csm, calId, {
        subject: 'Out of office',
        isAllDay: true,
        showAs: 'oof',
        start: { dateTime: local(d), timeZone: zoneLabel },
        end: { dateTime: local(d + rng.int(1, 3) * DAY), timeZone: zoneLabel },
        isReminderOn: false,
      });
    }
  }
  if (csm === p.csms[0]) {
    const d = at(weekStart + 2 * DAY, 15);
    createEvent(store, csm, calId, {
      subject: 'Vendor security review',
      body: { contentType: 'html', content: HOSTILE_HTML },
      start: { dateTime: local(d), timeZone: zoneLabel },
      end: { dateTime: local(d + HOUR), timeZone: zoneLabel },
      attendees: [att(p.customers[0]!.people[0]!)],
    });
    const conf = startOfDay(weekStart + 6 * 7 * DAY);
    createEvent(store, csm, calId, {
      subject: 'Customer Success Summit',
      isAllDay: true,
      showAs: 'oof',
      start: { dateTime: local(conf), timeZone: zoneLabel },
      end: { dateTime: local(conf + 2 * DAY), timeZone: zoneLabel },
    });
  }
}

const isoLocal = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}.0000000`;

/**
 * Adds `count` plain single-instance events to a mailbox's default calendar in one pass (no invitations,
 * no change records): ~50,000 events take well under a second. Deterministic for `seed`.
 */
export function seedBulk(store: MailboxStore, userId: string, count: number, seed: number): void {
  const bytes = seededBytes(seed ^ 0xb01c);
  const owner = store.directory.users.get(userId);
  if (!owner) throw new Error(`unknown user ${userId}`);
  const calId = store.defaultCalendar(userId).id;
  const now = store.clock();
  const startSpan = now - 183 * 86_400_000;
  const created = graphTimestamp(now);
  const organizer = { emailAddress: { name: owner.displayName, address: owner.mail } };
  const items: Array<{ data: GraphEvent; startMs: number; endMs: number; zone: string }> = [];
  const span = 366 * 86_400_000;
  // shared, never-mutated nested values keep 50k events cheap to build
  const location = normaliseLocation(null);
  const body = { contentType: 'html', content: '' } as const;
  const responseStatus = { response: 'organizer', time: NEVER } as const;
  for (let i = 0; i < count; i++) {
    const startMs = Math.floor((startSpan + (span * i) / Math.max(count, 1)) / 900_000) * 900_000;
    const endMs = startMs + (1 + (i % 4)) * 900_000;
    const id = store.newId();
    items.push({
      startMs,
      endMs,
      zone: 'UTC',
      data: {
        id,
        createdDateTime: created,
        lastModifiedDateTime: created,
        changeKey: newChangeKey(bytes),
        categories: [],
        transactionId: null,
        originalStartTimeZone: 'UTC',
        originalEndTimeZone: 'UTC',
        iCalUId: newICalUid(bytes),
        reminderMinutesBeforeStart: 15,
        isReminderOn: true,
        hasAttachments: false,
        subject: `Bulk event ${i + 1}`,
        bodyPreview: '',
        importance: 'normal',
        sensitivity: 'normal',
        isAllDay: false,
        isCancelled: false,
        isOrganizer: true,
        responseRequested: true,
        seriesMasterId: null,
        showAs: 'busy',
        type: 'singleInstance',
        webLink: `https://outlook.office365.com/owa/?itemid=${id.replace(/=/g, '%3D')}&exvsurl=1&path=/calendar/item`,
        onlineMeetingUrl: null,
        isOnlineMeeting: false,
        onlineMeetingProvider: 'unknown',
        allowNewTimeProposals: true,
        isDraft: false,
        hideAttendees: false,
        responseStatus,
        body,
        start: { dateTime: isoLocal(startMs), timeZone: 'UTC' },
        end: { dateTime: isoLocal(endMs), timeZone: 'UTC' },
        location,
        locations: [],
        recurrence: null,
        attendees: [],
        organizer,
        onlineMeeting: null,
      },
    });
  }
  store.bulkInsert(userId, calId, items);
}
