// MicrosoftCalendarAdapter: the CalendarProvider port over Microsoft Graph v1.0 for one connected mailbox.
// Translation lives in mapping*.ts; transport behaviour (retry, limits) wraps the client; this file only orchestrates.
import { randomUUID } from 'node:crypto';
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import type { CalendarEvent, EventDraft, Instant, OnlineMeetingProvider, WorkingHours } from '../../domain/calendar.js';
import { AppError, isAppError } from '../../domain/errors.js';
import type {
  CalendarInfo,
  CalendarProvider,
  ChangePage,
  CreateEventParams,
  EventChange,
  EventPage,
  FreeBusyParams,
  FreeBusyResult,
  DirectoryEntry,
  ListEventsParams,
  MeetingTimeConstraint,
  MeetingTimeSuggestions,
  PeopleSearchParams,
  ProviderCapabilities,
  RoomInfo,
  RespondToEventParams,
  RoomQuery,
  SubscriptionInfo,
  SubscriptionParams,
  SyncChangesParams,
  UpdateEventParams,
} from '../../ports/calendar-provider.js';
import { missingSeriesMasterIds } from '../series-masters.js';
import { checkPart, type GraphClient } from './client.js';
import {
  CALBRIDGE_PROPERTY_ID,
  changeKeyToEtag,
  changesToGraphPatch,
  draftToGraphEvent,
  graphCalendarToInfo,
  graphEventToCalendarEvent,
  graphMeetingTimesToDomain,
  graphRoomToInfo,
  graphSubscriptionToInfo,
  graphWorkingHoursToDomain,
  mapDeltaPage,
  meetingTimeConstraintToGraph,
  subscriptionParamsToGraph,
  type GraphDeltaPage,
} from './mapping.js';
import { graphSearchPeople } from './people.js';
import { getFreeBusy } from './schedule.js';
import { resolveTimeZone } from './timezones.js';
import { findJoinBlock, withJoinBlock } from './teams-block.js';

export interface MicrosoftAdapterOptions {
  /** The connected mailbox's address (tells own calendars from shared ones). */
  mailbox: string;
  /** Place.Read.All is part of the deployment (admin consent); otherwise listRooms is refused. */
  roomsEnabled: boolean;
  /** Page size asked of delta rounds. */
  deltaPageSize?: number;
}

const EXPAND_EXTERNAL = `$expand=${encodeURIComponent(`singleValueExtendedProperties($filter=id eq '${CALBRIDGE_PROPERTY_ID}')`)}`;
const CAL_SELECT =
  '$select=id,name,owner,isDefaultCalendar,canEdit,allowedOnlineMeetingProviders,defaultOnlineMeetingProvider';
const enc = encodeURIComponent;

/**
 * Graph refuses an Outlook event subscription expiring more than 10,070 minutes ahead (400 ExtensionError
 * "Subscription expiration can only be 10070 minutes in the future."; the documentation says 10,080). Requests are kept
 * under it with a margin for clock skew between this server and Graph.
 */
export const GRAPH_MAX_SUBSCRIPTION_MINUTES = 10_070;
const SUBSCRIPTION_SKEW_MINUTES = 15;

/** `expiresAt`, or the latest expiry Graph accepts when it asks for more. */
function withinGraphMaximum(expiresAt: Instant): string {
  const latest = Date.now() + (GRAPH_MAX_SUBSCRIPTION_MINUTES - SUBSCRIPTION_SKEW_MINUTES) * 60_000;
  return new Date(Math.min(new Date(expiresAt).getTime(), latest)).toISOString();
}

interface Collection<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

export class MicrosoftCalendarAdapter implements CalendarProvider {
  readonly type = 'MICROSOFT' as const;
  readonly capabilities: ProviderCapabilities;

