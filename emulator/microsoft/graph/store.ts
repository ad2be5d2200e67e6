// In-memory mailboxes of the emulated Graph calendar surface: calendars, permissions, events, settings, change feed.
import { RESUME_SEQ_GAP } from '../../common/state-file.js';
import type { Clock, EmuUser } from '../contracts.js';
import type { Directory } from '../directory.js';
import {
  cryptoBytes,
  newChangeKey,
  newItemId,
  occurrenceId,
  parseMovedItemId,
  parseOccurrenceId,
  type IdBytes,
} from './ids.js';
import type {
  CalendarPermissionRecord,
  CalendarRecord,
  CalendarRole,
  ChangeNotice,
  ChangeRecord,
  EventInstance,
  GraphEvent,
  MailboxSettingsRecord,
  RoomInfo,
  StoredEvent,
} from './model.js';
import { expandSeries } from './recurrence.js';
import { graphTimestamp, localWallClock } from './time.js';
import { defaultSettings, defaultCalendar, newCalendar, ORG_PERMISSION_ID } from './store-defaults.js';
import type { MailMessage } from './messages.js';
import { cmp, indexEvent, lowerBound, unindexEvent, type Mailbox } from './mailbox-index.js';

export type * from './model.js';

const MAX_CHANGES = 200_000;

/**
 * The Graph calendar data of every emulated mailbox.
 *
 * Low-level writes (`insertEvent`, `replaceEvent`, `removeEvent`) keep the indexes and the change feed;
 * meeting semantics (invitations, responses, cancellation, Teams) live in `meetings.ts` on top of them.
 *
 * @example
 *   const store = new MailboxStore({ directory, clock });
 *   store.onChange((c) => console.log(c.userId, c.eventId, c.changeType));
 */
export class MailboxStore {
  readonly directory: Directory;
  readonly clock: Clock;
  /** Room metadata by room user id (Places API). */
  readonly rooms = new Map<string, RoomInfo>();
  /** Mail items by mailbox owner (meeting requests, see messages.ts); not part of snapshots, emptied by load(). */
  readonly messages = new Map<string, MailMessage[]>();
  /** Id byte source; the seed sets a deterministic one. */
  idBytes: IdBytes = cryptoBytes;
  private readonly boxes = new Map<string, Mailbox>();
  private readonly listeners = new Set<(c: ChangeNotice) => void>();
  /** Bumped by load(): sync states issued before a load/reset are void. */
  private generation = 1;
  /** iCalUId → every mailbox copy of that meeting. */
  private readonly meetings = new Map<string, Array<{ userId: string; eventId: string }>>();

  constructor(opts: { directory: Directory; clock: Clock }) {
    this.directory = opts.directory;
    this.clock = opts.clock;
  }

  /** A fresh opaque item id. */
  newId(prefix?: string): string {
    return newItemId(this.idBytes, prefix);
  }

  /** A fresh change key. */
  newChangeKey(): string {
    return newChangeKey(this.idBytes);
  }

  // ---- mailboxes -------------------------------------------------------------------------------------------

  /** True when the user has an (Exchange Online) mailbox in the store. */
  hasMailbox(userId: string): boolean {
    return this.boxes.has(userId);
  }

  /** Ids of all mailboxes. */
  mailboxIds(): string[] {
    return [...this.boxes.keys()];
  }

  /** Creates the user's mailbox (default calendar, settings) if missing. */
  ensureMailbox(user: EmuUser): void {
    if (this.boxes.has(user.id)) return;
    const cal = defaultCalendar(user, this.newId('AAMkAGI'), this.newChangeKey());
    this.boxes.set(user.id, {
      userId: user.id,
      calendars: new Map([[cal.id, cal]]),
      defaultCalendarId: cal.id,
      events: new Map(),
      sorted: [],
      masters: new Map(),
      exceptions: new Map(),
      maxDurationMs: 0,
      settings: defaultSettings(user.kind),
      changes: [],
      seq: 0,
      minSeq: 0,
      epoch: 0,
      transactionIds: new Map(),
    });
  }

