// Replays an http-exchange case: imports its entities, maps documented ids onto emulator objects, compares.
import { fromNewerDocs, type ConformanceCase, type CaseOutcome } from './cases.js';
import {
  compareEchoedValues,
  compareShape,
  pageSpellingsKey,
  typeFromContext,
  type Representations,
} from './compare.js';
import {
  createCalendar,
  createEvent,
  createInvitationMessage,
  createInvite,
  createProposal,
  createPermission,
  createSubscription,
  eventInput,
  looksLikeEvent,
  placeAddress,
  SetupError,
} from './fixtures.js';
import type { Harness } from './harness.js';
import { prepareBody } from './request-body.js';

const GRAPH_ROOT = /^https:\/\/graph\.microsoft\.com\/v1\.0\/?/i;
const NOT_AN_ID = /^(delta|microsoft\.graph\..*|\$.*|calendarView|instances)$/i;
const RESPONSE_ACTIONS = new Set(['accept', 'decline', 'tentativelyaccept']);
const DROP_HEADERS = new Set(['content-length', 'authorization', 'host']);

interface Window {
  start: string;
  end: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Runs one http-exchange case against the emulator. */
export async function runExchange(h: Harness, c: ConformanceCase, reps: Representations): Promise<CaseOutcome> {
  const req = c.request;
  if (!req) return { id: c.id, outcome: 'na', detail: 'the docs show no request' };
  const raw = req.url.replace(GRAPH_ROOT, '');
  const [rawPath = '', rawQuery = ''] = splitOnce(raw, '?');
  const docBody = c.response?.body;
  const query = parseQuery(rawQuery);
  const window = windowOf(query, docBody);
  try {
    const imported = await importEntities(h, rawPath, docBody, window);
    let path = await mapPath(h, c, rawPath);
    // The default calendar cannot be deleted; the docs' DELETE example stands for any calendar of the user.
    if (req.method === 'DELETE' && /(^|\/)calendar$/i.test(path))
      path = path.replace(/calendar$/i, `calendars/${String((await createCalendar(h, 'Deletable')).id)}`);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers ?? {})) if (!DROP_HEADERS.has(k.toLowerCase())) headers[k] = v;
    let target = `${path}${query.length ? `?${mapQuery(query, window)}` : ''}`;
    if (query.some(([k]) => /^\$(skiptoken|deltatoken)$/i.test(k)))
      target = await deltaChain(h, path, query, window, headers);
    const sent = prepareBody(h, c);
    if (/getSchedule$/i.test(path)) await busyEvents(h, sent, docBody);
    const res = await h.graph(req.method, target, {
      headers,
      ...(req.bodyRaw !== undefined ? { raw: req.bodyRaw } : sent !== undefined && sent !== null ? { body: sent } : {}),
    });
    const copies = await importedCopies(h, res.json, imported, headers);
    return { id: c.id, ...judge(c, res.status, importedFirst(res.json, copies), sent, reps) };
  } catch (err) {
    if (err instanceof SetupError) return { id: c.id, outcome: 'fail', detail: err.message };
    throw err;
  }
}

function judge(
  c: ConformanceCase,
  status: number,
  actual: unknown,
  sent: unknown,
  reps: Representations,
): Omit<CaseOutcome, 'id'> {
  const doc = c.response;
  const errorOf = () => {
    const e = (actual as { error?: { code?: string; message?: string } } | null)?.error;
    return e ? ` (${e.code}: ${e.message})` : '';
  };
  if (!doc || doc.status === null) {
    if (status >= 200 && status < 300) return { outcome: 'pass' };
    return { outcome: 'fail', detail: `the docs show no response; expected success, got ${status}${errorOf()}` };
  }
  if (status !== doc.status)
    return { outcome: 'fail', detail: `status: expected ${doc.status}, got ${status}${errorOf()}` };
  if (doc.body === null || doc.body === undefined || doc.bodyUnspecified) return { outcome: 'pass' };
  let expected: unknown = doc.body;
  if (/\$batch$/i.test(c.request?.url ?? '')) expected = batchEnvelope(expected);
  const rootType =
    typeFromContext((actual as { '@odata.context'?: unknown } | null)?.['@odata.context']) ??
    typeFromContext((expected as Record<string, unknown>)['@odata.context']);
  // Only an older case may borrow the spellings of the newer docs version of its page.
  const newerSpellings = fromNewerDocs(c)
    ? undefined
    : (reps.get(pageSpellingsKey(c.api)) as ReadonlyMap<string, string> | undefined);
  const tolerated: string[] = [];
  const diff =
    compareShape(expected, actual, { representations: reps, rootType, newerSpellings, tolerated }) ??
    (c.request?.body ? compareEchoedValues(c.request.body, doc.body, sent, actual) : null);
  if (diff) return { outcome: 'fail', detail: diff };
  if (!tolerated.length) return { outcome: 'pass' };
  return {
    outcome: 'pass',
    detail: `property-name case tolerated where the newer docs version of this page spells it so: ${tolerated.join(', ')}`,
  };
}

