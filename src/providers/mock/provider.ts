// MockCalendarAdapter: a deterministic in-memory CalendarProvider bound to one mailbox of a MockCalendarWorld.
import type { BusyItem, CalendarEvent, ProviderType, TimeRange } from '../../domain/calendar.js';
import { AppError } from '../../domain/errors.js';
import { expandRecurrence } from '../../domain/recurrence.js';
import { suggestMeetingTimes } from '../../domain/scheduling/suggest.js';
import type {
  CalendarInfo,
  CalendarProvider,
  ChangePage,
  CreateEventParams,
  EventChange,
  EventPage,
  FreeBusyParams,
  FreeBusyResult,
  ListEventsParams,
  MeetingTimeConstraint,
  DirectoryEntry,
  PeopleSearchParams,
  ProviderCapabilities,
  RespondToEventParams,
  RoomQuery,
  ScheduleAvailability,
  SubscriptionParams,
  SyncChangesParams,
  UpdateEventParams,
} from '../../ports/calendar-provider.js';
import { eventFromDraft, type MockCalendarWorld, type StoredEvent } from './client.js';

const PAGE = 50;
const VIEW_DIGIT: Record<BusyItem['status'], string> = { tentative: '1', busy: '2', oof: '3', workingElsewhere: '4' };

interface Cursor {
  cal: string;
  since: number;
  upto: number;
  offset: number;
  win: TimeRange;
}

const encodeCursor = (c: Cursor) => `mock.${Buffer.from(JSON.stringify(c)).toString('base64url')}`;
function decodeCursor(s: string): Cursor {
  try {
    if (!s.startsWith('mock.')) throw new Error('prefix');
    return JSON.parse(Buffer.from(s.slice(5), 'base64url').toString('utf8')) as Cursor;
  } catch {
    throw new AppError('sync_cursor_expired', 'The sync cursor is not valid.');
  }
}

export class MockCalendarAdapter implements CalendarProvider {
  readonly capabilities: ProviderCapabilities = {
    findMeetingTimes: false,
    rooms: true,
    subscriptions: true,
    subscriptionReauthorization: true,
    workingHoursSource: 'provider',
    onlineMeetingProvider: 'teamsForBusiness',
  };

  constructor(
    private readonly world: MockCalendarWorld,
    private readonly mailbox: string,
    readonly type: ProviderType = 'MICROSOFT',
  ) {
    if (!world.mailboxes.has(mailbox)) world.addMailbox(mailbox);
  }

  /**
   * The event `eventId` of `calendarId` (without one: of any own calendar, like Graph's `/me/events/{id}`). A
   * calendar this mailbox cannot use makes a write `event_unreachable` (nothing confirms a deletion), a read
   * `not_found`; a deleted or unknown event of a usable calendar is `not_found`.
   */
  private inCalendar(eventId: string, calendarId: string | undefined, write: boolean): StoredEvent {
    const access = calendarId ? this.world.access(this.mailbox, calendarId) : null;
    if (calendarId && !access) {
      if (write)
        throw new AppError('event_unreachable', undefined, { details: { provider: 'mock', eventId, calendarId } });
      throw new AppError('not_found', 'The event does not exist.');
    }
    if (write && access && !access.canEdit)
      throw new AppError('permission_denied', 'The calendar is shared with this mailbox read-only.');
    const s = this.world.events.get(eventId);
    const owner = access?.owner ?? this.mailbox;
    if (!s || s.deleted || s.mailbox !== owner || (calendarId && s.event.calendarId !== calendarId))
      throw new AppError('not_found', 'The event does not exist.');
    return s;
  }