  private box(userId: string): Mailbox {
    const b = this.boxes.get(userId);
    if (!b) throw new Error(`no mailbox for ${userId}`);
    return b;
  }

  // ---- calendars -------------------------------------------------------------------------------------------

  /** The user's calendars, default first. */
  listCalendars(userId: string): CalendarRecord[] {
    const b = this.box(userId);
    const def = b.calendars.get(b.defaultCalendarId)!;
    return [def, ...[...b.calendars.values()].filter((c) => c !== def)];
  }

  getCalendar(userId: string, calendarId: string): CalendarRecord | undefined {
    return this.box(userId).calendars.get(calendarId);
  }

  /** A calendar by id in any mailbox, with its owner. */
  findCalendar(calendarId: string): { userId: string; calendar: CalendarRecord } | undefined {
    for (const b of this.boxes.values()) {
      const calendar = b.calendars.get(calendarId);
      if (calendar) return { userId: b.userId, calendar };
    }
    return undefined;
  }

  defaultCalendar(userId: string): CalendarRecord {
    const b = this.box(userId);
    return b.calendars.get(b.defaultCalendarId)!;
  }

  /** Creates a secondary calendar owned by the mailbox owner. */
  createCalendar(userId: string, input: { name: string; color?: string; hexColor?: string }): CalendarRecord {
    const b = this.box(userId);
    const def = this.defaultCalendar(userId);
    const cal = newCalendar(def, this.newId('AAMkAGI'), this.newChangeKey(), input);
    b.calendars.set(cal.id, cal);
    return cal;
  }

  /** Applies writable calendar properties (name, color, hexColor, isDefaultCalendar is read-only). */
  updateCalendar(
    userId: string,
    calendarId: string,
    patch: Partial<
      Pick<
        CalendarRecord,
        'name' | 'color' | 'hexColor' | 'allowedOnlineMeetingProviders' | 'defaultOnlineMeetingProvider'
      >
    >,
  ): CalendarRecord | undefined {
    const cal = this.getCalendar(userId, calendarId);
    if (!cal) return undefined;
    Object.assign(cal, patch, { changeKey: this.newChangeKey() });
    return cal;
  }

  /** Deletes a non-default calendar and its events; false when missing or the default calendar. */
  deleteCalendar(userId: string, calendarId: string): boolean {
    const b = this.box(userId);
    if (calendarId === b.defaultCalendarId || !b.calendars.has(calendarId)) return false;
    for (const ev of [...b.events.values()]) if (ev.calendarId === calendarId) this.removeEvent(userId, ev.data.id!);
    b.calendars.delete(calendarId);
    return true;
  }

  /**
   * Shares a calendar with a person (or updates the existing entry for that address).
   * @returns the permission record.
   */
  sharePermission(userId: string, calendarId: string, email: string, role: CalendarRole): CalendarPermissionRecord {
    const cal = this.getCalendar(userId, calendarId);
    if (!cal) throw new Error(`no calendar ${calendarId}`);
    const existing = cal.permissions.find((p) => p.emailAddress.address?.toLowerCase() === email.toLowerCase());
    if (existing) {
      existing.role = role;
      return existing;
    }
    const user = this.directory.getUser(email);
    const owner = this.directory.users.get(userId);
    const perm: CalendarPermissionRecord = {
      id: Buffer.from(`${email.toLowerCase()}|${this.newChangeKey()}`).toString('base64'),
      emailAddress: { name: user?.displayName ?? email, address: user?.mail ?? email },
      isRemovable: true,
      isInsideOrganization: !!user && !!owner && user.tenantId === owner.tenantId,
      role,
      allowedRoles: ['none', 'freeBusyRead', 'limitedRead', 'read', 'write'],
    };
    cal.permissions.push(perm);
    return perm;
  }

  /** Removes a removable permission; false if missing or not removable. */
  deletePermission(userId: string, calendarId: string, permissionId: string): boolean {
    const cal = this.getCalendar(userId, calendarId);
    const i = cal?.permissions.findIndex((p) => p.id === permissionId) ?? -1;
    if (!cal || i < 0 || !cal.permissions[i]!.isRemovable) return false;
    cal.permissions.splice(i, 1);
    return true;
  }

