// Resource representations and recurrence fragments: obtain the emulator's JSON for the type and compare.
import type { CaseOutcome, ConformanceCase } from './cases.js';
import { compareShape, typeName, type Representations } from './compare.js';
import {
  createEvent,
  createSubscription,
  eventInput,
  normaliseRecurrence,
  placeAddress,
  SetupError,
} from './fixtures.js';
import type { Harness } from './harness.js';
import { produceChangeNotification } from './payloads.js';

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** A rich event: attendees, a located address with coordinates, a body, categories, an online meeting. */
const RICH_EVENT = {
  subject: 'Conformance rich event',
  body: { contentType: 'HTML', content: '<p>Agenda</p>' },
  start: { dateTime: '2030-01-08T10:00:00', timeZone: 'Pacific Standard Time' },
  end: { dateTime: '2030-01-08T11:00:00', timeZone: 'Pacific Standard Time' },
  location: {
    displayName: 'Fourth Coffee',
    address: { street: '4567 Main St', city: 'Redmond', state: 'WA', countryOrRegion: 'US', postalCode: '32008' },
    coordinates: { latitude: 47.672, longitude: -102.103 },
  },
  attendees: [{ type: 'required', emailAddress: { address: 'samanthab@contoso.com', name: 'Samantha Booth' } }],
  categories: ['Red category'],
  isOnlineMeeting: true,
  onlineMeetingProvider: 'teamsForBusiness',
  transactionId: 'conformance-transaction',
};

async function get(h: Harness, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await h.graph(body === undefined ? 'GET' : 'POST', path, body === undefined ? {} : { body });
  if (res.status >= 300 || !isObj(res.json)) throw new SetupError(`${path} answered ${res.status}`);
  return res.json;
}

async function richEvent(h: Harness): Promise<Record<string, unknown>> {
  const ev = await createEvent(h, RICH_EVENT);
  return get(h, `me/events/${encodeURIComponent(String(ev.id))}`);
}

async function series(h: Harness, recurrence?: Record<string, unknown>): Promise<Record<string, unknown>> {
  const rec = recurrence ?? {
    pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
    range: { type: 'endDate', startDate: '2030-01-07', endDate: '2030-03-31' },
  };
  const start = String((rec.range as { startDate?: string } | undefined)?.startDate ?? '2030-01-07');
  const ev = await createEvent(h, eventInput({ subject: 'Conformance series', recurrence: rec }, `${start}T09:00:00`));
  return get(h, `me/events/${encodeURIComponent(String(ev.id))}`);
}

async function schedule(h: Harness, unknown = false): Promise<Record<string, unknown>> {
  await createEvent(h, eventInput({ subject: 'Busy' }, '2030-01-08T10:00:00'), { token: h.otherToken });
  const res = await get(h, 'me/calendar/getSchedule', {
    schedules: [unknown ? 'nobody@fabrikam.example' : h.other.mail],
    startTime: { dateTime: '2030-01-08T08:00:00', timeZone: 'UTC' },
    endTime: { dateTime: '2030-01-08T18:00:00', timeZone: 'UTC' },
    availabilityViewInterval: 60,
  });
  return ((res.value as unknown[] | undefined)?.[0] ?? {}) as Record<string, unknown>;
}

/** A custom time zone for working hours (shape of the docs' example). */
const CUSTOM_ZONE = {
  '@odata.type': '#microsoft.graph.customTimeZone',
  bias: -200,
  name: 'Customized Time Zone',
  standardOffset: { time: '02:00:00.0000000', dayOccurrence: 4, dayOfWeek: 'sunday', month: 5, year: 0 },
  daylightOffset: {
    daylightBias: -100,
    time: '02:00:00.0000000',
    dayOccurrence: 2,
    dayOfWeek: 'sunday',
    month: 10,
    year: 0,
  },
};

async function customZone(h: Harness): Promise<Record<string, unknown>> {
  const settings = await get(h, 'me/mailboxSettings');
  const res = await h.graph('PATCH', 'me/mailboxSettings', {
    body: { workingHours: { ...(settings.workingHours as object), timeZone: CUSTOM_ZONE } },
  });
  if (res.status !== 200)
    throw new SetupError(`PATCH mailboxSettings with a custom working-hours time zone answered ${res.status}`);
  return (pick(await get(h, 'me/mailboxSettings/workingHours'), 'timeZone') ?? {}) as Record<string, unknown>;
}

const pick = (o: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, k) => (isObj(v) ? v[k] : Array.isArray(v) ? v[Number(k)] : undefined), o);