  constructor(
    private readonly graph: GraphClient,
    private readonly opts: MicrosoftAdapterOptions,
  ) {
    this.capabilities = {
      findMeetingTimes: true,
      rooms: opts.roomsEnabled,
      subscriptions: true,
      subscriptionReauthorization: true,
      workingHoursSource: 'provider',
      onlineMeetingProvider: 'teamsForBusiness',
    };
  }

  private calendarPath(calendarId?: string): string {
    return calendarId ? `/me/calendars/${enc(calendarId)}` : '/me/calendar';
  }

  /**
   * An event addressed through the calendar it lives in: `/me/calendars/{id}/events/{id}` reaches events of calendars
   * shared with the mailbox too (where `/me/events/{id}` answers 404); `/me/events/{id}` without a calendar.
   */
  private eventPath(eventId: string, calendarId?: string): string {
    return calendarId ? `/me/calendars/${enc(calendarId)}/events/${enc(eventId)}` : `/me/events/${enc(eventId)}`;
  }

  /**
   * Graph answers 404 both for an event deleted before and for one it cannot reach (a calendar no longer shared or
   * gone). A 404 on a write is `not_found` (confirmed gone) only when the calendar itself can still be read;
   * otherwise `event_unreachable`: nothing was changed.
   */
  private async confirmGone(e: unknown, eventId: string, calendarId: string | undefined): Promise<never> {
    if (!isAppError(e, 'not_found') || !calendarId) throw e;
    const reachable = await this.graph
      .call({ method: 'GET', path: `${this.calendarPath(calendarId)}?$select=id` })
      .then(
        () => true,
        (err: unknown) => {
          if (isAppError(err, 'not_found') || isAppError(err, 'permission_denied')) return false;
          throw err;
        },
      );
    if (reachable) throw e;
    throw new AppError('event_unreachable', undefined, {
      details: { provider: 'microsoft', eventId, calendarId, reason: 'calendar_unreachable' },
      cause: e,
    });
  }

  private toEvent(ev: MicrosoftGraph.Event, calendarId?: string | null): CalendarEvent {
    return graphEventToCalendarEvent(ev, { calendarId: calendarId ?? null });
  }

  async listCalendars(): Promise<CalendarInfo[]> {
    const out: CalendarInfo[] = [];
    let next: string | null = `/me/calendars?${CAL_SELECT}&$top=100`;
    while (next) {
      const page: Collection<MicrosoftGraph.Calendar> = await this.graph.call({ method: 'GET', path: next });
      out.push(...(page.value ?? []).map((c) => graphCalendarToInfo(c, { mailboxEmail: this.opts.mailbox })));
      next = page['@odata.nextLink'] ?? null;
    }
    return out;
  }

  /** Refuses an online meeting the calendar cannot host (Graph would silently create none). */
  private async requireTeams(calendarId: string | undefined): Promise<void> {
    const cal = await this.graph.call<MicrosoftGraph.Calendar>({
      method: 'GET',
      path: `${this.calendarPath(calendarId)}?${CAL_SELECT}`,
    });
    const allowed: OnlineMeetingProvider[] = graphCalendarToInfo(cal, {
      mailboxEmail: this.opts.mailbox,
    }).allowedOnlineMeetingProviders;
    if (!allowed.includes('teamsForBusiness')) {
      throw new AppError(
        'online_meeting_unavailable',
        'This calendar cannot host Teams meetings (allowedOnlineMeetingProviders has no teamsForBusiness).',
        {
          details: { allowedOnlineMeetingProviders: allowed },
        },
      );
    }
  }

  async createEvent(params: CreateEventParams): Promise<CalendarEvent> {
    if (params.event.onlineMeeting === true) await this.requireTeams(params.calendarId);
    // A transactionId on every create makes a retried POST (after a 504 or a reset) return the first event.
    const transactionId = params.transactionId ?? randomUUID();
    const body = draftToGraphEvent(params.event, { externalId: params.externalId, transactionId });
    const created = await this.graph.call<MicrosoftGraph.Event>({
      method: 'POST',
      path: `${this.calendarPath(params.calendarId)}/events?${EXPAND_EXTERNAL}`,
      body,
      idempotent: true,
    });
    const event = this.toEvent(created, params.calendarId);
    return params.externalId !== undefined && event.externalId === null
      ? { ...event, externalId: params.externalId }
      : event;
  }

