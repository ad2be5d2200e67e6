// The Google emulator's calendar store: users, calendars, events with change sequence numbers, instance expansion,
// invitations copied into attendees' calendars, free/busy, and change listeners (push channels).
import { createHash, randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { ACCESS_ROLES, type AccessRole, type GCalendar, type GEvent, type GUser, type ListPref } from './model.js';
import { expandStarts, instanceStamp, instantOf, toGDateTime, zoneOf } from './recurrence.js';

/** base32hex lower-case alphabet of Google event ids. */
const B32 = '0123456789abcdefghijklmnopqrstuv';

export function newEventId(): string {
  return [...randomBytes(20)].map((b) => B32[b % 32]).join('');
}

export const isValidEventId = (id: string) => /^[a-v0-9]{5,1024}$/.test(id);

export class GoogleStore {
  readonly users = new Map<string, GUser>();
  readonly calendars = new Map<string, GCalendar>();
  /** Each user's own settings of their calendar list entries: user → calendar id → settings. */
  readonly listPrefs = new Map<string, Map<string, ListPref>>();
  private listeners: Array<(calendarId: string) => void> = [];

  constructor(readonly now: () => number) {}

  addUser(u: GUser): GUser {
    this.users.set(u.email.toLowerCase(), u);
    this.calendars.set(u.email.toLowerCase(), {
      id: u.email.toLowerCase(),
      owner: u.email.toLowerCase(),
      primary: true,
      acl: new Map(),
      summary: u.name,
      timeZone: u.timeZone,
      seq: 1,
      generation: 1,
      events: new Map(),
    });
    return u;
  }

  /** A secondary calendar owned by `owner` (calendars.insert): a `c_…@group.calendar.google.com` id. */
  createCalendar(owner: string, summary: string, timeZone?: string, description?: string): GCalendar {
    const u = this.users.get(owner.toLowerCase())!;
    const cal: GCalendar = {
      id: `c_${randomBytes(16).toString('hex')}@group.calendar.google.com`,
      owner: u.email.toLowerCase(),
      primary: false,
      acl: new Map(),
      summary,
      ...(description !== undefined ? { description } : {}),
      timeZone: timeZone ?? u.timeZone,
      seq: 1,
      generation: 1,
      events: new Map(),
    };
    this.calendars.set(cal.id, cal);
    return cal;
  }

  /**
   * The role `user` has on `cal`: owner for the owner, else the ACL rule; without a rule, people of the same
   * Workspace domain see free/busy of each other's primary calendars and of rooms (the Workspace default).
   */
  roleOf(cal: GCalendar, user: string): AccessRole {
    const who = user.toLowerCase();
    if (cal.owner === who) return 'owner';
    const rule = cal.acl.get(`user:${who}`);
    if (rule) return rule;
    const me = this.users.get(who);
    const owner = this.users.get(cal.owner);
    return cal.primary && me && owner && me.domain === owner.domain ? 'freeBusyReader' : 'none';
  }

  /** Whether `role` is at least `min`. */
  static atLeast(role: AccessRole, min: AccessRole): boolean {
    return ACCESS_ROLES.indexOf(role) >= ACCESS_ROLES.indexOf(min);
  }

  clear(): void {
    this.users.clear();
    this.calendars.clear();
    this.listPrefs.clear();
  }

  /** The user's settings of a calendar list entry ({} when none). */
  listPref(user: string, calendarId: string): ListPref {
    return this.listPrefs.get(user.toLowerCase())?.get(calendarId.toLowerCase()) ?? {};
  }

  setListPref(user: string, calendarId: string, pref: ListPref): void {
    const who = user.toLowerCase();
    if (!this.listPrefs.has(who)) this.listPrefs.set(who, new Map());
    this.listPrefs.get(who)!.set(calendarId.toLowerCase(), pref);
  }

  onChange(fn: (calendarId: string) => void): void {
    this.listeners.push(fn);
  }

  calendar(id: string): GCalendar | undefined {
    return this.calendars.get(id.toLowerCase());
  }

  etag(ev: GEvent): string {
    return `"${createHash('sha1').update(`${ev.id}:${ev.seq}:${ev.updated}`).digest('hex').slice(0, 16)}"`;
  }

  /** Writes an event (new or changed) into a calendar with the next change number. */
  put(cal: GCalendar, ev: GEvent, opts: { notify?: boolean } = {}): GEvent {
    cal.seq++;
    ev.seq = cal.seq;
    ev.updated = new Date(this.now()).toISOString();
    cal.events.set(ev.id, ev);
    if (opts.notify !== false) for (const l of this.listeners) l(cal.id);
    return ev;
  }

  /** Copies an organizer's event into each attendee's calendar that the emulator holds (keeping their responses). */
  fanOut(organizerCal: GCalendar, ev: GEvent): void {
    const invited = new Set((ev.attendees ?? []).map((a) => a.email.toLowerCase()));
    for (const cal of this.calendars.values()) {
      if (cal.id === organizerCal.id) continue;
      const existing = cal.events.get(ev.id);
      if (!invited.has(cal.id) && !existing) continue;
      if (!invited.has(cal.id) && existing) {
        if (existing.status !== 'cancelled') this.put(cal, { ...existing, status: 'cancelled' });
        continue;
      }
      const mine = existing?.attendees?.find((a) => a.email.toLowerCase() === cal.id)?.responseStatus;
      const room = this.users.get(cal.id)?.kind === 'room';
      const attendees = (ev.attendees ?? []).map((a) =>
        a.email.toLowerCase() === cal.id
          ? { ...a, responseStatus: room ? ('accepted' as const) : (mine ?? a.responseStatus) }
          : a,
      );
      this.put(cal, {
        ...structuredClone(ev),
        attendees,
        extendedProperties: ev.extendedProperties?.shared ? { shared: ev.extendedProperties.shared } : undefined,
      });
    }
  }

  /** Instances of a series master overlapping [from, to), exceptions applied, cancelled ones dropped unless asked. */
  instances(cal: GCalendar, master: GEvent, from: DateTime, to: DateTime, withCancelled = false): GEvent[] {
    const zone = zoneOf(master.start, cal.timeZone);
    const allDay = master.start.date !== undefined;
    const startMs = instantOf(master.start, zone).toMillis();
    const duration = instantOf(master.end, zone).toMillis() - startMs;
    const out: GEvent[] = [];
    const seen = new Set<string>();
    for (const s of expandStarts(master, cal.timeZone, from, to)) {
      const id = `${master.id}_${instanceStamp(s, allDay)}`;
      seen.add(id);
      const exception = cal.events.get(id);
      if (exception) {
        if (exception.status !== 'cancelled' || withCancelled) out.push(exception);
        continue;
      }
      const original = toGDateTime(s, zone, allDay);
      out.push({
        ...structuredClone(master),
        id,
        recurrence: undefined,
        recurringEventId: master.id,
        originalStartTime: original,
        start: original,
        end: toGDateTime(s.plus({ milliseconds: duration }), zone, allDay),
      });
    }
    // Exceptions moved into the range from elsewhere.
    for (const e of cal.events.values()) {
      if (e.recurringEventId !== master.id || seen.has(e.id) || (e.status === 'cancelled' && !withCancelled)) continue;
      if (this.overlaps(cal, e, from, to)) out.push(e);
    }
    return out.sort((a, b) => this.startMs(cal, a) - this.startMs(cal, b));
  }

  startMs(cal: GCalendar, e: GEvent): number {
    return instantOf(e.start, zoneOf(e.start, cal.timeZone)).toMillis();
  }

  overlaps(cal: GCalendar, e: GEvent, from: DateTime, to: DateTime): boolean {
    const zone = zoneOf(e.start, cal.timeZone);
    return instantOf(e.start, zone).toMillis() < to.toMillis() && instantOf(e.end, zone).toMillis() > from.toMillis();
  }

  /** Busy intervals of a calendar (opaque, not cancelled, not declined by the owner), merged and sorted. */
  busy(cal: GCalendar, from: DateTime, to: DateTime): Array<{ start: number; end: number }> {
    const items: Array<{ start: number; end: number }> = [];
    const add = (e: GEvent) => {
      if (e.status === 'cancelled' || e.transparency === 'transparent') return;
      if (e.attendees?.find((a) => a.email.toLowerCase() === cal.id)?.responseStatus === 'declined') return;
      const zone = zoneOf(e.start, cal.timeZone);
      const s = Math.max(instantOf(e.start, zone).toMillis(), from.toMillis());
      const en = Math.min(instantOf(e.end, zone).toMillis(), to.toMillis());
      if (en > s) items.push({ start: s, end: en });
    };
    for (const e of cal.events.values()) {
      if (e.recurringEventId) continue;
      if (e.recurrence) this.instances(cal, e, from, to).forEach(add);
      else if (this.overlaps(cal, e, from, to)) add(e);
    }
    items.sort((a, b) => a.start - b.start);
    const merged: typeof items = [];
    for (const i of items) {
      const last = merged[merged.length - 1];
      if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
      else merged.push({ ...i });
    }
    return merged;
  }

  /** Makes every sync token of every calendar invalid. */
  invalidateSyncTokens(): void {
    for (const c of this.calendars.values()) c.generation++;
  }
}