  /**
   * An occurrence of a series addressed by its id (`<master>.<local start YYYYMMDDTHHmmss>`, as listEvents names
   * them) before it was changed or cancelled: its master and the occurrence as listEvents shows it. Null otherwise.
   */
  private occurrenceOf(
    eventId: string,
    calendarId: string | undefined,
    write: boolean,
  ): { master: StoredEvent; occurrence: CalendarEvent; local: string } | null {
    const m = /^(.+)\.(\d{8}T\d{6})$/.exec(eventId);
    if (!m || this.world.events.has(eventId)) return null;
    const master = this.inCalendar(m[1]!, calendarId, write);
    const rec = master.event.recurrence;
    if (!rec) throw new AppError('not_found', 'The event does not exist.');
    const local = `${m[2]!.slice(0, 4)}-${m[2]!.slice(4, 6)}-${m[2]!.slice(6, 8)}T${m[2]!.slice(9, 11)}:${m[2]!.slice(11, 13)}:${m[2]!.slice(13, 15)}`;
    const around = Date.parse(`${local}Z`);
    const window = {
      start: new Date(around - 2 * 86_400_000).toISOString(),
      end: new Date(around + 2 * 86_400_000).toISOString(),
    };
    const occurrence = this.instances(master.event, window).find((o) => o.id === eventId);
    if (!occurrence) throw new AppError('not_found', 'The event does not exist.');
    return { master, occurrence, local };
  }

  /** Removes one occurrence from its series (an EXDATE on the master and on the attendees' copies). */
  private cancelOccurrence(master: StoredEvent, local: string): void {
    const exclude = (e: CalendarEvent): CalendarEvent =>
      e.recurrence && !e.recurrence.exDates.includes(local)
        ? { ...e, recurrence: { ...e.recurrence, exDates: [...e.recurrence.exDates, local].sort() } }
        : e;
    this.propagate(master, exclude);
    this.world.put(master.mailbox, exclude(structuredClone(master.event)), master.transactionId);
  }

  async createEvent(params: CreateEventParams): Promise<CalendarEvent> {
    const calendarId = params.calendarId ?? this.world.defaultCalendar(this.mailbox);
    const access = this.world.access(this.mailbox, calendarId);
    if (!access) throw new AppError('not_found', 'No such calendar.');
    if (!access.canEdit) throw new AppError('permission_denied', 'The calendar is shared with this mailbox read-only.');
    const owner = access.owner;
    if (params.transactionId) {
      for (const s of this.world.events.values()) {
        if (s.mailbox === owner && s.transactionId === params.transactionId && !s.deleted)
          return structuredClone(s.event);
      }
    }
    const d = params.event;
    if (!(new Date(d.end) > new Date(d.start)))
      throw new AppError('validation_failed', 'The event must end after it starts.');
    const cal = access.calendar;
    if (d.onlineMeeting && !cal.teams) throw new AppError('online_meeting_unavailable');
    const meetingFails = Boolean(d.onlineMeeting) && this.world.conference.outcome === 'failure';
    const id = this.world.nextId('evt');
    const event = eventFromDraft(this.world, d, {
      id,
      calendarId,
      organizer: owner,
      iCalUId: `uid-${id}`,
      externalId: params.externalId ?? null,
      teams: cal.teams && !meetingFails,
    });
    for (const a of event.attendees) {
      const other = this.world.mailboxes.get(a.email);
      if (!other || other.email === owner) continue;
      if (other.kind === 'room') {
        a.response = this.isFree(other.email, { start: event.start, end: event.end }) ? 'accepted' : 'declined';
      }
      const copyId = this.world.nextId('evt');
      this.world.put(other.email, {
        ...structuredClone(event),
        id: copyId,
        calendarId: this.world.defaultCalendar(other.email),
        responseStatus: other.kind === 'room' ? a.response : 'none',
        externalId: null,
      });
    }
    const stored = this.world.put(owner, event, params.transactionId ?? null);
    if (meetingFails)
      throw new AppError('online_meeting_unavailable', 'The online meeting could not be created; the event exists.', {
        details: { provider: 'mock', eventId: id, calendarId },
      });
    return structuredClone(stored.event);
  }