  async getEvent(eventId: string, calendarId?: string): Promise<CalendarEvent> {
    return this.toEvent(
      await this.graph.call({ method: 'GET', path: `${this.eventPath(eventId, calendarId)}?${EXPAND_EXTERNAL}` }),
      calendarId,
    );
  }

  async updateEvent(params: UpdateEventParams): Promise<CalendarEvent> {
    try {
      return await this.patchEvent(params);
    } catch (e) {
      return this.confirmGone(e, params.eventId, params.calendarId);
    }
  }

  private async patchEvent(params: UpdateEventParams): Promise<CalendarEvent> {
    let patch = changesToGraphPatch(params.changes); // validates before any request
    const changes = await this.keepJoinBlock(params.eventId, params.changes, params.calendarId);
    if (changes !== params.changes) patch = changesToGraphPatch(changes);
    if (params.changes.onlineMeeting === true) {
      if (params.calendarId) await this.requireTeams(params.calendarId);
      else {
        const current = await this.graph.call<MicrosoftGraph.Event>({
          method: 'GET',
          path: `/me/events/${enc(params.eventId)}?$select=id,calendar&$expand=calendar($select=id)`,
        });
        await this.requireTeams((current as { calendar?: { id?: string } }).calendar?.id);
      }
    }
    const updated = await this.graph.call<MicrosoftGraph.Event>({
      method: 'PATCH',
      path: `${this.eventPath(params.eventId, params.calendarId)}?${EXPAND_EXTERNAL}`,
      body: patch,
      headers: params.ifMatch ? { 'If-Match': changeKeyToEtag(params.ifMatch) } : {},
      // Re-applying the same field values is harmless (with If-Match, a re-sent write that had landed reports conflict).
      idempotent: true,
    });
    return this.toEvent(updated, params.calendarId);
  }

  /**
   * A body change of an online meeting carries the meeting's join block over from the current body: Graph turns
   * the meeting off when a new body lacks it. One extra read per body change (the current body and meeting).
   */
  private async keepJoinBlock(
    eventId: string,
    changes: Partial<EventDraft>,
    calendarId: string | undefined,
  ): Promise<Partial<EventDraft>> {
    if (changes.body === undefined || changes.onlineMeeting === false) return changes;
    const current = await this.graph.call<MicrosoftGraph.Event>({
      method: 'GET',
      path: `${this.eventPath(eventId, calendarId)}?$select=id,body,isOnlineMeeting,onlineMeeting`,
    });
    const joinUrl = current.onlineMeeting?.joinUrl ?? null;
    if (!current.isOnlineMeeting || current.body?.contentType?.toLowerCase() !== 'html') return changes;
    const block = findJoinBlock(current.body.content ?? '', joinUrl);
    if (block === null) return changes;
    return { ...changes, body: withJoinBlock(changes.body, block, joinUrl) };
  }

  async deleteEvent(eventId: string, calendarId?: string): Promise<void> {
    try {
      await this.graph.call({ method: 'DELETE', path: this.eventPath(eventId, calendarId) });
    } catch (e) {
      await this.confirmGone(e, eventId, calendarId);
    }
  }