  /**
   * The role `caller` holds on `ownerId`'s calendar: 'owner' for the owner, else the role granted to the
   * caller's address, else the "My Organization" role for callers of the owner's tenant, else 'none'.
   */
  roleFor(ownerId: string, calendarId: string, caller: EmuUser): CalendarRole | 'owner' {
    if (caller.id === ownerId) return 'owner';
    const cal = this.getCalendar(ownerId, calendarId);
    if (!cal) return 'none';
    const mine = cal.permissions.find((p) => p.emailAddress.address?.toLowerCase() === caller.mail.toLowerCase());
    if (mine) return mine.role;
    const owner = this.directory.users.get(ownerId);
    const org = cal.permissions.find((p) => p.id === ORG_PERMISSION_ID);
    if (org && owner && owner.tenantId === caller.tenantId) return org.role;
    return 'none';
  }

  // ---- settings --------------------------------------------------------------------------------------------

  getSettings(userId: string): MailboxSettingsRecord {
    return this.box(userId).settings;
  }

  /** Shallow-merges top-level settings and deep-merges workingHours / language. */
  updateSettings(userId: string, patch: Partial<MailboxSettingsRecord>): MailboxSettingsRecord {
    const s = this.box(userId).settings;
    const { workingHours, language, ...rest } = patch;
    Object.assign(s, rest);
    if (workingHours) Object.assign(s.workingHours, workingHours);
    if (language) Object.assign(s.language, language);
    return s;
  }

  // ---- events: reads ---------------------------------------------------------------------------------------

  /** A stored event (single instance, series master or exception) by id. */
  getEvent(userId: string, eventId: string): StoredEvent | undefined {
    return this.boxes.get(userId)?.events.get(eventId);
  }

  /**
   * A stored event by the id a client sent: its immutable id (the key) or its current default-format id. A moved
   * event's earlier default id (which is its key) no longer resolves for a client without `Prefer:
   * IdType="ImmutableId"` (Graph's default ids change on a move; outlook-immutable-id).
   */
  eventByClientId(userId: string, id: string, opts: { immutableIds?: boolean } = {}): StoredEvent | undefined {
    const ev = this.getEvent(userId, id);
    if (ev) return ev.moves && !opts.immutableIds ? undefined : ev;
    const moved = parseMovedItemId(id);
    const target = moved ? this.getEvent(userId, moved.key) : undefined;
    return target && (target.moves ?? 0) === moved!.moves ? target : undefined;
  }

  /** A stored event or a virtual occurrence of a series, by the id a client sent (see eventByClientId). */
  resolveInstance(userId: string, eventId: string, opts: { immutableIds?: boolean } = {}): EventInstance | undefined {
    const ev = this.eventByClientId(userId, eventId, opts);
    if (ev) return { ev, startMs: ev.startMs, endMs: ev.endMs };
    const occ = parseOccurrenceId(eventId);
    if (!occ) return undefined;
    const master = this.getEvent(userId, occ.masterId);
    if (!master || master.data.type !== 'seriesMaster') return undefined;
    const dur = master.endMs - master.startMs;
    const hits = this.expandMaster(this.box(userId), master, occ.originalStartMs, occ.originalStartMs + 1, dur);
    return hits.find((h) => h.occurrence?.originalStartMs === occ.originalStartMs);
  }

  /** Single instances and series masters of a mailbox (or one calendar), in insertion order. */
  listEvents(userId: string, calendarId?: string): StoredEvent[] {
    const out: StoredEvent[] = [];
    for (const ev of this.box(userId).events.values()) {
      if (calendarId && ev.calendarId !== calendarId) continue;
      if (ev.data.type === 'exception') continue;
      out.push(ev);
    }
    return out;
  }

  /** Number of stored events in a mailbox. */
  eventCount(userId: string): number {
    return this.box(userId).events.size;
  }