  async getEvent(eventId: string, calendarId?: string): Promise<CalendarEvent> {
    const occ = this.occurrenceOf(eventId, calendarId, false);
    if (occ) return structuredClone(occ.occurrence);
    return structuredClone(this.inCalendar(eventId, calendarId, false).event);
  }

  async updateEvent(params: UpdateEventParams): Promise<CalendarEvent> {
    const occ = this.occurrenceOf(params.eventId, params.calendarId, true);
    if (occ) {
      // A changed occurrence becomes an exception: its own event, and the series skips its original start.
      if (params.changes.recurrence) throw new AppError('validation_failed', 'An occurrence cannot have a recurrence.');
      this.cancelOccurrence(occ.master, occ.local);
      this.world.put(occ.master.mailbox, { ...occ.occurrence, type: 'exception' });
    }
    const s = this.inCalendar(params.eventId, params.calendarId, true);
    if (params.ifMatch !== undefined && params.ifMatch !== s.event.changeKey) throw new AppError('conflict');
    const c = params.changes;
    const next: CalendarEvent = { ...structuredClone(s.event) };
    if (c.subject !== undefined) next.subject = c.subject;
    if (c.body !== undefined) next.body = c.body;
    if (c.start !== undefined) next.start = new Date(c.start).toISOString();
    if (c.end !== undefined) next.end = new Date(c.end).toISOString();
    if (c.timeZone !== undefined) next.timeZone = c.timeZone;
    if (c.isAllDay !== undefined) next.isAllDay = c.isAllDay;
    if (c.location !== undefined) next.location = c.location;
    if (c.showAs !== undefined) next.showAs = c.showAs;
    if (c.sensitivity !== undefined) next.sensitivity = c.sensitivity;
    if (c.categories !== undefined) next.categories = c.categories;
    if (c.reminderMinutes !== undefined) next.reminderMinutes = c.reminderMinutes;
    if (c.recurrence !== undefined) next.recurrence = c.recurrence;
    if (c.attendees !== undefined) {
      next.attendees = c.attendees.map((a) => {
        const prev = s.event.attendees.find((p) => p.email === a.email.toLowerCase());
        return { email: a.email.toLowerCase(), name: a.name ?? null, type: a.type, response: prev?.response ?? 'none' };
      });
    }
    if (c.onlineMeeting === false) next.onlineMeeting = null;
    if (!(new Date(next.end) > new Date(next.start)))
      throw new AppError('validation_failed', 'The event must end after it starts.');
    this.propagate(s, (copy) => ({
      ...copy,
      subject: next.subject,
      start: next.start,
      end: next.end,
      location: next.location,
    }));
    return structuredClone(this.world.put(s.mailbox, next, s.transactionId).event);
  }

  async deleteEvent(eventId: string, calendarId?: string): Promise<void> {
    const occ = this.occurrenceOf(eventId, calendarId, true);
    if (occ) return this.cancelOccurrence(occ.master, occ.local);
    const s = this.inCalendar(eventId, calendarId, true);
    this.propagate(s, (copy) => ({ ...copy, isCancelled: true, subject: `Canceled: ${copy.subject}` }));
    this.world.remove(eventId);
  }