  /**
   * POST accept | tentativelyAccept | decline on the invitee's copy (an occurrence id answers that occurrence), with
   * `comment` and `sendResponse`. The event is read first (isOrganizer): the organizer's own meeting is refused before
   * any write, with `organizer_cannot_respond`.
   */
  async respondToEvent(params: RespondToEventParams): Promise<void> {
    const path = this.eventPath(params.eventId, params.calendarId);
    try {
      const current = await this.graph.call<MicrosoftGraph.Event>({
        method: 'GET',
        path: `${path}?$select=id,isOrganizer,isCancelled`,
      });
      if (current.isOrganizer)
        throw new AppError('organizer_cannot_respond', undefined, {
          details: { provider: 'microsoft', eventId: params.eventId },
        });
      const action = { accepted: 'accept', tentative: 'tentativelyAccept', declined: 'decline' }[params.response];
      await this.graph.call({
        method: 'POST',
        path: `${path}/${action}`,
        body: { ...(params.comment ? { comment: params.comment } : {}), sendResponse: params.sendResponse ?? true },
        // Answering twice with the same answer leaves the same state.
        idempotent: true,
      });
    } catch (e) {
      await this.confirmGone(e, params.eventId, params.calendarId);
    }
  }

  async listEvents(params: ListEventsParams): Promise<EventPage> {
    const path =
      params.pageToken ??
      `${this.calendarPath(params.calendarId)}/calendarView?startDateTime=${enc(params.start)}&endDateTime=${enc(params.end)}` +
        `&$top=${params.pageSize ?? 50}&$orderby=${enc('start/dateTime')}&${EXPAND_EXTERNAL}`;
    const page = await this.graph.call<Collection<MicrosoftGraph.Event>>({ method: 'GET', path });
    return {
      events: (page.value ?? []).map((e) => this.toEvent(e, params.calendarId)),
      nextPageToken: page['@odata.nextLink'] ?? null,
    };
  }

  async syncChanges(params: SyncChangesParams): Promise<ChangePage> {
    const path =
      params.cursor ??
      `${this.calendarPath(params.calendarId)}/calendarView/delta?startDateTime=${enc(params.window.start)}&endDateTime=${enc(params.window.end)}`;
    const page = await this.graph.call<GraphDeltaPage>({
      method: 'GET',
      path,
      headers: { Prefer: `odata.maxpagesize=${this.opts.deltaPageSize ?? 50}` },
    });
    const mapped = mapDeltaPage(page, { calendarId: params.calendarId });
    const changes = await this.withSeriesMasters(mapped.changes, params.calendarId, params.knownSeriesMasters);
    const cursor = mapped.deltaLink ?? mapped.nextLink;
    if (!cursor)
      throw new AppError('provider_error', 'The delta page carried neither a next nor a delta link.', {
        details: { reason: 'no_delta_link' },
      });
    return { changes, cursor, done: mapped.deltaLink !== null };
  }

  /**
   * Occurrences and exceptions whose series master is neither in the page nor among those the run already delivered
   * (`known`): the masters are read (batched) and prepended.
   */
  private async withSeriesMasters(
    changes: EventChange[],
    calendarId: string,
    known?: ReadonlySet<string>,
  ): Promise<EventChange[]> {
    const missing = missingSeriesMasterIds(changes, known);
    if (missing.length === 0) return changes;
    const responses = await this.graph.batch(
      missing.map((id) => ({ method: 'GET' as const, path: `/me/events/${enc(id)}?${EXPAND_EXTERNAL}` })),
    );
    const masters: EventChange[] = [];
    for (const res of responses) {
      if (res.status === 404) continue; // the series was deleted meanwhile: its removal comes in a later page
      masters.push({ kind: 'upsert', event: this.toEvent(checkPart<MicrosoftGraph.Event>(res), calendarId) });
    }
    return [...masters, ...changes];
  }

  async getFreeBusy(params: FreeBusyParams): Promise<FreeBusyResult> {
    return getFreeBusy(this.graph, params);
  }

  async getWorkingHours(): Promise<WorkingHours | null> {
    const wh = await this.graph.call<MicrosoftGraph.WorkingHours>({
      method: 'GET',
      path: '/me/mailboxSettings/workingHours',
    });
    return wh && wh.daysOfWeek ? graphWorkingHoursToDomain(wh) : null;
  }

