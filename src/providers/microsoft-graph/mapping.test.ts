// Tests for Graph event ↔ CalendarEvent / EventDraft mapping, delta pages, rooms, Teams and the calbridge extended property.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WINDOWS_TO_IANA_MAP } from 'windows-iana';
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import {
  CALBRIDGE_PROPERTY_ID,
  changeKeyToEtag,
  changesToGraphPatch,
  draftToGraphEvent,
  graphEventToCalendarEvent,
  mapDeltaPage,
  type MappingWarning,
} from './mapping.js';
import { isAppError, type ErrorCode } from '../../domain/errors.js';
import { windowsToIana } from './timezones.js';

function codeOf(fn: () => unknown): ErrorCode | null {
  try {
    fn();
  } catch (e) {
    return isAppError(e) ? e.code : null;
  }
  return null;
}

/** A full event as Graph returns it under Prefer: outlook.timezone="UTC". */
const utcEvent: MicrosoftGraph.Event & Record<string, unknown> = {
  '@odata.etag': 'W/"ck1=="',
  id: 'AAMk1',
  iCalUId: '0400000082',
  changeKey: 'ck1==',
  createdDateTime: '2026-03-01T10:00:00.1234567Z',
  lastModifiedDateTime: '2026-03-02T11:00:00Z',
  subject: 'Quarterly review',
  body: { contentType: 'html', content: '<p>Agenda</p>' },
  start: { dateTime: '2026-03-09T16:00:00.0000000', timeZone: 'UTC' },
  end: { dateTime: '2026-03-09T17:00:00.0000000', timeZone: 'UTC' },
  originalStartTimeZone: 'Pacific Standard Time',
  originalEndTimeZone: 'Pacific Standard Time',
  isAllDay: false,
  isCancelled: false,
  showAs: 'tentative',
  sensitivity: 'private',
  categories: ['Customer'],
  type: 'singleInstance',
  seriesMasterId: null,
  reminderMinutesBeforeStart: 10,
  isReminderOn: true,
  responseStatus: { response: 'tentativelyAccepted', time: '2026-03-02T11:00:00Z' },
  organizer: { emailAddress: { name: 'Dana Swope', address: 'DanaS@Contoso.com' } },
  attendees: [
    { type: 'required', status: { response: 'accepted' }, emailAddress: { name: 'Alex', address: 'Alex@contoso.com' } },
    { type: 'optional', status: { response: 'declined' }, emailAddress: { name: 'Sam', address: 'sam@fabrikam.com' } },
    {
      type: 'resource',
      status: { response: 'accepted' },
      emailAddress: { name: 'Conf Room Hood', address: 'Hood@contoso.com' },
    },
  ],
  location: { displayName: 'Conf Room Hood', locationType: 'conferenceRoom', locationEmailAddress: 'Hood@contoso.com' },
  locations: [
    { displayName: 'Conf Room Hood', locationType: 'conferenceRoom', locationEmailAddress: 'Hood@contoso.com' },
  ],
  isOnlineMeeting: true,
  onlineMeetingProvider: 'teamsForBusiness',
  onlineMeeting: { joinUrl: 'https://teams.microsoft.com/l/meetup-join/abc', conferenceId: '177513992' },
  singleValueExtendedProperties: [
    { id: 'String {19FAE4C8-7D27-43F4-BA57-BACE3E7F337F} Name calbridgeMeetingId', value: 'mtg_42' },
  ],
};