  /** The invitee's answer: their copy's responseStatus and the organizer's attendee entry (a decline keeps the copy). */
  async respondToEvent(params: RespondToEventParams): Promise<void> {
    const occ = this.occurrenceOf(params.eventId, params.calendarId, true);
    const s = occ?.master ?? this.inCalendar(params.eventId, params.calendarId, true);
    if (s.event.organizer?.email === s.mailbox)
      throw new AppError('organizer_cannot_respond', undefined, {
        details: { provider: 'mock', eventId: params.eventId },
      });
    const answered = (e: CalendarEvent): CalendarEvent => ({
      ...e,
      attendees: e.attendees.map((a) => (a.email === s.mailbox ? { ...a, response: params.response } : a)),
    });
    const organizerCopies = [...this.world.events.values()].filter(
      (o) => !o.deleted && o.mailbox === s.event.organizer?.email && o.event.iCalUId === s.event.iCalUId,
    );
    if (!occ) {
      this.world.put(s.mailbox, { ...structuredClone(s.event), responseStatus: params.response }, s.transactionId);
      for (const o of organizerCopies) this.world.put(o.mailbox, answered(structuredClone(o.event)), o.transactionId);
      return;
    }
    // One occurrence: it becomes an exception carrying the answer, in the invitee's and the organizer's series.
    const suffix = params.eventId.slice(s.event.id.length);
    const except = (master: StoredEvent, occurrence: CalendarEvent, f: (e: CalendarEvent) => CalendarEvent) => {
      const rec = master.event.recurrence!;
      const local = occ.local;
      this.world.put(
        master.mailbox,
        { ...structuredClone(master.event), recurrence: { ...rec, exDates: [...rec.exDates, local].sort() } },
        master.transactionId,
      );
      this.world.put(master.mailbox, f({ ...structuredClone(occurrence), type: 'exception' }));
    };
    except(s, occ.occurrence, (e) => ({ ...e, responseStatus: params.response }));
    for (const o of organizerCopies) {
      const id = `${o.event.id}${suffix}`;
      const stored = this.world.events.get(id);
      if (stored && !stored.deleted) {
        this.world.put(o.mailbox, answered(structuredClone(stored.event)));
        continue;
      }
      const around = Date.parse(occ.occurrence.originalStart ?? occ.occurrence.start);
      const window = {
        start: new Date(around - 86_400_000).toISOString(),
        end: new Date(around + 86_400_000).toISOString(),
      };
      const theirs = this.instances(o.event, window).find((x) => x.id === id);
      if (theirs) except(o, theirs, answered);
    }
  }

  /** Applies an organizer change to the attendees' copies (same iCalUId in other mailboxes). */
  private propagate(stored: StoredEvent, f: (copy: CalendarEvent) => CalendarEvent): void {
    const event = stored.event;
    if (event.organizer?.email !== stored.mailbox) return;
    for (const s of [...this.world.events.values()]) {
      if (s.deleted || s.mailbox === stored.mailbox || s.event.iCalUId !== event.iCalUId) continue;
      this.world.put(s.mailbox, f(structuredClone(s.event)));
    }
  }

  /** Own calendars, then those other mailboxes share with this one. */
  async listCalendars(): Promise<CalendarInfo[]> {
    const out: CalendarInfo[] = [];
    for (const mb of this.world.mailboxes.values()) {
      for (const c of mb.calendars.values()) {
        const own = mb.email === this.mailbox;
        const role = own ? 'write' : c.sharedWith?.get(this.mailbox);
        if (!role) continue;
        out.push({
          id: c.id,
          name: c.name,
          ownerEmail: mb.email,
          isDefault: own && c.isDefault,
          isShared: !own,
          canEdit: role === 'write',
          allowedOnlineMeetingProviders: c.teams ? ['teamsForBusiness'] : [],
          defaultOnlineMeetingProvider: c.teams ? 'teamsForBusiness' : null,
        });
      }
    }
    return out.sort((a, b) => Number(a.isShared) - Number(b.isShared));
  }

  /** The mailbox holding `calendarId` (this one's own, or the owner of a calendar shared with it). */
  private ownerOf(calendarId: string | undefined): string {
    if (!calendarId) return this.mailbox;
    const access = this.world.access(this.mailbox, calendarId);
    if (!access) throw new AppError('not_found', 'No such calendar.');
    return access.owner;
  }

  /** Current events of a mailbox overlapping the range, series expanded into occurrences. */
  private expanded(mailbox: string, range: TimeRange, calendarId?: string): CalendarEvent[] {
    const out: CalendarEvent[] = [];
    for (const s of this.world.events.values()) {
      if (s.deleted || s.mailbox !== mailbox || (calendarId && s.event.calendarId !== calendarId)) continue;
      out.push(...this.instances(s.event, range));
    }
    return out.sort((a, b) => a.start.localeCompare(b.start) || a.id.localeCompare(b.id));
  }