  async getMailboxPreferences(): Promise<{ timeZone: string | null; timeFormat: '12h' | '24h' | null }> {
    const s = await this.graph.call<MicrosoftGraph.MailboxSettings>({
      method: 'GET',
      path: '/me/mailboxSettings?$select=timeZone,timeFormat',
    });
    const zone = s?.timeZone ? resolveTimeZone(s.timeZone, '') : null;
    // Outlook's time formats are .NET patterns: 'HH:mm' is the 24-hour clock, 'h:mm tt' the 12-hour one.
    const format = s?.timeFormat ? (/H/.test(s.timeFormat) ? '24h' : /h/.test(s.timeFormat) ? '12h' : null) : null;
    return { timeZone: zone?.iana || null, timeFormat: format };
  }

  async findMeetingTimes(params: MeetingTimeConstraint): Promise<MeetingTimeSuggestions> {
    const result = await this.graph.call<MicrosoftGraph.MeetingTimeSuggestionsResult>({
      method: 'POST',
      path: '/me/findMeetingTimes',
      body: meetingTimeConstraintToGraph(params),
      idempotent: true,
    });
    return graphMeetingTimesToDomain(result);
  }

  /** Directory people matching the query (Graph /users $search, User.ReadBasic.All); rooms the mailbox sees left out. */
  async searchPeople(params: PeopleSearchParams): Promise<DirectoryEntry[]> {
    return graphSearchPeople(this.graph, params, () => this.listRooms());
  }

  async listRooms(query: RoomQuery = {}): Promise<RoomInfo[]> {
    const consent =
      'Listing rooms needs the Place.Read.All permission, which an administrator of the organisation must consent to (GET /api/integrations/outlook/admin-consent-url).';
    if (!this.opts.roomsEnabled)
      throw new AppError(
        'permission_denied',
        'Room lookup is turned off on this server (MICROSOFT_ROOMS_ENABLED=false).',
      );
    const rooms: RoomInfo[] = [];
    let next: string | null = '/places/microsoft.graph.room?$top=100';
    while (next) {
      let page: Collection<MicrosoftGraph.Room>;
      try {
        page = await this.graph.call({ method: 'GET', path: next });
      } catch (e) {
        if (e instanceof AppError && e.code === 'permission_denied')
          throw new AppError('permission_denied', consent, {
            details: { ...e.details, missingScope: 'Place.Read.All' },
            cause: e,
          });
        throw e;
      }
      rooms.push(...(page.value ?? []).map((r) => graphRoomToInfo(r)));
      next = page['@odata.nextLink'] ?? null;
    }
    return rooms.filter(
      (r) =>
        (query.minCapacity === undefined || (r.capacity ?? 0) >= query.minCapacity) &&
        (query.building === undefined || r.building === query.building),
    );
  }

  async createSubscription(params: SubscriptionParams): Promise<SubscriptionInfo> {
    const sub = await this.graph.call<MicrosoftGraph.Subscription>({
      method: 'POST',
      path: '/subscriptions',
      body: subscriptionParamsToGraph({ ...params, expiresAt: withinGraphMaximum(params.expiresAt) }),
    });
    return graphSubscriptionToInfo(sub);
  }

  async renewSubscription(id: string, expiresAt: Instant): Promise<SubscriptionInfo> {
    const sub = await this.graph.call<MicrosoftGraph.Subscription>({
      method: 'PATCH',
      path: `/subscriptions/${enc(id)}`,
      body: { expirationDateTime: withinGraphMaximum(expiresAt) },
      idempotent: true,
    });
    return graphSubscriptionToInfo(sub);
  }

  /** POST /subscriptions/{id}/reauthorize (204): answers a `reauthorizationRequired` challenge; the expiry stays. */
  async reauthorizeSubscription(id: string): Promise<void> {
    await this.graph.call({ method: 'POST', path: `/subscriptions/${enc(id)}/reauthorize`, idempotent: true });
  }

  async deleteSubscription(id: string): Promise<void> {
    await this.graph.call({ method: 'DELETE', path: `/subscriptions/${enc(id)}` });
  }
}