/** Inner responses of a batch belong to other APIs: only their envelope (id, status, headers, body) is compared. */
function batchEnvelope(body: unknown): unknown {
  return { responses: [{ id: '1', status: 200, headers: {}, body: {} }], ...(isObj(body) ? {} : {}) };
}

/** Creates the events / calendars a documented list response shows, so that the replayed list has them too. */
async function importEntities(h: Harness, path: string, body: unknown, window: Window): Promise<Set<string>> {
  const subjects = new Set<string>();
  if (isObj(body) && /mailboxSettings\/workingHours$/i.test(path)) {
    // Working hours as documented (e.g. with a custom time zone) are set first, then read back.
    const wh = Object.fromEntries(Object.entries(body).filter(([k]) => !k.startsWith('@odata.context')));
    const res = await h.graph('PATCH', 'me/mailboxSettings', { body: { workingHours: wh } });
    if (res.status !== 200) throw new SetupError(`setup (PATCH documented workingHours) got ${res.status}`);
    return subjects;
  }
  if (!isObj(body) || !Array.isArray(body.value) || /places|mailboxSettings/i.test(path)) return subjects;
  if (/^subscriptions$/i.test(path)) {
    for (const _ of body.value.slice(0, 2)) await createSubscription(h);
    return subjects;
  }
  if (typeof body['@odata.nextLink'] === 'string') {
    // The documented page is not the last one: make sure the emulator has more than a page to give.
    for (let i = 0; i < 4; i++) {
      await createEvent(
        h,
        eventInput(
          { subject: `Page filler ${i}` },
          new Date(Date.parse(window.start) + (30 + i) * 3600_000).toISOString().slice(0, 19),
        ),
      );
    }
  }
  const items = body.value.filter(isObj).slice(0, 4);
  if (/\/instances$/i.test(path)) return subjects; // the series is created when its id is mapped
  let offset = 1;
  for (const raw of items) {
    if ('@removed' in raw) continue;
    const item = fromReminder(raw);
    if (looksLikeEvent(item)) {
      const startIso = new Date(Date.parse(window.start) + offset++ * 3600_000).toISOString().slice(0, 19);
      const input = eventInput(item, startIso);
      subjects.add(String(input.subject));
      await createEvent(h, input);
    } else if (typeof item.name === 'string' && item.name !== 'Calendar' && /calendars$/i.test(path)) {
      await createCalendar(h, item.name);
    }
  }
  return subjects;
}

/** Replaces documented ids, addresses and users in the path with emulator objects. */
async function mapPath(h: Harness, c: ConformanceCase, path: string): Promise<string> {
  const segs = path.split('/').filter(Boolean);
  let calendarId: string | undefined;
  for (let i = 0; i < segs.length - 1; i++) {
    const coll = segs[i]?.toLowerCase();
    const next = segs[i + 1] ?? '';
    if (NOT_AN_ID.test(next)) continue;
    if (coll === 'users') segs[i + 1] = h.me.id;
    else if (coll === 'calendars') segs[i + 1] = calendarId = String((await createCalendar(h, 'Conformance')).id);
    else if (coll === 'calendarpermissions') segs[i + 1] = encodeURIComponent(createPermission(h));
    else if (coll === 'subscriptions') segs[i + 1] = String((await createSubscription(h)).id);
    else if (coll === 'places') {
      const roomList =
        /roomlist/i.test(segs[i + 2] ?? '') ||
        /roomlist/i.test(String((c.response?.body as Record<string, unknown> | null)?.['@odata.type'] ?? ''));
      segs[i + 1] = await placeAddress(h, roomList ? 'roomList' : 'room');
    } else if (coll === 'messages') {
      const body = c.response?.body;
      const docEvent = isObj(body) && isObj(body.event) ? body.event : {};
      segs[i + 1] = encodeURIComponent(await createInvitationMessage(h, docEvent));
    } else if (coll === 'events') segs[i + 1] = encodeURIComponent(await eventFor(h, c, segs[i + 2], calendarId));
  }
  return segs.join('/');
}