/** How to obtain an emulator object of each representation's type. */
const PRODUCERS: Record<string, (h: Harness) => Promise<unknown>> = {
  event: richEvent,
  calendar: (h) => get(h, 'me/calendar'),
  subscription: (h) => createSubscription(h),
  mailboxsettings: (h) => get(h, 'me/mailboxSettings'),
  workinghours: async (h) => pick(await get(h, 'me/mailboxSettings'), 'workingHours'),
  datetimetimezone: async (h) => pick(await richEvent(h), 'start'),
  emailaddress: async (h) => pick(await richEvent(h), 'organizer', 'emailAddress'),
  itembody: async (h) => pick(await richEvent(h), 'body'),
  location: async (h) => pick(await richEvent(h), 'location'),
  physicaladdress: async (h) => pick(await richEvent(h), 'location', 'address'),
  outlookgeocoordinates: async (h) => pick(await richEvent(h), 'location', 'coordinates'),
  onlinemeetinginfo: async (h) => pick(await richEvent(h), 'onlineMeeting'),
  patternedrecurrence: async (h) => pick(await series(h), 'recurrence'),
  recurrencepattern: async (h) => pick(await series(h), 'recurrence', 'pattern'),
  recurrencerange: async (h) => pick(await series(h), 'recurrence', 'range'),
  place: async (h) => get(h, `places/${encodeURIComponent(await placeAddress(h, 'room'))}`),
  room: async (h) => pick(await get(h, 'places/microsoft.graph.room'), 'value', '0'),
  roomlist: async (h) => pick(await get(h, 'places/microsoft.graph.roomlist'), 'value', '0'),
  scheduleinformation: (h) => schedule(h),
  scheduleitem: async (h) => pick(await schedule(h), 'scheduleItems', '0'),
  freebusyerror: async (h) => pick(await schedule(h, true), 'error'),
  meetingtimesuggestion: async (h) =>
    pick(
      await get(h, 'me/findMeetingTimes', {
        attendees: [{ type: 'required', emailAddress: { address: h.other.mail } }],
        meetingDuration: 'PT1H',
      }),
      'meetingTimeSuggestions',
      '0',
    ),
  changenotificationcollection: async (h) => (await produceChangeNotification(h, true)).json,
  customtimezone: customZone,
  daylighttimezoneoffset: async (h) => pick(await customZone(h), 'daylightOffset'),
  'odata.error': async (h) => (await h.graph('GET', 'me/events/AAMkAGNvbmZvcm1hbmNlLW5vdC1mb3VuZA==')).json,
};

/** Types the emulator only ever receives (request parameters), never returns. */
const INPUT_ONLY: Record<string, string> = {
  timeconstraint: 'timeConstraint is a findMeetingTimes request parameter; Graph never returns one',
  locationconstraint: 'locationConstraint is a findMeetingTimes request parameter; Graph never returns one',
};
/** Abstract base types: the concrete object has its subtype's extra properties. */
const BASE_TYPES = new Set(['place']);

export async function runRepresentation(h: Harness, c: ConformanceCase, reps: Representations): Promise<CaseOutcome> {
  const type = typeName(c.odataType ?? '');
  if (INPUT_ONLY[type]) return { id: c.id, outcome: 'na', detail: INPUT_ONLY[type] };
  const produce = PRODUCERS[type];
  if (!produce) return { id: c.id, outcome: 'na', detail: `no emulator call returns a ${c.odataType}` };
  const actual = await produce(h);
  if (actual === undefined || actual === null)
    return { id: c.id, outcome: 'fail', detail: `the emulator returned no ${c.odataType}` };
  let rep = c.data;
  if (BASE_TYPES.has(type) && isObj(rep) && isObj(actual)) {
    // Compare the base properties only: the concrete room/roomList adds its own.
    rep = {
      ...rep,
      ...Object.fromEntries(
        Object.keys(actual)
          .filter((k) => !(k in (rep as object)))
          .map((k) => [k, null]),
      ),
    };
  }
  const diff = compareShape(rep, actual, { representation: true, representations: reps, rootType: type });
  return diff ? { id: c.id, outcome: 'fail', detail: diff } : { id: c.id, outcome: 'pass' };
}

/** A recurrence fragment: create a series with it, read the series back, compare shape and (case-insensitive) values. */
export async function runFragment(h: Harness, c: ConformanceCase, reps: Representations): Promise<CaseOutcome> {
  const data = isObj(c.data) ? c.data : {};
  const fragment = isObj(data.recurrence) ? data.recurrence : data;
  const startDate = String(pick(fragment, 'range', 'startDate') ?? '2030-01-07');
  const ev = await series(h, normaliseRecurrence(fragment, startDate));
  const rec = ev.recurrence;
  const actual = isObj(data.recurrence)
    ? { recurrence: rec }
    : Object.fromEntries(Object.keys(data).map((k) => [k, pick(rec, k)]));
  const diff = compareShape(data, actual, { representations: reps, rootType: null }) ?? sameValues(data, actual, '');
  return diff ? { id: c.id, outcome: 'fail', detail: diff } : { id: c.id, outcome: 'pass' };
}

/** Every documented scalar equals the returned one (strings case-insensitively: Graph lower-cases enum values). */
function sameValues(doc: unknown, actual: unknown, path: string): string | null {
  if (Array.isArray(doc)) {
    if (!Array.isArray(actual) || actual.length !== doc.length)
      return `${path}: expected ${JSON.stringify(doc)}, got ${JSON.stringify(actual)}`;
    for (let i = 0; i < doc.length; i++) {
      const d = sameValues(doc[i], actual[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (isObj(doc)) {
    for (const [k, v] of Object.entries(doc)) {
      const d = sameValues(v, isObj(actual) ? actual[k] : undefined, path ? `${path}.${k}` : k);
      if (d) return d;
    }
    return null;
  }
  const same =
    typeof doc === 'string' && typeof actual === 'string' ? doc.toLowerCase() === actual.toLowerCase() : doc === actual;
  return same ? null : `${path}: expected ${JSON.stringify(doc)}, got ${JSON.stringify(actual)}`;
}