  /**
   * Instances (single events, occurrences, exceptions) overlapping [startMs, endMs), ordered by start.
   * Cost: O(log n + k) over single events plus the expansion of each series master.
   */
  calendarView(userId: string, calendarId: string | null, startMs: number, endMs: number): EventInstance[] {
    const b = this.box(userId);
    const out: EventInstance[] = [];
    const from = lowerBound(b.sorted, startMs - b.maxDurationMs);
    for (let i = from; i < b.sorted.length; i++) {
      const ev = b.sorted[i]!;
      if (ev.startMs >= endMs) break;
      if (calendarId && ev.calendarId !== calendarId) continue;
      if (ev.endMs > startMs || (ev.startMs === ev.endMs && ev.startMs >= startMs))
        out.push({ ev, startMs: ev.startMs, endMs: ev.endMs });
    }
    for (const m of b.masters.values()) {
      if (calendarId && m.calendarId !== calendarId) continue;
      out.push(...this.expandMaster(b, m, startMs, endMs, m.endMs - m.startMs));
    }
    out.sort((x, y) => x.startMs - y.startMs || (instanceId(x) < instanceId(y) ? -1 : 1));
    return out;
  }

  /** The stored exceptions of a series (modified occurrences). */
  exceptionsOf(userId: string, masterId: string): StoredEvent[] {
    const b = this.box(userId);
    return [...(b.exceptions.get(masterId)?.values() ?? [])]
      .map((id) => b.events.get(id))
      .filter((e): e is StoredEvent => !!e);
  }

  /** Occurrences and exceptions of one series overlapping [startMs, endMs), ordered by start. */
  instances(userId: string, masterId: string, startMs: number, endMs: number): EventInstance[] {
    const b = this.box(userId);
    const m = b.masters.get(masterId);
    if (!m) return [];
    const out = this.expandMaster(b, m, startMs, endMs, m.endMs - m.startMs);
    for (const exId of b.exceptions.get(masterId)?.values() ?? []) {
      const ex = b.events.get(exId);
      if (ex && ex.startMs < endMs && ex.endMs > startMs) out.push({ ev: ex, startMs: ex.startMs, endMs: ex.endMs });
    }
    out.sort((x, y) => x.startMs - y.startMs);
    return out;
  }

  /**
   * Virtual occurrences of a series master (current or a previous version from the change feed) overlapping
   * [startMs, endMs), without cancelled or excepted ones.
   */
  occurrencesOf(master: StoredEvent, startMs: number, endMs: number): EventInstance[] {
    return this.expandMaster(this.box(master.userId), master, startMs, endMs, master.endMs - master.startMs);
  }

  /** Virtual occurrences of `m` overlapping the window (without cancelled or excepted ones). */
  private expandMaster(b: Mailbox, m: StoredEvent, startMs: number, endMs: number, durMs: number): EventInstance[] {
    const rec = m.data.recurrence;
    if (!rec) return [];
    let occs;
    try {
      occs = expandSeries({
        recurrence: rec,
        startLocal: localWallClock(m.startMs, m.zone),
        timeZone: m.zone,
        durationMinutes: Math.round(durMs / 60_000),
        windowStartUtc: new Date(startMs - Math.max(durMs, 1)),
        windowEndUtc: new Date(endMs),
      });
    } catch {
      return [];
    }
    const cancelled = new Set(m.cancelledStarts ?? []);
    const excepted = b.exceptions.get(m.data.id!);
    const out: EventInstance[] = [];
    for (const o of occs) {
      const s = o.startUtc.getTime();
      const e = o.endUtc.getTime();
      if (cancelled.has(s) || excepted?.has(s)) continue;
      if (!(e > startMs || (s === e && s >= startMs)) || s >= endMs) continue;
      out.push({
        ev: m,
        occurrence: { id: occurrenceId(m.data.id!, s), startMs: s, endMs: e, originalStartMs: s },
        startMs: s,
        endMs: e,
      });
    }
    return out;
  }