  private instances(e: CalendarEvent, range: TimeRange): CalendarEvent[] {
    if (!e.recurrence) return e.start < range.end && e.end > range.start ? [e] : [];
    const minutes = (Date.parse(e.end) - Date.parse(e.start)) / 60_000;
    return expandRecurrence(e.recurrence, minutes, range).map((o) => ({
      ...e,
      id: `${e.id}.${o.originalStartLocal.replace(/[-:]/g, '')}`,
      type: 'occurrence' as const,
      seriesMasterId: e.id,
      originalStart: o.start,
      start: o.start,
      end: o.end,
      recurrence: null,
    }));
  }

  async listEvents(params: ListEventsParams): Promise<EventPage> {
    const all = this.expanded(this.ownerOf(params.calendarId), params, params.calendarId);
    const offset = params.pageToken ? Number.parseInt(params.pageToken, 10) || 0 : 0;
    const size = Math.min(Math.max(params.pageSize ?? PAGE, 1), 500);
    const events = all.slice(offset, offset + size).map((e) => structuredClone(e));
    return { events, nextPageToken: offset + size < all.length ? String(offset + size) : null };
  }

  async syncChanges(params: SyncChangesParams): Promise<ChangePage> {
    const c: Cursor = params.cursor
      ? decodeCursor(params.cursor)
      : { cal: params.calendarId, since: 0, upto: this.world.currentSeq, offset: 0, win: params.window };
    if (params.cursor && (c.cal !== params.calendarId || c.since < this.world.minValidCursor)) {
      throw new AppError('sync_cursor_expired', 'The sync cursor has expired; a full sync is needed.');
    }
    // A cursor that ended a round starts the next round at the current sequence.
    if (c.offset === 0 && c.upto <= c.since) c.upto = this.world.currentSeq;
    const owner = this.ownerOf(c.cal);
    const changes: EventChange[] = [];
    for (const s of this.world.events.values()) {
      if (s.mailbox !== owner || s.event.calendarId !== c.cal || s.seq <= c.since || s.seq > c.upto) continue;
      if (s.deleted) {
        if (c.since > 0) changes.push({ kind: 'removed', eventId: s.event.id });
        continue;
      }
      const inWindow = s.event.recurrence ? true : s.event.start < c.win.end && s.event.end > c.win.start;
      if (!inWindow) continue;
      if (s.event.recurrence) changes.push({ kind: 'upsert', event: structuredClone(s.event) });
      for (const e of this.instances(s.event, c.win)) changes.push({ kind: 'upsert', event: structuredClone(e) });
    }
    changes.sort((a, b) => key(a).localeCompare(key(b)));
    const page = changes.slice(c.offset, c.offset + PAGE);
    const done = c.offset + PAGE >= changes.length;
    const next: Cursor = done ? { ...c, since: c.upto, offset: 0 } : { ...c, offset: c.offset + PAGE };
    return { changes: page, cursor: encodeCursor(next), done };
  }

  private isFree(mailbox: string, range: TimeRange): boolean {
    return this.expanded(mailbox, range).every((e) => e.showAs === 'free' || e.isCancelled);
  }

  async getFreeBusy(params: FreeBusyParams): Promise<FreeBusyResult> {
    const interval = params.intervalMinutes ?? 30;
    const range = { start: new Date(params.start).toISOString(), end: new Date(params.end).toISOString() };
    const slots = Math.ceil((Date.parse(range.end) - Date.parse(range.start)) / (interval * 60_000));
    const schedules: ScheduleAvailability[] = params.schedules.map((raw) => {
      const email = raw.toLowerCase();
      const mb = this.world.mailboxes.get(email);
      if (!mb)
        return { email, status: 'unknown', reason: 'not_found', message: 'No free/busy information for this address.' };
      const items: BusyItem[] = this.expanded(email, range)
        .filter((e) => e.showAs !== 'free' && e.showAs !== 'unknown' && !e.isCancelled)
        .map((e) => ({ start: e.start, end: e.end, status: e.showAs as BusyItem['status'] }));
      let view = '';
      for (let i = 0; i < slots; i++) {
        const s = Date.parse(range.start) + i * interval * 60_000;
        const e = s + interval * 60_000;
        const hits = items.filter((it) => Date.parse(it.start) < e && Date.parse(it.end) > s);
        const worst = hits.reduce((d, it) => Math.max(d, Number(VIEW_DIGIT[it.status])), 0);
        view += String(worst);
      }
      return { email, status: 'ok', items, workingHours: mb.workingHours, availabilityView: view };
    });
    return { range, intervalMinutes: interval, schedules };
  }

