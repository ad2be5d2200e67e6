// Compares calbridge's synced meetings with the emulator's calendarView for a window, event by event.
import type { Kysely } from 'kysely';
import { fetch as undiciFetch, type Agent } from 'undici';
import { expect } from 'vitest';
import type { DB } from '../../src/stores/schema.js';

export interface GraphEvent {
  id: string;
  subject: string | null;
  type: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
  seriesMasterId: string | null;
  isAllDay: boolean;
  isCancelled: boolean;
  isOrganizer: boolean;
  isOnlineMeeting: boolean;
  onlineMeeting: { joinUrl?: string | null } | null;
  originalStartTimeZone: string | null;
  showAs: string;
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
  location: { displayName?: string | null } | null;
  attendees: Array<{ emailAddress: { address: string }; type: string; status?: { response?: string } }>;
  recurrence: { pattern: { type: string; interval: number } } | null;
}

interface EmulatorAt {
  emu: { baseUrl: string };
  agent: Agent;
}

/** GET on the emulator's Graph with the user's token, times in UTC. */
export async function graphGet<T>(t: EmulatorAt, token: () => Promise<string>, path: string): Promise<T> {
  const url = path.startsWith('https://') ? path : `${t.emu.baseUrl}/v1.0${path}`;
  const res = await undiciFetch(url, {
    dispatcher: t.agent,
    headers: { authorization: `Bearer ${await token()}`, prefer: 'outlook.timezone="UTC"' },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

export { insertSyncTarget } from './sync-target.js';

const RESPONSE: Record<string, string> = { tentativelyAccepted: 'tentative' };
const utc = (dt: string) => Date.parse(dt.endsWith('Z') ? dt : `${dt}Z`);
const DAY = 86_400_000;

/**
 * Reads the calendarView of the window (all pages) and asserts that `meetings` holds exactly those events (plus their
 * series masters), with equal subject, times, attendees and responses, location, online meeting, show-as and
 * recurrence. Returns the view.
 */
export async function compareWithCalendarView(a: {
  t: EmulatorAt;
  token: () => Promise<string>;
  db: Kysely<DB>;
  calendarId: string;
  ids: { calendarId: string };
  pastDays: number;
  futureDays: number;
  now: number;
}): Promise<GraphEvent[]> {
  const midnight = Math.floor(a.now / DAY) * DAY;
  const start = new Date(midnight - a.pastDays * DAY).toISOString();
  const end = new Date(midnight + a.futureDays * DAY).toISOString();
  const view: GraphEvent[] = [];
  let next: string | undefined =
    `/me/calendars/${encodeURIComponent(a.calendarId)}/calendarView?startDateTime=${start}&endDateTime=${end}&$top=200`;
  while (next) {
    const page: { value: GraphEvent[]; '@odata.nextLink'?: string } = await graphGet(a.t, a.token, next);
    view.push(...page.value);
    next = page['@odata.nextLink'];
  }
  const rows = await a.db.selectFrom('meetings').selectAll().where('calendar_id', '=', a.ids.calendarId).execute();
  const byId = new Map(rows.map((r) => [r.provider_event_id!, r]));
  const instances = rows.filter((r) => r.event_type !== 'seriesMaster');
  expect(instances.map((r) => r.provider_event_id).sort()).toEqual(view.map((e) => e.id).sort());
  expect(new Set(rows.map((r) => r.provider_event_id)).size).toBe(rows.length); // no duplicates
  for (const e of view) {
    const r = byId.get(e.id)!;
    const what = `${e.id} (${e.subject})`;
    expect(r.subject, what).toBe(e.subject ?? '');
    expect(r.event_type, what).toBe(e.type);
    expect(r.is_all_day, what).toBe(e.isAllDay);
    expect(r.is_cancelled, what).toBe(e.isCancelled);
    expect(r.show_as, what).toBe(e.showAs);
    const duration = new Date(r.end_at).getTime() - new Date(r.start_at).getTime();
    if (e.isAllDay) {
      // an all-day event is whole days at midnight in its own zone (±1 h across a DST change)
      expect(Math.abs(duration - (utc(e.end.dateTime) - utc(e.start.dateTime))), what).toBeLessThanOrEqual(3600_000);
    } else {
      expect(new Date(r.start_at).getTime(), what).toBe(utc(e.start.dateTime));
      expect(new Date(r.end_at).getTime(), what).toBe(utc(e.end.dateTime));
    }
    const attendees = (
      (typeof r.attendees === 'string' ? JSON.parse(r.attendees) : r.attendees) as Array<{
        email: string;
        type: string;
        response: string;
      }>
    )
      .map((x) => `${x.email.toLowerCase()}|${x.type}|${x.response}`)
      .sort();
    const expected = e.attendees
      .map(
        (x) =>
          `${x.emailAddress.address.toLowerCase()}|${x.type}|${RESPONSE[x.status?.response ?? 'none'] ?? x.status?.response ?? 'none'}`,
      )
      .sort();
    expect(attendees, what).toEqual(expected);
    const location = (typeof r.location === 'string' ? JSON.parse(r.location) : r.location) as {
      displayName: string;
    } | null;
    expect(location?.displayName ?? '', what).toBe(e.location?.displayName ?? '');
    const online = (typeof r.online_meeting === 'string' ? JSON.parse(r.online_meeting) : r.online_meeting) as {
      joinUrl: string;
    } | null;
    expect(online?.joinUrl ?? null, what).toBe(e.isOnlineMeeting ? (e.onlineMeeting?.joinUrl ?? null) : null);
    if (e.seriesMasterId) {
      const master = byId.get(e.seriesMasterId);
      expect(master?.event_type, `master of ${what}`).toBe('seriesMaster');
      expect(r.series_master_id, what).toBe(master!.id);
    }
  }
  for (const m of rows.filter((r) => r.event_type === 'seriesMaster')) {
    const g = await graphGet<GraphEvent>(a.t, a.token, `/me/events/${encodeURIComponent(m.provider_event_id!)}`);
    const rec = (typeof m.recurrence === 'string' ? JSON.parse(m.recurrence) : m.recurrence) as Record<
      string,
      unknown
    > | null;
    expect(rec, `recurrence of ${m.subject}`).not.toBeNull();
    // Graph's pattern as an RRULE: daily/weekly/…Monthly/…Yearly → FREQ, interval → INTERVAL, relative → BYSETPOS
    const p = g.recurrence!.pattern;
    const freq = p.type
      .replace(/^(absolute|relative)/, '')
      .toUpperCase()
      .replace('MONTHLY', 'MONTHLY')
      .replace('YEARLY', 'YEARLY');
    const rrule = String(rec!.rrule);
    expect(rrule, m.subject).toContain(`FREQ=${freq}`);
    expect(rrule, m.subject).toContain(`INTERVAL=${p.interval}`);
    expect(rrule.includes('BYSETPOS'), m.subject).toBe(p.type.startsWith('relative'));
    expect(m.subject).toBe(g.subject ?? '');
  }
  return view;
}