  /** The event id recorded for a transactionId in this mailbox, if any. */
  eventForTransaction(userId: string, transactionId: string): StoredEvent | undefined {
    const id = this.box(userId).transactionIds.get(transactionId);
    return id ? this.getEvent(userId, id) : undefined;
  }

  /** All mailbox copies (organizer's and attendees') of a meeting, by iCalUId. */
  meetingCopies(iCalUId: string): Array<{ userId: string; eventId: string }> {
    return this.meetings.get(iCalUId) ?? [];
  }

  // ---- events: writes --------------------------------------------------------------------------------------

  /**
   * Stores a complete Graph event (id, changeKey, timestamps already set by the caller) and records a
   * 'created' change. `meta` carries the instants and zone computed from `start`/`end`.
   */
  insertEvent(
    userId: string,
    calendarId: string,
    data: GraphEvent,
    meta: Pick<StoredEvent, 'startMs' | 'endMs' | 'zone'> & Partial<StoredEvent>,
    opts: { silent?: boolean } = {},
  ): StoredEvent {
    const b = this.box(userId);
    const ev: StoredEvent = { ...meta, data, userId, calendarId, version: 1 };
    indexEvent(b, ev);
    if (data.transactionId) b.transactionIds.set(data.transactionId, data.id!);
    if (data.iCalUId) {
      const list = this.meetings.get(data.iCalUId) ?? [];
      list.push({ userId, eventId: data.id! });
      this.meetings.set(data.iCalUId, list);
    }
    if (!opts.silent) this.record(b, ev, 'created');
    return ev;
  }

  /**
   * Replaces an event's data (and instants), bumping version, changeKey and lastModifiedDateTime,
   * and records an 'updated' change.
   */
  replaceEvent(
    ev: StoredEvent,
    data: GraphEvent,
    meta: Partial<Pick<StoredEvent, 'startMs' | 'endMs' | 'zone' | 'cancelledStarts'>> = {},
  ): StoredEvent {
    const b = this.box(ev.userId);
    const prev: StoredEvent = { ...ev, cancelledStarts: ev.cancelledStarts ? [...ev.cancelledStarts] : undefined };
    unindexEvent(b, ev);
    ev.data = { ...data, changeKey: this.newChangeKey(), lastModifiedDateTime: graphTimestamp(this.clock()) };
    Object.assign(ev, meta);
    ev.version += 1;
    indexEvent(b, ev);
    this.record(b, ev, 'updated', prev.data.type === 'seriesMaster' ? prev : undefined);
    return ev;
  }

  /** Deletes a stored event (a master takes its exceptions with it) and records 'deleted' changes. */
  removeEvent(userId: string, eventId: string): StoredEvent | undefined {
    const b = this.box(userId);
    const ev = b.events.get(eventId);
    if (!ev) return undefined;
    if (ev.data.type === 'seriesMaster') {
      for (const exId of [...(b.exceptions.get(eventId)?.values() ?? [])]) this.removeEvent(userId, exId);
      b.exceptions.delete(eventId);
    }
    unindexEvent(b, ev);
    b.events.delete(eventId);
    if (ev.data.transactionId && b.transactionIds.get(ev.data.transactionId) === eventId)
      b.transactionIds.delete(ev.data.transactionId);
    const uid = ev.data.iCalUId;
    const list = uid ? this.meetings.get(uid) : undefined;
    if (uid && list) {
      const rest = list.filter((c) => !(c.userId === userId && c.eventId === eventId));
      if (rest.length) this.meetings.set(uid, rest);
      else this.meetings.delete(uid);
    }
    this.record(b, ev, 'deleted', ev.data.type === 'seriesMaster' ? ev : undefined);
    return ev;
  }