describe('graphEventToCalendarEvent', () => {
  it('maps every kept field of a full event', () => {
    expect(graphEventToCalendarEvent(utcEvent, { calendarId: 'cal-1' })).toEqual({
      id: 'AAMk1',
      calendarId: 'cal-1',
      iCalUId: '0400000082',
      changeKey: 'ck1==',
      subject: 'Quarterly review',
      body: { contentType: 'html', content: '<p>Agenda</p>' },
      start: '2026-03-09T16:00:00.000Z',
      end: '2026-03-09T17:00:00.000Z',
      timeZone: 'America/Los_Angeles',
      isAllDay: false,
      organizer: { email: 'danas@contoso.com', name: 'Dana Swope' },
      attendees: [
        { email: 'alex@contoso.com', name: 'Alex', type: 'required', response: 'accepted' },
        { email: 'sam@fabrikam.com', name: 'Sam', type: 'optional', response: 'declined' },
        { email: 'hood@contoso.com', name: 'Conf Room Hood', type: 'resource', response: 'accepted' },
      ],
      location: { displayName: 'Conf Room Hood', address: null, roomEmail: 'hood@contoso.com' },
      onlineMeeting: {
        provider: 'teamsForBusiness',
        joinUrl: 'https://teams.microsoft.com/l/meetup-join/abc',
        conferenceId: '177513992',
      },
      showAs: 'tentative',
      sensitivity: 'private',
      categories: ['Customer'],
      type: 'singleInstance',
      seriesMasterId: null,
      originalStart: null,
      recurrence: null,
      isCancelled: false,
      externalId: 'mtg_42',
      reminderMinutes: 10,
      responseStatus: 'tentative',
      createdAt: '2026-03-01T10:00:00.123Z',
      updatedAt: '2026-03-02T11:00:00.000Z',
    });
  });

  it('uses defaults for absent fields and the etag when changeKey is missing', () => {
    const ev = graphEventToCalendarEvent({
      id: 'x',
      start: { dateTime: '2026-03-09T16:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-03-09T17:00:00', timeZone: 'UTC' },
      '@odata.etag': 'W/"etag-ck"',
      isReminderOn: false,
      reminderMinutesBeforeStart: 15,
    } as MicrosoftGraph.Event);
    expect(ev).toMatchObject({
      changeKey: 'etag-ck',
      subject: '',
      body: { contentType: 'text', content: '' },
      timeZone: 'UTC',
      attendees: [],
      organizer: null,
      location: null,
      onlineMeeting: null,
      showAs: 'busy',
      type: 'singleInstance',
      reminderMinutes: null,
      responseStatus: 'none',
    });
    expect(changeKeyToEtag('etag-ck')).toBe('W/"etag-ck"');
  });

  it('finds the calendar id in an expanded calendar or in the calendar association link', () => {
    const times = {
      start: { dateTime: '2026-03-09T16:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-03-09T17:00:00', timeZone: 'UTC' },
    };
    expect(graphEventToCalendarEvent({ id: 'e', ...times, calendar: { id: 'cal-x' } }).calendarId).toBe('cal-x');
    const linked = {
      id: 'e',
      ...times,
      'calendar@odata.associationLink': "https://graph/v1.0/users('u')/calendars('AAMk%3D')/$ref",
    };
    expect(graphEventToCalendarEvent(linked as MicrosoftGraph.Event).calendarId).toBe('AAMk=');
    expect(graphEventToCalendarEvent({ id: 'e', ...times }).calendarId).toBeNull();
  });

  it('converts times from a non-UTC Prefer zone, DST-correctly', () => {
    const ev = graphEventToCalendarEvent({
      id: 'p',
      start: { dateTime: '2026-03-08T01:30:00.0000000', timeZone: 'Pacific Standard Time' },
      end: { dateTime: '2026-03-08T03:30:00.0000000', timeZone: 'Pacific Standard Time' },
    });
    expect(ev.start).toBe('2026-03-08T09:30:00.000Z'); // PST
    expect(ev.end).toBe('2026-03-08T10:30:00.000Z'); // PDT: the hour 02:00–03:00 does not exist
    expect(ev.timeZone).toBe('America/Los_Angeles');
  });

  it('keeps all-day events on their dates, in the domain convention', () => {
    const base = { id: 'a', isAllDay: true, originalStartTimeZone: 'W. Europe Standard Time' };
    const midnight = graphEventToCalendarEvent({
      ...base,
      start: { dateTime: '2026-12-24T00:00:00.0000000', timeZone: 'UTC' },
      end: { dateTime: '2026-12-26T00:00:00.0000000', timeZone: 'UTC' },
    });
    expect([midnight.start, midnight.end, midnight.isAllDay]).toEqual([
      '2026-12-24T00:00:00.000Z',
      '2026-12-26T00:00:00.000Z',
      true,
    ]);
    // Some mailboxes return the all-day span shifted to the reader's zone: the event's own zone gives back the dates.
    const shifted = graphEventToCalendarEvent({
      ...base,
      start: { dateTime: '2026-12-23T23:00:00.0000000', timeZone: 'UTC' },
      end: { dateTime: '2026-12-25T23:00:00.0000000', timeZone: 'UTC' },
    });
    expect([shifted.start, shifted.end]).toEqual(['2026-12-24T00:00:00.000Z', '2026-12-26T00:00:00.000Z']);
  });

  it('keeps the date of an all-day occurrence original start (Graph sends local midnight as UTC)', () => {
    const ev = graphEventToCalendarEvent({
      id: 'o',
      isAllDay: true,
      type: 'occurrence',
      originalStartTimeZone: 'Pacific Standard Time',
      originalStart: '2018-06-05T07:00:00Z',
      start: { dateTime: '2018-06-05T00:00:00.0000000', timeZone: 'UTC' },
      end: { dateTime: '2018-06-06T00:00:00.0000000', timeZone: 'UTC' },
    });
    expect([ev.start, ev.end, ev.originalStart]).toEqual([
      '2018-06-05T00:00:00.000Z',
      '2018-06-06T00:00:00.000Z',
      '2018-06-05T00:00:00.000Z',
    ]);
  });

  it('maps a series master recurrence in the recurrence zone', () => {
    const ev = graphEventToCalendarEvent({
      id: 'm',
      type: 'seriesMaster',
      originalStartTimeZone: 'Pacific Standard Time',
      start: { dateTime: '2026-01-05T17:00:00.0000000', timeZone: 'UTC' },
      end: { dateTime: '2026-01-05T17:30:00.0000000', timeZone: 'UTC' },
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday', 'wednesday'], firstDayOfWeek: 'sunday' },
        range: {
          type: 'endDate',
          startDate: '2026-01-05',
          endDate: '2026-12-31',
          recurrenceTimeZone: 'Pacific Standard Time',
        },
      },
    });
    expect(ev.recurrence).toEqual({
      rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;WKST=SU;UNTIL=20261231',
      timeZone: 'America/Los_Angeles',
      startLocal: '2026-01-05T09:00:00',
      exDates: [],
    });
  });

  it('maps occurrences with their series and original start', () => {
    const ev = graphEventToCalendarEvent({
      id: 'o',
      type: 'exception',
      seriesMasterId: 'm',
      originalStart: '2026-01-07T17:00:00Z',
      start: { dateTime: '2026-01-08T17:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-01-08T17:30:00', timeZone: 'UTC' },
    });
    expect(ev).toMatchObject({ type: 'exception', seriesMasterId: 'm', originalStart: '2026-01-07T17:00:00.000Z' });
  });

  it('reports time-zone guesses and falls back for custom zones', () => {
    const warnings: MappingWarning[] = [];
    const ev = graphEventToCalendarEvent(
      {
        id: 'c',
        originalStartTimeZone: 'tzone://Microsoft/Custom',
        start: { dateTime: '2026-03-09T16:00:00', timeZone: 'UTC' },
        end: { dateTime: '2026-03-09T17:00:00', timeZone: 'UTC' },
      },
      { fallbackTimeZone: 'Europe/Berlin', onWarning: (w) => warnings.push(w) },
    );
    expect(ev.timeZone).toBe('Europe/Berlin');
    expect(ev.start).toBe('2026-03-09T16:00:00.000Z');
    expect(warnings).toEqual([
      {
        kind: 'time_zone_fallback',
        field: 'originalStartTimeZone',
        input: 'tzone://Microsoft/Custom',
        resolved: 'Europe/Berlin',
        eventId: 'c',
      },
    ]);
  });

  it('rejects an event without id or times as provider_error', () => {
    expect(codeOf(() => graphEventToCalendarEvent({ subject: 'x' }))).toBe('provider_error');
    expect(
      codeOf(() => graphEventToCalendarEvent({ id: 'x', start: { dateTime: '2026-01-01T00:00:00', timeZone: 'UTC' } })),
    ).toBe('provider_error');
  });

  it('recognises a Teams meeting by its join URL when the provider says unknown', () => {
    const ev = graphEventToCalendarEvent({
      ...utcEvent,
      onlineMeetingProvider: 'unknown',
      onlineMeeting: { joinUrl: 'https://teams.microsoft.com/l/meetup-join/x' },
    });
    expect(ev.onlineMeeting).toEqual({
      provider: 'teamsForBusiness',
      joinUrl: 'https://teams.microsoft.com/l/meetup-join/x',
      conferenceId: null,
    });
  });
});

