// GoogleCalendarAdapter: the CalendarProvider port over Google Calendar API v3 for one connected account.
// Translation lives in mapping.ts; transport behaviour (retry, limits) wraps the client; this file only orchestrates.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { calendar_v3 } from '@googleapis/calendar';
import type { BusyItem, CalendarEvent, Instant, WorkingHours } from '../../domain/calendar.js';
import { AppError, isAppError } from '../../domain/errors.js';
import { availabilityViewOf } from '../../domain/scheduling/freebusy.js';
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
  MeetingTimeSuggestions,
  DirectoryEntry,
  PeopleSearchParams,
  ProviderCapabilities,
  RespondToEventParams,
  RoomInfo,
  RoomQuery,
  ScheduleAvailability,
  SubscriptionInfo,
  SubscriptionParams,
  SyncChangesParams,
  UpdateEventParams,
} from '../../ports/calendar-provider.js';
import { missingSeriesMasterIds } from '../series-masters.js';
import type { GoogleCalendarClient } from './client.js';
import { googleSearchPeople, PEOPLE_API } from './people.js';
import {
  draftFields,
  draftToGoogleEvent,
  eventIdFor,
  googleCalendarToInfo,
  googleEventToCalendarEvent,
} from './mapping.js';

export interface GoogleAdapterOptions {
  /** The connected account's address. */
  mailbox: string;
  /** Room lookup through the Admin SDK (needs the directory resource scope). */
  roomsEnabled: boolean;
  /** Page size of sync rounds (default 250). */
  syncPageSize?: number;
  /**
   * How a Meet that Google is still creating (`conferenceData.createRequest.status.statusCode` pending) is awaited:
   * the event is read again after each delay (default 250, 500, 1000, 2000, 4000 ms, about 8 s in all).
   */
  conferencePoll?: { delaysMs?: number[]; sleep?: (ms: number) => Promise<void> };
  /**
   * The user's working hours as calbridge keeps them (Google's API has none: they live in the Calendar web UI only);
   * null → Monday to Friday, 09:00–17:00 in the user's Google Calendar time zone (settings `timezone`).
   */
  workingHours?: () => Promise<WorkingHours | null>;
  /** Root of the People API (directory search; default Google's own host). */
  peopleBaseUrl?: string;
}

/** What a Google user without working hours in calbridge gets: the usual work week in their Calendar time zone. */
export function defaultGoogleWorkingHours(timeZone: string): WorkingHours {
  return {
    daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
    startTime: '09:00:00',
    endTime: '17:00:00',
    timeZone,
  };
}

const CONFERENCE_POLL_MS = [250, 500, 1000, 2000, 4000];
const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const conferenceStatus = (ev: calendar_v3.Schema$Event) => ev.conferenceData?.createRequest?.status?.statusCode;

/** What a sync cursor carries: the query of the round (Google wants it repeated with a page token) or a sync token. */
interface Cursor {
  q: { timeMin?: string; timeMax?: string; syncToken?: string };
  pageToken?: string;
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Cursor;
    if (c && typeof c.q === 'object') return c;
  } catch {
    /* fall through */
  }
  throw new AppError('sync_cursor_expired', 'The sync cursor is not one this provider issued.');
}

/** What a subscription id carries (see createSubscription): never the channel token, which is a secret. */
interface ChannelRef {
  c: string;
  r: string;
  cal: string;
  a: string;
}

const sha = (s: string) => createHash('sha256').update(s).digest();

export class GoogleCalendarAdapter implements CalendarProvider {
  readonly type = 'GOOGLE' as const;
  readonly capabilities: ProviderCapabilities;

  constructor(
    private readonly client: GoogleCalendarClient,
    private readonly opts: GoogleAdapterOptions,
  ) {
    this.capabilities = {
      findMeetingTimes: false,
      rooms: opts.roomsEnabled,
      subscriptions: true,
      // Watch channels have no reauthorization: they live until they expire or are stopped.
      subscriptionReauthorization: false,
      onlineMeetingProvider: 'googleMeet',
      // Google Calendar's working hours are not in its API: calbridge keeps them per user.
      workingHoursSource: 'calbridge',
    };
  }