/** The event a case acts on: an invitation for accept/decline, a series for instances, else one like the docs'. */
async function eventFor(
  h: Harness,
  c: ConformanceCase,
  action: string | undefined,
  calendarId?: string,
): Promise<string> {
  const body = isObj(c.response?.body) ? c.response.body : {};
  const docEvent = looksLikeEvent(body) ? body : {};
  const a = action?.toLowerCase();
  if (a && RESPONSE_ACTIONS.has(a)) return String((await createInvite(h, docEvent)).id);
  const attendees = Array.isArray(docEvent.attendees) ? docEvent.attendees : [];
  if (attendees.some((x) => isObj(x) && isObj(x.proposedNewTime)))
    return String((await createProposal(h, docEvent)).id);
  if (a === 'cancel') {
    const input = eventInput({
      ...docEvent,
      attendees: [{ type: 'required', emailAddress: { address: h.other.mail, name: h.other.displayName } }],
    });
    return String((await createEvent(h, input)).id);
  }
  if (a === 'instances') {
    const { start } = windowOf(parseQuery(splitOnce(c.request?.url ?? '', '?')[1] ?? ''), null);
    const first = start.slice(0, 10);
    const input = eventInput(
      {
        subject: 'Conformance series',
        recurrence: { pattern: { type: 'daily', interval: 1 }, range: { type: 'noEnd', startDate: first } },
      },
      `${first}T09:00:00`,
    );
    return String((await createEvent(h, input)).id);
  }
  if (a === 'dismissreminder')
    return String(
      (await createEvent(h, eventInput({ ...docEvent, isReminderOn: true, reminderMinutesBeforeStart: 15 }))).id,
    );
  return String((await createEvent(h, eventInput(docEvent), calendarId ? { calendarId } : {})).id);
}