  async getWorkingHours() {
    return this.world.mailboxes.get(this.mailbox)?.workingHours ?? null;
  }

  /** The mailbox's zone (that of its working hours) and clock. */
  async getMailboxPreferences() {
    const mb = this.world.mailboxes.get(this.mailbox);
    return { timeZone: mb?.workingHours?.timeZone ?? null, timeFormat: mb?.timeFormat ?? null };
  }

  async findMeetingTimes(params: MeetingTimeConstraint) {
    const emails = [this.mailbox, ...params.attendees.map((a) => a.email), ...(params.rooms ?? [])];
    const fb = await this.getFreeBusy({
      schedules: [...new Set(emails)],
      start: params.window.start,
      end: params.window.end,
      intervalMinutes: 15,
    });
    return suggestMeetingTimes(params, fb, { email: this.mailbox, workingHours: await this.getWorkingHours() });
  }

  /** People (not rooms) of the mailbox's domain whose name (any word) or address starts with the query. */
  async searchPeople(params: PeopleSearchParams): Promise<DirectoryEntry[]> {
    const q = params.query.trim().toLowerCase();
    const domain = this.mailbox.toLowerCase().split('@')[1];
    if (!q) return [];
    return [...this.world.mailboxes.values()]
      .filter((m) => m.kind === 'user' && m.email.toLowerCase().split('@')[1] === domain)
      .filter(
        (m) =>
          m.email.toLowerCase().startsWith(q) ||
          m.name
            .toLowerCase()
            .split(/\s+/)
            .some((w) => w.startsWith(q)),
      )
      .sort((a, b) => a.name.localeCompare(b.name))
      .slice(0, params.limit)
      .map((m) => ({ email: m.email.toLowerCase(), name: m.name, jobTitle: null }));
  }

  async listRooms(query: RoomQuery = {}) {
    return [...this.world.mailboxes.values()]
      .filter((m) => m.kind === 'room' && m.room)
      .map((m) => m.room!)
      .filter(
        (r) =>
          (query.minCapacity === undefined || (r.capacity ?? 0) >= query.minCapacity) &&
          (!query.building || r.building === query.building),
      );
  }

  async createSubscription(params: SubscriptionParams) {
    const id = this.world.nextId('sub');
    this.world.subscriptions.set(id, {
      calendarId: params.calendarId,
      expiresAt: params.expiresAt,
      clientState: params.clientState,
    });
    return { id, expiresAt: params.expiresAt };
  }

  async renewSubscription(id: string, expiresAt: string) {
    const s = this.world.subscriptions.get(id);
    if (!s) throw new AppError('not_found', 'No such subscription.');
    s.expiresAt = expiresAt;
    return { id, expiresAt };
  }

  async reauthorizeSubscription(id: string) {
    if (!this.world.subscriptions.has(id)) throw new AppError('not_found', 'No such subscription.');
  }

  async deleteSubscription(id: string) {
    if (!this.world.subscriptions.delete(id)) throw new AppError('not_found', 'No such subscription.');
  }
}

function key(c: EventChange): string {
  return c.kind === 'removed'
    ? `0${c.eventId}`
    : `${c.event.type === 'seriesMaster' ? '1' : '2'}${c.event.start}${c.event.id}`;
}