  /**
   * Moves an event (a single instance or a series master with its exceptions) to another calendar of the mailbox,
   * as a user does in Outlook: the old calendar records a deletion, the new one a creation, and the event's
   * default-format id changes (its immutable id, the key, does not). Graph v1.0 has no move action for events.
   */
  moveEvent(userId: string, eventId: string, calendarId: string): StoredEvent {
    const b = this.box(userId);
    const ev = b.events.get(eventId);
    if (!ev || ev.data.type === 'exception') throw new Error(`no single event or series master ${eventId}`);
    if (!b.calendars.has(calendarId)) throw new Error(`no calendar ${calendarId}`);
    if (ev.calendarId === calendarId) return ev;
    const exceptions = [...(b.exceptions.get(eventId)?.values() ?? [])].map((id) => b.events.get(id)!).filter(Boolean);
    for (const x of [...exceptions, ev]) {
      const before: StoredEvent = { ...x, data: { ...x.data } };
      this.record(b, before, 'deleted', x.data.type === 'seriesMaster' ? before : undefined);
      x.calendarId = calendarId;
      x.moves = (x.moves ?? 0) + 1;
      x.data = { ...x.data, changeKey: this.newChangeKey(), lastModifiedDateTime: graphTimestamp(this.clock()) };
      x.version += 1;
      this.record(b, x, 'created');
    }
    return ev;
  }

  /** Marks an occurrence of a series as deleted (it vanishes from views) and records a master update. */
  cancelOccurrence(master: StoredEvent, originalStartMs: number): void {
    const cancelled = [...(master.cancelledStarts ?? []), originalStartMs];
    this.replaceEvent(master, master.data, { cancelledStarts: cancelled });
  }

  /**
   * Fast bulk load (benchmarks, seed): stores complete events without recording changes, then sorts once.
   * Existing delta tokens of the mailbox stay valid only for changes after the load.
   */
  bulkInsert(
    userId: string,
    calendarId: string,
    items: Array<{ data: GraphEvent; startMs: number; endMs: number; zone: string }>,
  ): void {
    const b = this.box(userId);
    for (const it of items) {
      const ev: StoredEvent = { ...it, userId, calendarId, version: 1 };
      b.events.set(it.data.id!, ev);
      if (it.data.type === 'seriesMaster') b.masters.set(it.data.id!, ev);
      else {
        b.sorted.push(ev);
        b.maxDurationMs = Math.max(b.maxDurationMs, it.endMs - it.startMs);
      }
      if (it.data.transactionId) b.transactionIds.set(it.data.transactionId, it.data.id!);
    }
    b.sorted.sort(cmp);
    b.seq += 1;
    b.minSeq = b.seq;
  }

  // ---- change feed -----------------------------------------------------------------------------------------

  private record(b: Mailbox, ev: StoredEvent, changeType: ChangeRecord['changeType'], prev?: StoredEvent): void {
    b.seq += 1;
    b.changes.push({
      seq: b.seq,
      eventId: ev.data.id!,
      calendarId: ev.calendarId,
      changeType,
      ...(prev ? { prev } : {}),
      ...(ev.moves ? { moves: ev.moves } : {}),
    });
    if (b.changes.length > MAX_CHANGES) {
      const drop = b.changes.length - MAX_CHANGES / 2;
      b.minSeq = b.changes[drop - 1]!.seq;
      b.changes.splice(0, drop);
    }
    const notice: ChangeNotice = {
      userId: b.userId,
      calendarId: ev.calendarId,
      eventId: ev.data.id!,
      changeType,
      ...(ev.moves ? { moves: ev.moves } : {}),
    };
    for (const l of this.listeners) {
      try {
        l(notice);
      } catch {
        // a failing listener must not break the write
      }
    }
  }