describe('mapDeltaPage', () => {
  it('turns @removed items into removals and keeps the links', () => {
    const page = mapDeltaPage({
      '@odata.deltaLink': 'https://graph/delta?$deltatoken=t',
      value: [
        { id: 'gone', '@removed': { reason: 'deleted' } },
        { ...utcEvent, id: 'kept' },
      ],
    });
    expect(page.deltaLink).toBe('https://graph/delta?$deltatoken=t');
    expect(page.nextLink).toBeNull();
    expect(page.changes[0]).toEqual({ kind: 'removed', eventId: 'gone' });
    expect(page.changes[1]?.kind).toBe('upsert');
  });
});

describe('draftToGraphEvent', () => {
  const draft = {
    subject: 'Customer call',
    body: { contentType: 'text' as const, content: 'Hi' },
    start: '2026-07-01T16:00:00.000Z',
    end: '2026-07-01T16:30:00.000Z',
    timeZone: 'America/Los_Angeles',
    attendees: [{ email: 'alex@contoso.com', name: 'Alex', type: 'required' as const }],
    location: { displayName: 'Conf Room Hood', address: null, roomEmail: 'hood@contoso.com' },
    onlineMeeting: true,
    showAs: 'busy' as const,
    sensitivity: 'normal' as const,
    categories: ['Customer'],
    reminderMinutes: 5,
    recurrence: {
      rrule: 'FREQ=WEEKLY;BYDAY=WE;COUNT=4',
      timeZone: 'America/Los_Angeles',
      startLocal: 'ignored',
      exDates: [],
    },
  };

  it('builds the POST body with zone, room, Teams, recurrence, our id and the transaction id', () => {
    expect(draftToGraphEvent(draft, { externalId: 'mtg_1', transactionId: 'tx-1' })).toEqual({
      subject: 'Customer call',
      body: { contentType: 'text', content: 'Hi' },
      start: { dateTime: '2026-07-01T09:00:00', timeZone: 'Pacific Standard Time' },
      end: { dateTime: '2026-07-01T09:30:00', timeZone: 'Pacific Standard Time' },
      location: {
        displayName: 'Conf Room Hood',
        locationType: 'conferenceRoom',
        locationEmailAddress: 'hood@contoso.com',
        uniqueId: 'hood@contoso.com',
        uniqueIdType: 'directory',
      },
      locations: [
        {
          displayName: 'Conf Room Hood',
          locationType: 'conferenceRoom',
          locationEmailAddress: 'hood@contoso.com',
          uniqueId: 'hood@contoso.com',
          uniqueIdType: 'directory',
        },
      ],
      attendees: [
        { type: 'required', emailAddress: { address: 'alex@contoso.com', name: 'Alex' } },
        { type: 'resource', emailAddress: { address: 'hood@contoso.com', name: 'Conf Room Hood' } },
      ],
      isOnlineMeeting: true,
      onlineMeetingProvider: 'teamsForBusiness',
      showAs: 'busy',
      sensitivity: 'normal',
      categories: ['Customer'],
      isReminderOn: true,
      reminderMinutesBeforeStart: 5,
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['wednesday'], firstDayOfWeek: 'monday' },
        range: {
          type: 'numbered',
          startDate: '2026-07-01',
          numberOfOccurrences: 4,
          recurrenceTimeZone: 'Pacific Standard Time',
        },
      },
      singleValueExtendedProperties: [{ id: CALBRIDGE_PROPERTY_ID, value: 'mtg_1' }],
      transactionId: 'tx-1',
    });
  });

  it('writes a one-off event in the repeated DST hour in UTC so the instant stays exact', () => {
    // 08:30Z and 09:30Z on 2026-11-01 are both 01:30 in Los Angeles.
    const first = {
      subject: 's',
      start: '2026-11-01T08:30:00.000Z',
      end: '2026-11-01T10:00:00.000Z',
      timeZone: 'America/Los_Angeles',
    };
    expect(draftToGraphEvent(first)).toMatchObject({
      start: { dateTime: '2026-11-01T08:30:00', timeZone: 'UTC' },
      end: { dateTime: '2026-11-01T10:00:00', timeZone: 'UTC' },
    });
    const second = { ...first, start: '2026-11-01T09:30:00.000Z' };
    expect(draftToGraphEvent(second)).toMatchObject({
      start: { dateTime: '2026-11-01T01:30:00', timeZone: 'Pacific Standard Time' },
    });
  });

  it('writes all-day events as midnight dates in the event zone', () => {
    const body = draftToGraphEvent({
      subject: 'Offsite',
      start: '2026-12-24T00:00:00.000Z',
      end: '2026-12-26T00:00:00.000Z',
      isAllDay: true,
      timeZone: 'Europe/Berlin',
    });
    expect(body).toMatchObject({
      isAllDay: true,
      start: { dateTime: '2026-12-24T00:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2026-12-26T00:00:00', timeZone: 'W. Europe Standard Time' },
    });
    expect(body).not.toHaveProperty('isOnlineMeeting');
  });

  it('round-trips through the read mapping', () => {
    const body = draftToGraphEvent(draft, { externalId: 'mtg_1' });
    const read = graphEventToCalendarEvent({
      ...body,
      id: 'new',
      originalStartTimeZone: body.start?.timeZone ?? null,
      onlineMeeting: { joinUrl: 'https://teams.microsoft.com/l/meetup-join/z' },
    });
    expect(read).toMatchObject({
      subject: draft.subject,
      start: draft.start,
      end: draft.end,
      timeZone: draft.timeZone,
      location: draft.location,
      externalId: 'mtg_1',
      reminderMinutes: 5,
      categories: ['Customer'],
      recurrence: {
        rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=WE;WKST=MO;COUNT=4',
        timeZone: 'America/Los_Angeles',
        startLocal: '2026-07-01T09:00:00',
      },
    });
    expect(read.attendees.map((a) => [a.email, a.type])).toEqual([
      ['alex@contoso.com', 'required'],
      ['hood@contoso.com', 'resource'],
    ]);
  });

  it('rejects bad drafts with validation_failed', () => {
    expect(codeOf(() => draftToGraphEvent({ ...draft, timeZone: 'Nowhere/Else' }))).toBe('validation_failed');
    expect(codeOf(() => draftToGraphEvent({ ...draft, end: draft.start }))).toBe('validation_failed');
    expect(codeOf(() => draftToGraphEvent({ ...draft, isAllDay: true }))).toBe('validation_failed');
    expect(
      codeOf(() => draftToGraphEvent({ ...draft, recurrence: { ...draft.recurrence, rrule: 'FREQ=MINUTELY' } })),
    ).toBe('unsatisfiable');
  });
});