  private get api() {
    return this.client.api;
  }

  private toEvent(ev: calendar_v3.Schema$Event, calendarId: string | null): CalendarEvent {
    return googleEventToCalendarEvent(ev, { calendarId, mailbox: this.opts.mailbox });
  }

  private cal(calendarId?: string): string {
    return calendarId ?? 'primary';
  }

  /** Calendars whose events this user can read; free/busy-only ones (rooms) are reached through freeBusy instead. */
  async listCalendars(): Promise<CalendarInfo[]> {
    const out: CalendarInfo[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.client.call('calendarList', (o) =>
        this.api.calendarList.list({ maxResults: 250, minAccessRole: 'reader', pageToken }, o),
      );
      out.push(...(page.items ?? []).map((c) => googleCalendarToInfo(c, { mailbox: this.opts.mailbox })));
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    return out;
  }

  /** Refuses a Meet the calendar cannot host (conferenceProperties lists the allowed solutions). */
  private async requireMeet(calendarId: string): Promise<void> {
    const entry = await this.client.call('calendarList', (o) => this.api.calendarList.get({ calendarId }, o));
    const allowed = entry.conferenceProperties?.allowedConferenceSolutionTypes ?? [];
    if (!allowed.includes('hangoutsMeet'))
      throw new AppError(
        'online_meeting_unavailable',
        'This calendar cannot host Google Meet conferences (conferenceProperties has no hangoutsMeet).',
        {
          details: { allowedConferenceSolutionTypes: allowed },
        },
      );
  }

  async createEvent(params: CreateEventParams): Promise<CalendarEvent> {
    const calendarId = this.cal(params.calendarId);
    if (params.event.onlineMeeting === true) await this.requireMeet(calendarId);
    // Every insert carries a client-chosen id, so a retried insert cannot create a second event: Google answers
    // 409 duplicate and the first event is read instead. With a transactionId the id is derived from it.
    const id = eventIdFor(params.transactionId ?? randomUUID(), sha);
    const requestBody = draftToGoogleEvent(params.event, { externalId: params.externalId, id });
    let created: calendar_v3.Schema$Event;
    try {
      created = await this.client.call(
        'insert',
        (o) => this.api.events.insert({ calendarId, conferenceDataVersion: 1, sendUpdates: 'all', requestBody }, o),
        { idempotent: true },
      );
    } catch (e) {
      if (!isAppError(e, 'already_exists')) throw e;
      created = await this.read(id, calendarId);
    }
    return this.toEvent(await this.settledConference(created, calendarId), params.calendarId ?? null);
  }

  /** events.get; `op` 'patch' when the read is part of a write (a 404 is then `event_unreachable`). */
  private async read(eventId: string, calendarId: string, op = 'get'): Promise<calendar_v3.Schema$Event> {
    return this.client.call(op, (o) => this.api.events.get({ calendarId, eventId }, o));
  }

  /**
   * Google creates a Meet asynchronously: while `createRequest.status.statusCode` is pending the event has no entry
   * points. The event is read again (a bounded number of times, with growing delays) until the conference succeeded
   * or failed. A failure is `online_meeting_unavailable` (the event exists without a join link), as a Teams meeting
   * that could not be created; one still pending after the last read is `provider_unavailable` (retry: a repeated
   * create with the same transactionId finds the event).
   */
  private async settledConference(ev: calendar_v3.Schema$Event, calendarId: string): Promise<calendar_v3.Schema$Event> {
    const delays = this.opts.conferencePoll?.delaysMs ?? CONFERENCE_POLL_MS;
    const sleep = this.opts.conferencePoll?.sleep ?? realSleep;
    let reads = 0;
    for (const ms of delays) {
      if (conferenceStatus(ev) !== 'pending') break;
      await sleep(ms);
      ev = await this.read(ev.id ?? '', calendarId);
      reads++;
    }
    const details = { provider: 'google', eventId: ev.id ?? null, calendarId, reads };
    if (conferenceStatus(ev) === 'pending')
      throw new AppError(
        'provider_unavailable',
        'Google is still creating the Meet conference of this event (the event exists); retry shortly.',
        { details: { ...details, reason: 'conference_pending' } },
      );
    if (conferenceStatus(ev) === 'failure')
      throw new AppError(
        'online_meeting_unavailable',
        'Google could not create the Meet conference of this event (conferenceData status failure); the event exists without a join link.',
        { details: { ...details, statusCode: 'failure' } },
      );
    return ev;
  }

  async getEvent(eventId: string, calendarId?: string, op = 'get'): Promise<CalendarEvent> {
    const ev = await this.read(eventId, this.cal(calendarId), op);
    if (ev.status === 'cancelled')
      throw new AppError('not_found', 'The calendar item was deleted.', {
        details: { provider: 'google', status: 200, reason: 'cancelled' },
      });
    return this.toEvent(ev, calendarId ?? null);
  }

  /** Patches the event in its own calendar (a 404 there is `event_unreachable`, a 410 `not_found`: deleted). */
  async updateEvent(params: UpdateEventParams): Promise<CalendarEvent> {
    const calendarId = this.cal(params.calendarId);
    if (params.changes.onlineMeeting === true) await this.requireMeet(calendarId);
    let zone = params.changes.timeZone;
    if (!zone && (params.changes.start !== undefined || params.changes.end !== undefined))
      zone = (await this.getEvent(params.eventId, calendarId, 'patch')).timeZone;
    const requestBody = draftFields(params.changes, { zone });
    const headers: Record<string, string> = params.ifMatch ? { 'If-Match': params.ifMatch } : {};
    const updated = await this.client.call(
      'patch',
      (o) =>
        this.api.events.patch(
          { calendarId, eventId: params.eventId, conferenceDataVersion: 1, sendUpdates: 'all', requestBody },
          { ...o, headers: { ...o.headers, ...headers } },
        ),
      // A patch without If-Match gives the same result when sent twice; with If-Match a resend would look like a conflict.
      { idempotent: !params.ifMatch },
    );
    return this.toEvent(await this.settledConference(updated, calendarId), params.calendarId ?? null);
  }

  /**
   * Deletes the event in its own calendar. Google answers 410 `deleted` for an event deleted before (`not_found`:
   * confirmed gone) and 404 for one the calendar does not know (`event_unreachable`: nothing was deleted).
   */
  async deleteEvent(eventId: string, calendarId?: string): Promise<void> {
    await this.client.call('delete', (o) =>
      this.api.events.delete({ calendarId: this.cal(calendarId), eventId, sendUpdates: 'all' }, o),
    );
  }

  /**
   * Sets the mailbox owner's `responseStatus` (and `comment`) on their copy of the meeting: events.patch with the
   * attendee list, where only the caller's own entry changes (an attendee may change nothing else), and `sendUpdates`
   * telling the organizer. An instance id answers that occurrence only. The organizer's own meeting is
   * `organizer_cannot_respond`; a meeting without the owner among its attendees is `not_found`.
   */
  async respondToEvent(params: RespondToEventParams): Promise<void> {
    const calendarId = this.cal(params.calendarId);
    const ev = await this.read(params.eventId, calendarId, 'patch');
    if (ev.status === 'cancelled')
      throw new AppError('not_found', 'The calendar item was deleted.', {
        details: { provider: 'google', reason: 'cancelled' },
      });
    const me = this.opts.mailbox.toLowerCase();
    if (ev.organizer?.self || ev.organizer?.email?.toLowerCase() === me)
      throw new AppError('organizer_cannot_respond', undefined, {
        details: { provider: 'google', eventId: params.eventId },
      });
    const attendees = ev.attendees ?? [];
    const mine = attendees.findIndex((a) => a.self || a.email?.toLowerCase() === me);
    if (mine < 0)
      throw new AppError('not_found', 'You are not among the attendees of this meeting.', {
        details: { provider: 'google', eventId: params.eventId, reason: 'not_invited' },
      });
    const status = { accepted: 'accepted', tentative: 'tentative', declined: 'declined' }[params.response];
    const requestBody: calendar_v3.Schema$Event = {
      attendees: attendees.map((a, i) =>
        i === mine ? { ...a, responseStatus: status, ...(params.comment ? { comment: params.comment } : {}) } : a,
      ),
    };
    await this.client.call(
      'patch',
      (o) =>
        this.api.events.patch(
          {
            calendarId,
            eventId: params.eventId,
            sendUpdates: params.sendResponse === false ? 'none' : 'all',
            requestBody,
          },
          o,
        ),
      { idempotent: true },
    );
  }

  async listEvents(params: ListEventsParams): Promise<EventPage> {
    const page = await this.client.call('list', (o) =>
      this.api.events.list(
        {
          calendarId: this.cal(params.calendarId),
          timeMin: params.start,
          timeMax: params.end,
          singleEvents: true,
          orderBy: 'startTime',
          maxResults: params.pageSize ?? 50,
          pageToken: params.pageToken,
        },
        o,
      ),
    );
    return {
      events: (page.items ?? []).map((e) => this.toEvent(e, params.calendarId ?? null)),
      nextPageToken: page.nextPageToken ?? null,
    };
  }

  async syncChanges(params: SyncChangesParams): Promise<ChangePage> {
    const cursor: Cursor = params.cursor
      ? decodeCursor(params.cursor)
      : { q: { timeMin: params.window.start, timeMax: params.window.end } };
    const page = await this.client.call('sync', (o) =>
      this.api.events.list(
        {
          calendarId: params.calendarId,
          singleEvents: true,
          showDeleted: true,
          maxResults: this.opts.syncPageSize ?? 250,
          ...cursor.q,
          pageToken: cursor.pageToken,
        },
        o,
      ),
    );
    const changes: EventChange[] = (page.items ?? []).map((e) =>
      e.status === 'cancelled'
        ? { kind: 'removed', eventId: e.id ?? '' }
        : { kind: 'upsert', event: this.toEvent(e, params.calendarId) },
    );
    const withMasters = await this.withSeriesMasters(changes, params.calendarId, params.knownSeriesMasters);
    if (page.nextPageToken)
      return {
        changes: withMasters,
        cursor: encodeCursor({ q: cursor.q, pageToken: page.nextPageToken }),
        done: false,
      };
    if (!page.nextSyncToken)
      throw new AppError('provider_error', 'The last events page carried no nextSyncToken.', {
        details: { provider: 'google', reason: 'no_sync_token' },
      });
    return { changes: withMasters, cursor: encodeCursor({ q: { syncToken: page.nextSyncToken } }), done: true };
  }

  /** Instances whose series master is neither in the page nor already delivered this run: read and prepended. */
  private async withSeriesMasters(
    changes: EventChange[],
    calendarId: string,
    known?: ReadonlySet<string>,
  ): Promise<EventChange[]> {
    const missing = missingSeriesMasterIds(changes, known);
    const masters: EventChange[] = [];
    for (const id of missing) {
      const ev = await this.client
        .call('get', (o) => this.api.events.get({ calendarId, eventId: id }, o))
        .catch((e: unknown) => {
          if (isAppError(e, 'not_found')) return null;
          throw e;
        });
      if (ev && ev.status !== 'cancelled') masters.push({ kind: 'upsert', event: this.toEvent(ev, calendarId) });
    }
    return [...masters, ...changes];
  }

  async getFreeBusy(params: FreeBusyParams): Promise<FreeBusyResult> {
    const interval = params.intervalMinutes ?? 30;
    const range = { start: params.start, end: params.end };
    const res = await this.client.call(
      'freebusy',
      (o) =>
        this.api.freebusy.query(
          {
            requestBody: {
              timeMin: params.start,
              timeMax: params.end,
              timeZone: 'UTC',
              items: params.schedules.map((id) => ({ id })),
            },
          },
          o,
        ),
      { idempotent: true },
    );
    const own = params.schedules.some((e) => e.toLowerCase() === this.opts.mailbox.toLowerCase())
      ? await this.getWorkingHours()
      : null;
    const schedules: ScheduleAvailability[] = params.schedules.map((email) => {
      const entry = res.calendars?.[email] ?? res.calendars?.[email.toLowerCase()];
      const reason = entry?.errors?.[0]?.reason;
      if (!entry || reason) {
        const why = reason === 'notFound' ? 'not_found' : (reason ?? 'not_returned');
        return {
          email,
          status: 'unknown',
          reason: why,
          message: `Google returned no free/busy for ${email} (${why}).`,
        };
      }
      const items: BusyItem[] = (entry.busy ?? []).map((b) => ({
        start: new Date(b.start ?? 0).toISOString(),
        end: new Date(b.end ?? 0).toISOString(),
        status: 'busy',
      }));
      return {
        email,
        status: 'ok',
        items,
        // The connected user's working hours (Google's free/busy carries none; other people's are unknown to it).
        workingHours: email.toLowerCase() === this.opts.mailbox.toLowerCase() ? own : null,
        availabilityView: availabilityViewOf(items, range, interval),
      };
    });
    return { range, intervalMinutes: interval, schedules };
  }

  /**
   * Google Calendar exposes no working hours through its API (settings has the time zone, week start, hidden weekends —
   * not working hours): the hours calbridge keeps for the user, else the default in the user's Calendar time zone
   * (`users/me/settings/timezone`; UTC when Google does not say).
   */
  async getWorkingHours(): Promise<WorkingHours | null> {
    const kept = (await this.opts.workingHours?.()) ?? null;
    if (kept) return kept;
    const tz = await this.client
      .call('settings', (o) => this.api.settings.get({ setting: 'timezone' }, o))
      .catch((e: unknown) => {
        // A grant without a settings scope: the hours stay unknown rather than guessed in a wrong zone.
        if (isAppError(e, 'permission_denied')) return null;
        throw e;
      });
    return tz ? defaultGoogleWorkingHours(tz.value || 'UTC') : null;
  }

  /** The user's Google Calendar settings `timezone` and `format24HourTime` (null when the grant cannot read them). */
  async getMailboxPreferences(): Promise<{ timeZone: string | null; timeFormat: '12h' | '24h' | null }> {
    const read = (setting: string) =>
      this.client
        .call('settings', (o) => this.api.settings.get({ setting }, o))
        .then((r) => r.value ?? null)
        .catch((e: unknown) => {
          if (isAppError(e, 'permission_denied') || isAppError(e, 'not_found')) return null;
          throw e;
        });
    const [zone, h24] = await Promise.all([read('timezone'), read('format24HourTime')]);
    return { timeZone: zone || null, timeFormat: h24 === 'true' ? '24h' : h24 === 'false' ? '12h' : null };
  }

  /** calbridge's own engine over Google free/busy (Google has no findMeetingTimes). */
  async findMeetingTimes(params: MeetingTimeConstraint): Promise<MeetingTimeSuggestions> {
    const emails = [this.opts.mailbox, ...params.attendees.map((a) => a.email), ...(params.rooms ?? [])];
    const fb = await this.getFreeBusy({
      schedules: [...new Set(emails)],
      start: params.window.start,
      end: params.window.end,
      intervalMinutes: 15,
    });
    const mine = fb.schedules.find((s) => s.email.toLowerCase() === this.opts.mailbox.toLowerCase());
    const workingHours = mine?.status === 'ok' ? mine.workingHours : await this.getWorkingHours();
    return suggestMeetingTimes(params, fb, { email: this.opts.mailbox, workingHours });
  }

  /** Domain profiles of the Workspace directory matching the query (People API, directory.readonly). */
  async searchPeople(params: PeopleSearchParams): Promise<DirectoryEntry[]> {
    return googleSearchPeople(this.client, this.opts.peopleBaseUrl ?? PEOPLE_API, params);
  }

  async listRooms(query: RoomQuery = {}): Promise<RoomInfo[]> {
    if (!this.opts.roomsEnabled)
      throw new AppError('permission_denied', 'Room lookup is turned off on this server (GOOGLE_ROOMS_ENABLED=false).');
    interface Resource {
      resourceEmail?: string;
      resourceName?: string;
      capacity?: number;
      buildingId?: string;
      floorName?: string;
      resourceCategory?: string;
    }
    const out: RoomInfo[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.client.directoryGet<{ items?: Resource[]; nextPageToken?: string }>(
        `/admin/directory/v1/customer/my_customer/resources/calendars?maxResults=500${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`,
      );
      for (const r of page.items ?? []) {
        if (!r.resourceEmail || (r.resourceCategory && r.resourceCategory !== 'CONFERENCE_ROOM')) continue;
        out.push({
          email: r.resourceEmail.toLowerCase(),
          name: r.resourceName ?? r.resourceEmail,
          capacity: r.capacity ?? null,
          building: r.buildingId ?? null,
          floor: r.floorName ?? null,
          roomList: r.buildingId ?? null,
        });
      }
      pageToken = page.nextPageToken;
    } while (pageToken);
    return out.filter(
      (r) =>
        (query.minCapacity === undefined || (r.capacity ?? 0) >= query.minCapacity) &&
        (query.building === undefined || r.building === query.building),
    );
  }

  /**
   * A watch channel. Google channels cannot be extended or read back, so the subscription id carries what a renewal
   * needs to open the channel again: channel id, resource id, calendar and address (base64url JSON). The channel token
   * (our client state) is not in it: the caller keeps only its hash.
   */
  async createSubscription(params: SubscriptionParams): Promise<SubscriptionInfo> {
    // A fresh id on every watch: Google never accepts a channel id twice within a project.
    const id = `cb-${randomUUID().replace(/-/g, '')}`;
    const ch = await this.client.call('watch', (o) =>
      this.api.events.watch(
        {
          calendarId: params.calendarId,
          requestBody: {
            id,
            type: 'web_hook',
            address: params.notificationUrl,
            token: params.clientState,
            expiration: String(Date.parse(params.expiresAt)),
          },
        },
        o,
      ),
    );
    const ref: ChannelRef = {
      c: ch.id ?? id,
      r: ch.resourceId ?? '',
      cal: params.calendarId,
      a: params.notificationUrl,
    };
    return {
      id: Buffer.from(JSON.stringify(ref)).toString('base64url'),
      expiresAt: new Date(Number(ch.expiration)).toISOString(),
    };
  }

  /**
   * Google channels cannot be extended: the channel is stopped and a new one opened for the same calendar and address,
   * under a new channel id (Google refuses an id used before, also after channels.stop: 400 channelIdNotUnique) and a
   * new token (the old one is not kept anywhere), returned once as `clientState` for the caller to hash. The returned
   * subscription id differs from the old one.
   */
  async renewSubscription(id: string, expiresAt: Instant): Promise<SubscriptionInfo> {
    const ref = this.splitId(id);
    await this.deleteSubscription(id);
    const clientState = randomBytes(24).toString('base64url');
    const info = await this.createSubscription({ calendarId: ref.cal, notificationUrl: ref.a, clientState, expiresAt });
    return { ...info, clientState };
  }

  async deleteSubscription(id: string): Promise<void> {
    const ref = this.splitId(id);
    await this.client.call('stop', (o) => this.api.channels.stop({ requestBody: { id: ref.c, resourceId: ref.r } }, o));
  }

  private splitId(id: string): ChannelRef {
    try {
      const ref = JSON.parse(Buffer.from(id, 'base64url').toString('utf8')) as ChannelRef;
      if (typeof ref.c === 'string' && typeof ref.r === 'string') return ref;
    } catch {
      /* not ours */
    }
    throw new AppError('not_found', 'Not a Google channel id issued by calbridge.');
  }
}