/** Follows a delta round so that the documented $skiptoken / $deltatoken request gets a real token. */
async function deltaChain(
  h: Harness,
  path: string,
  query: Array<[string, string]>,
  window: Window,
  headers: Record<string, string>,
): Promise<string> {
  const wantDelta = query.some(([k]) => k.toLowerCase() === '$deltatoken');
  for (let i = 0; i < 3; i++) {
    await createEvent(
      h,
      eventInput(
        { subject: `Delta filler ${i}` },
        new Date(Date.parse(window.start) + (10 + i) * 3600_000).toISOString().slice(0, 19),
      ),
    );
  }
  let url = `${path}?startDateTime=${encodeURIComponent(window.start)}&endDateTime=${encodeURIComponent(window.end)}`;
  for (let page = 0; page < 100; page++) {
    const res = await h.graph('GET', url, { headers });
    const body = (res.json ?? {}) as Record<string, unknown>;
    if (res.status !== 200) throw new SetupError(`setup (delta round) got ${res.status}`);
    const next = body['@odata.nextLink'];
    if (!wantDelta && typeof next === 'string') return next;
    if (typeof next === 'string') {
      url = next;
      continue;
    }
    const delta = body['@odata.deltaLink'];
    if (typeof delta !== 'string') throw new SetupError('setup (delta round): neither nextLink nor deltaLink');
    if (!wantDelta)
      throw new SetupError('setup (delta round): no nextLink to replay the $skiptoken page (page size too large?)');
    // Changes for the delta page: one new event, one removed.
    const created = await createEvent(
      h,
      eventInput(
        { subject: 'Delta change' },
        new Date(Date.parse(window.start) + 20 * 3600_000).toISOString().slice(0, 19),
      ),
    );
    const gone = await createEvent(
      h,
      eventInput(
        { subject: 'Delta gone' },
        new Date(Date.parse(window.start) + 21 * 3600_000).toISOString().slice(0, 19),
      ),
    );
    void created;
    const res2 = await h.graph('GET', delta, { headers });
    const d2 = (res2.json ?? {}) as Record<string, unknown>;
    await h.graph('DELETE', `me/events/${encodeURIComponent(String(gone.id))}`);
    return typeof d2['@odata.deltaLink'] === 'string' ? d2['@odata.deltaLink'] : delta;
  }
  throw new SetupError('setup (delta round): too many pages');
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

function parseQuery(q: string): Array<[string, string]> {
  if (!q) return [];
  return q
    .split('&')
    .filter(Boolean)
    .map((p) => splitOnce(p, '='))
    .map(([k, v]) => [decodeURIComponent(k), v]);
}

/** Fills placeholder values; keeps the documented values otherwise (re-encoded). */
function mapQuery(query: Array<[string, string]>, window: Window): string {
  return query
    .map(([k, v]) => {
      let value = decodeURIComponentSafe(v);
      if (/^\{.*\}$/.test(value)) value = /start/i.test(k) ? window.start : /end/i.test(k) ? window.end : value;
      return `${k}=${encodeURIComponent(value).replace(/%2C/g, ',').replace(/%24/g, '$').replace(/%3A/g, ':').replace(/%2F/g, '/')}`;
    })
    .join('&');
}

function decodeURIComponentSafe(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/** The time window a case's query names (or the documented events span), for placing imported events. */
function windowOf(query: Array<[string, string]>, body: unknown): Window {
  const get = (re: RegExp) => query.find(([k]) => re.test(k))?.[1];
  const s = decodeURIComponentSafe(get(/^startdatetime$/i) ?? '');
  const e = decodeURIComponentSafe(get(/^enddatetime$/i) ?? '');
  if (Date.parse(s) && Date.parse(e))
    return { start: new Date(Date.parse(s)).toISOString(), end: new Date(Date.parse(e)).toISOString() };
  const starts = (isObj(body) && Array.isArray(body.value) ? body.value : [])
    .map((v) => (isObj(v) && isObj(v.start) ? Date.parse(`${String(v.start.dateTime)}Z`) : NaN))
    .filter((n) => Number.isFinite(n));
  if (starts.length) {
    const min = Math.min(...starts);
    return {
      start: new Date(min - 86_400_000).toISOString(),
      end: new Date(Math.max(...starts) + 2 * 86_400_000).toISOString(),
    };
  }
  return { start: '2030-01-07T00:00:00.000Z', end: '2030-01-14T00:00:00.000Z' };
}

/** getSchedule: each scheduled person gets a busy event inside the asked window (so scheduleItems are not empty). */
async function busyEvents(h: Harness, sent: unknown, docBody: unknown): Promise<void> {
  // Action parameters are matched without regard to case (the free/busy guide writes Schedules, StartTime).
  const body = isObj(sent) ? Object.fromEntries(Object.entries(sent).map(([k, v]) => [k.toLowerCase(), v])) : {};
  if (!Array.isArray(body.schedules) || !isObj(body.starttime)) return;
  const startTime = body.starttime;
  const start = String(startTime.dateTime).slice(0, 19);
  const at = new Date(Date.parse(`${start}Z`) + 3600_000).toISOString().slice(0, 19);
  const documented = isObj(docBody) && Array.isArray(docBody.value) ? docBody.value : [];
  for (const [i, address] of body.schedules.entries()) {
    const user = typeof address === 'string' ? h.emu.directory.getUser(address) : undefined;
    if (!user || user.kind !== 'user') continue;
    const token = user.id === h.me.id ? h.token : await h.mint(user);
    // The person's working hours as documented (e.g. in a custom time zone) are set first.
    const info = documented[i];
    if (isObj(info) && isObj(info.workingHours)) {
      const res = await h.graph('PATCH', 'me/mailboxSettings', { body: { workingHours: info.workingHours }, token });
      if (res.status !== 200) throw new SetupError(`setup (PATCH documented workingHours) got ${res.status}`);
    }
    await createEvent(
      h,
      eventInput({
        subject: 'Busy',
        start: { dateTime: at, timeZone: String(startTime.timeZone ?? 'UTC') },
        end: {
          dateTime: new Date(Date.parse(`${at}Z`) + 3600_000).toISOString().slice(0, 19),
          timeZone: String(startTime.timeZone ?? 'UTC'),
        },
      }),
      { token },
    );
  }
}

/** The emulator's copies of the imported entities: on the first page, or on the pages after it. */
async function importedCopies(
  h: Harness,
  first: unknown,
  subjects: Set<string>,
  headers: Record<string, string>,
): Promise<unknown[]> {
  if (!subjects.size || !isObj(first) || !Array.isArray(first.value)) return [];
  const found = first.value.filter((v) => isObj(v) && subjects.has(String(v.subject)));
  let next = first['@odata.nextLink'];
  for (let page = 0; !found.length && typeof next === 'string' && page < 50; page++) {
    const res = await h.graph('GET', next, { headers });
    const body = isObj(res.json) ? res.json : {};
    if (Array.isArray(body.value)) found.push(...body.value.filter((v) => isObj(v) && subjects.has(String(v.subject))));
    next = body['@odata.nextLink'];
  }
  return found;
}

/** A list's imported entities first, so the documented elements are compared with their copies. */
function importedFirst(actual: unknown, copies: unknown[]): unknown {
  if (!copies.length || !isObj(actual) || !Array.isArray(actual.value)) return actual;
  const rest = actual.value.filter((v) => !copies.some((c) => isObj(c) && isObj(v) && c.id === v.id));
  return { ...actual, value: [...copies, ...rest] };
}

/** A documented reminder (reminderView) stands for an event with a reminder: subject, times, location, lead. */
function fromReminder(item: Record<string, unknown>): Record<string, unknown> {
  if (typeof item.eventSubject !== 'string' || !isObj(item.eventStartTime)) return item;
  const start = Date.parse(`${String(item.eventStartTime.dateTime).slice(0, 19)}Z`);
  const fire = isObj(item.reminderFireTime)
    ? Date.parse(`${String(item.reminderFireTime.dateTime).slice(0, 19)}Z`)
    : NaN;
  return {
    subject: item.eventSubject,
    start: item.eventStartTime,
    end: item.eventEndTime,
    location: item.eventLocation,
    isReminderOn: true,
    reminderMinutesBeforeStart: Number.isFinite(fire) ? Math.round((start - fire) / 60_000) : 15,
  };
}