describe('changesToGraphPatch', () => {
  it('sends only the changed fields and keeps the Teams meeting when the body changes', () => {
    expect(changesToGraphPatch({ body: { contentType: 'html', content: '<b>new</b>' } })).toEqual({
      body: { contentType: 'html', content: '<b>new</b>' },
    });
  });
  it('removes the Teams meeting only when asked', () => {
    expect(changesToGraphPatch({ onlineMeeting: false })).toEqual({ isOnlineMeeting: false });
  });
  it('moves the event with both times in its zone, and clears a recurrence with null', () => {
    expect(
      changesToGraphPatch({
        start: '2026-01-15T08:00:00.000Z',
        end: '2026-01-15T09:00:00.000Z',
        timeZone: 'Europe/Berlin',
        recurrence: null,
      }),
    ).toEqual({
      start: { dateTime: '2026-01-15T09:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2026-01-15T10:00:00', timeZone: 'W. Europe Standard Time' },
      recurrence: null,
    });
  });
  it('rejects a lone start, and an empty change', () => {
    expect(codeOf(() => changesToGraphPatch({ start: '2026-01-15T08:00:00.000Z' }))).toBe('validation_failed');
    expect(codeOf(() => changesToGraphPatch({}))).toBe('validation_failed');
  });
  it('clears the reminder and the location', () => {
    expect(changesToGraphPatch({ reminderMinutes: null, location: null })).toEqual({
      isReminderOn: false,
      location: { displayName: '' },
      locations: [],
    });
  });
});

describe('draft → Graph → event keeps instants exactly (fast-check)', () => {
  const zones = [
    ...new Set(WINDOWS_TO_IANA_MAP.filter((e) => e.territory === '001').map((e) => windowsToIana(e.windowsName))),
  ].filter((z): z is string => z !== null);
  it('for any start, duration and Windows-mapped zone, including DST gaps and folds', () => {
    fc.assert(
      fc.property(
        fc.integer({
          min: Date.parse('2000-01-01T00:00:00Z') / 60_000,
          max: Date.parse('2040-01-01T00:00:00Z') / 60_000,
        }),
        fc.integer({ min: 1, max: 3 * 24 * 60 }),
        fc.constantFrom(...zones),
        (startMinute, minutes, zone) => {
          const start = new Date(startMinute * 60_000).toISOString();
          const end = new Date((startMinute + minutes) * 60_000).toISOString();
          const body = draftToGraphEvent({ subject: 's', start, end, timeZone: zone });
          const read = graphEventToCalendarEvent({
            ...body,
            id: 'x',
            originalStartTimeZone: body.start?.timeZone ?? null,
          });
          expect([read.start, read.end]).toEqual([start, end]);
          if (body.start?.timeZone !== 'UTC') expect(read.timeZone).toBe(zone);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
