// The mock provider's in-memory world: mailboxes, calendars, events and a change log, shared by every mock instance.
import { randomUUID } from 'node:crypto';
import type { CalendarEvent, EventDraft, WorkingHours } from '../../domain/calendar.js';
import type { RoomInfo } from '../../ports/calendar-provider.js';

export interface MockMailbox {
  email: string;
  name: string;
  kind: 'user' | 'room';
  workingHours: WorkingHours | null;
  /** The mailbox's clock (Graph mailboxSettings timeFormat); unknown when absent. */
  timeFormat?: '12h' | '24h';
  calendars: Map<string, MockCalendar>;
  room?: RoomInfo;
}

export interface MockCalendar {
  id: string;
  name: string;
  isDefault: boolean;
  teams: boolean;
  /** Other mailboxes this calendar is shared with, and whether they may write. */
  sharedWith?: Map<string, 'read' | 'write'>;
}

export interface StoredEvent {
  event: CalendarEvent;
  mailbox: string;
  transactionId: string | null;
  /** Monotonic sequence of the last change. */
  seq: number;
  deleted: boolean;
}

/**
 * Deterministic in-memory calendar backend: ids and change keys come from counters, time from the injected clock.
 * Several `MockCalendarAdapter`s (one per mailbox) share one world so invitations reach attendees.
 */
export class MockCalendarWorld {
  readonly mailboxes = new Map<string, MockMailbox>();
  readonly events = new Map<string, StoredEvent>();
  readonly subscriptions = new Map<string, { calendarId: string; expiresAt: string; clientState: string }>();
  private seq = 0;
  private ids = 0;
  /** Cursors older than this sequence are rejected (simulates an expired delta token). */
  minValidCursor = 0;
  /**
   * How online meetings come out: `outcome: 'failure'` creates the event without a meeting and reports it, as a
   * provider whose meeting service failed (Google answers a conference create request `failure`).
   */
  conference: { pendingReads: number; outcome: 'success' | 'failure' } = { pendingReads: 0, outcome: 'success' };

  constructor(readonly now: () => Date = () => new Date()) {}

  nextId(prefix: string): string {
    this.ids += 1;
    return `${prefix}-${this.ids.toString().padStart(6, '0')}`;
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  get currentSeq(): number {
    return this.seq;
  }

  addMailbox(
    email: string,
    opts: {
      name?: string;
      kind?: 'user' | 'room';
      workingHours?: WorkingHours | null;
      teams?: boolean;
      room?: Omit<RoomInfo, 'email'>;
    } = {},
  ): MockMailbox {
    const key = email.toLowerCase();
    const calId = `cal-${key}`;
    const mb: MockMailbox = {
      email: key,
      name: opts.name ?? key.split('@')[0]!,
      kind: opts.kind ?? 'user',
      workingHours:
        opts.workingHours === undefined
          ? {
              daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
              startTime: '09:00:00',
              endTime: '17:00:00',
              timeZone: 'UTC',
            }
          : opts.workingHours,
      calendars: new Map([[calId, { id: calId, name: 'Calendar', isDefault: true, teams: opts.teams ?? true }]]),
      room: opts.room ? { email: key, ...opts.room } : undefined,
    };
    this.mailboxes.set(key, mb);
    return mb;
  }

  /** A further (non-default) calendar of `mailbox`. */
  addCalendar(mailbox: string, name: string, opts: { teams?: boolean } = {}): MockCalendar {
    const mb = this.mailboxes.get(mailbox.toLowerCase())!;
    const cal: MockCalendar = { id: this.nextId('cal'), name, isDefault: false, teams: opts.teams ?? true };
    mb.calendars.set(cal.id, cal);
    return cal;
  }

  /** Shares `owner`'s calendar with another mailbox (read or write), as a delegate sees it. */
  shareCalendar(owner: string, calendarId: string, withMailbox: string, role: 'read' | 'write'): void {
    const cal = this.mailboxes.get(owner.toLowerCase())!.calendars.get(calendarId)!;
    (cal.sharedWith ??= new Map()).set(withMailbox.toLowerCase(), role);
  }

  /** The calendar `calendarId` as `mailbox` may use it: its owner and whether `mailbox` may write; null if neither. */
  access(mailbox: string, calendarId: string): { owner: string; calendar: MockCalendar; canEdit: boolean } | null {
    for (const mb of this.mailboxes.values()) {
      const cal = mb.calendars.get(calendarId);
      if (!cal) continue;
      if (mb.email === mailbox) return { owner: mb.email, calendar: cal, canEdit: true };
      const role = cal.sharedWith?.get(mailbox);
      return role ? { owner: mb.email, calendar: cal, canEdit: role === 'write' } : null;
    }
    return null;
  }

  defaultCalendar(mailbox: string): string {
    const mb = this.mailboxes.get(mailbox);
    const cal = mb && [...mb.calendars.values()].find((c) => c.isDefault);
    if (!cal) throw new Error(`mock mailbox ${mailbox} has no default calendar`);
    return cal.id;
  }

  /** Stores a new version of an event (new change key, new sequence). */
  put(mailbox: string, event: CalendarEvent, transactionId: string | null = null): StoredEvent {
    const stored: StoredEvent = {
      event: {
        ...event,
        changeKey: randomUUID().slice(0, 8) + '-' + this.nextSeq().toString(36),
        updatedAt: this.now().toISOString(),
      },
      mailbox,
      transactionId,
      seq: this.currentSeq,
      deleted: false,
    };
    this.events.set(event.id, stored);
    return stored;
  }

  remove(eventId: string): void {
    const s = this.events.get(eventId);
    if (!s) return;
    s.deleted = true;
    s.seq = this.nextSeq();
  }
}

/** Builds a stored event from a draft. */
export function eventFromDraft(
  world: MockCalendarWorld,
  draft: EventDraft,
  opts: {
    id: string;
    calendarId: string;
    organizer: string;
    iCalUId: string;
    externalId: string | null;
    teams: boolean;
  },
): CalendarEvent {
  const now = world.now().toISOString();
  return {
    id: opts.id,
    calendarId: opts.calendarId,
    iCalUId: opts.iCalUId,
    changeKey: null,
    subject: draft.subject,
    body: draft.body ?? { contentType: 'html', content: '' },
    start: new Date(draft.start).toISOString(),
    end: new Date(draft.end).toISOString(),
    timeZone: draft.timeZone ?? 'UTC',
    isAllDay: draft.isAllDay ?? false,
    organizer: { email: opts.organizer, name: null },
    attendees: (draft.attendees ?? []).map((a) => ({
      email: a.email.toLowerCase(),
      name: a.name ?? null,
      type: a.type,
      response: 'none' as const,
    })),
    location: draft.location ?? null,
    onlineMeeting:
      draft.onlineMeeting && opts.teams
        ? { provider: 'teamsForBusiness', joinUrl: `https://mock.invalid/join/${opts.id}`, conferenceId: null }
        : null,
    showAs: draft.showAs ?? 'busy',
    sensitivity: draft.sensitivity ?? 'normal',
    categories: draft.categories ?? [],
    type: draft.recurrence ? 'seriesMaster' : 'singleInstance',
    seriesMasterId: null,
    originalStart: null,
    recurrence: draft.recurrence ?? null,
    isCancelled: false,
    externalId: opts.externalId,
    reminderMinutes: draft.reminderMinutes ?? null,
    responseStatus: 'organizer',
    createdAt: now,
    updatedAt: now,
  };
}