  /** Subscribes to every event change of every mailbox; returns an unsubscribe function. */
  onChange(listener: (c: ChangeNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Current change sequence, oldest usable sequence and token epoch of a mailbox. The epoch changes on
   * invalidateDeltaTokens() and on load() (it folds in the store generation), so tokens carrying an older
   * epoch must be refused.
   */
  syncState(userId: string): { seq: number; minSeq: number; epoch: number } {
    const b = this.box(userId);
    return { seq: b.seq, minSeq: b.minSeq, epoch: this.generation * 1_000_000 + b.epoch };
  }

  /** Changes with seq > `afterSeq`, oldest first. */
  changesSince(userId: string, afterSeq: number): ChangeRecord[] {
    const c = this.box(userId).changes;
    let lo = 0;
    let hi = c.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid]!.seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    return c.slice(lo);
  }

  /**
   * Invalidates every delta (and delta paging) token of one mailbox, or of all mailboxes: the next call
   * with such a token answers 410 SyncStateNotFound and the client must resync.
   */
  invalidateDeltaTokens(userId?: string): void {
    for (const b of userId ? [this.boxes.get(userId)].filter((x): x is Mailbox => !!x) : this.boxes.values()) {
      b.epoch += 1;
      b.minSeq = b.seq;
    }
  }

  // ---- snapshots -------------------------------------------------------------------------------------------

  /**
   * A JSON-serialisable snapshot of every mailbox and the room metadata. Change feeds are kept only with
   * `changeFeed` (the emulator's state file: a restarted emulator goes on accepting the delta tokens it issued).
   */
  toJSON(opts: { changeFeed?: boolean } = {}): StoreSnapshot {
    return {
      version: 1,
      ...(opts.changeFeed ? { generation: this.generation } : {}),
      rooms: [...this.rooms.values()],
      mailboxes: [...this.boxes.values()].map((b) => ({
        userId: b.userId,
        defaultCalendarId: b.defaultCalendarId,
        calendars: [...b.calendars.values()],
        settings: b.settings,
        seq: b.seq,
        epoch: b.epoch,
        events: [...b.events.values()],
        ...(opts.changeFeed ? { minSeq: b.minSeq, changes: b.changes } : {}),
      })),
    };
  }

  /**
   * Replaces the whole store with a snapshot from toJSON(); tokens issued before are no longer valid. With
   * `resume` (a fresh store loading its own saved state with the change feed) delta tokens stay valid.
   */
  load(json: StoreSnapshot, opts: { resume?: boolean } = {}): void {
    const resume = opts.resume === true && json.generation !== undefined;
    this.generation = resume ? json.generation! : this.generation + 1;
    this.boxes.clear();
    this.meetings.clear();
    this.rooms.clear();
    this.messages.clear();
    for (const r of json.rooms) this.rooms.set(r.userId, r);
    for (const m of json.mailboxes) {
      const b: Mailbox = {
        userId: m.userId,
        calendars: new Map(m.calendars.map((c) => [c.id, c])),
        defaultCalendarId: m.defaultCalendarId,
        events: new Map(),
        sorted: [],
        masters: new Map(),
        exceptions: new Map(),
        maxDurationMs: 0,
        settings: m.settings,
        changes: resume && m.changes ? m.changes : [],
        seq: resume ? m.seq + RESUME_SEQ_GAP : m.seq + 1, // see RESUME_SEQ_GAP
        minSeq: resume ? (m.minSeq ?? m.seq) : m.seq + 1,
        epoch: resume ? m.epoch : m.epoch + 1,
        transactionIds: new Map(),
      };
      this.boxes.set(m.userId, b);
      for (const ev of m.events) {
        indexEvent(b, ev);
        if (ev.data.transactionId) b.transactionIds.set(ev.data.transactionId, ev.data.id!);
        if (ev.data.iCalUId) {
          const list = this.meetings.get(ev.data.iCalUId) ?? [];
          list.push({ userId: m.userId, eventId: ev.data.id! });
          this.meetings.set(ev.data.iCalUId, list);
        }
      }
    }
  }
}

/** The id a client sees for an instance. */
export function instanceId(i: EventInstance): string {
  return i.occurrence?.id ?? i.ev.data.id!;
}

/** Snapshot format of MailboxStore.toJSON(). */
export interface StoreSnapshot {
  version: 1;
  /** With toJSON({ changeFeed: true }): the store generation folded into delta tokens. */
  generation?: number;
  rooms: RoomInfo[];
  mailboxes: Array<{
    userId: string;
    defaultCalendarId: string;
    calendars: CalendarRecord[];
    settings: MailboxSettingsRecord;
    seq: number;
    epoch: number;
    events: StoredEvent[];
    /** With toJSON({ changeFeed: true }). */
    minSeq?: number;
    changes?: ChangeRecord[];
  }>;
}
