// Tests for the scheduling mappings: getSchedule errors and bodies, findMeetingTimes requests, working hours, rooms, subscriptions.
import { describe, expect, it } from 'vitest';
import {
  freeBusyParamsToGraph,
  graphCalendarToInfo,
  graphMeetingTimesToDomain,
  graphRoomToInfo,
  graphScheduleToAvailability,
  graphSubscriptionToInfo,
  graphWorkingHoursToDomain,
  meetingTimeConstraintToGraph,
  subscriptionParamsToGraph,
  workingHoursToGraph,
} from './mapping-scheduling.js';
import { isAppError } from '../../domain/errors.js';

describe('getSchedule', () => {
  it('builds the request with UTC wall times and the interval', () => {
    expect(
      freeBusyParamsToGraph({
        schedules: ['a@x.com'],
        start: '2026-03-09T08:00:00.000Z',
        end: '2026-03-09T18:00:00.000Z',
        intervalMinutes: 15,
      }),
    ).toEqual({
      schedules: ['a@x.com'],
      startTime: { dateTime: '2026-03-09T08:00:00', timeZone: 'UTC' },
      endTime: { dateTime: '2026-03-09T18:00:00', timeZone: 'UTC' },
      availabilityViewInterval: 15,
    });
  });

  it('turns a schedule error into unknown with a reason, never free', () => {
    expect(
      graphScheduleToAvailability({
        scheduleId: 'Ext@Fabrikam.com',
        availabilityView: '',
        error: { responseCode: 'ErrorMailRecipientNotFound', message: 'Unable to resolve e-mail address' },
      }),
    ).toEqual({
      email: 'ext@fabrikam.com',
      status: 'unknown',
      reason: 'not_found',
      message: 'Unable to resolve e-mail address',
    });
    const denied = graphScheduleToAvailability({
      scheduleId: 'b@x.com',
      error: { responseCode: 'ErrorFreeBusyAccessDenied', message: 'no' },
    });
    expect(denied).toMatchObject({ status: 'unknown', reason: 'permission_denied' });
  });

  it('keeps busy-like items and drops free ones', () => {
    const a = graphScheduleToAvailability({
      scheduleId: 'a@x.com',
      availabilityView: '0230',
      scheduleItems: [
        {
          status: 'free',
          start: { dateTime: '2026-03-09T08:00:00', timeZone: 'UTC' },
          end: { dateTime: '2026-03-09T09:00:00', timeZone: 'UTC' },
        },
        {
          status: 'oof',
          start: { dateTime: '2026-03-09T09:00:00', timeZone: 'UTC' },
          end: { dateTime: '2026-03-09T10:00:00', timeZone: 'UTC' },
        },
      ],
    });
    expect(a).toEqual({
      email: 'a@x.com',
      status: 'ok',
      items: [{ start: '2026-03-09T09:00:00.000Z', end: '2026-03-09T10:00:00.000Z', status: 'oof' }],
      workingHours: null,
      availabilityView: '0230',
    });
  });
});

describe('findMeetingTimes', () => {
  it('builds the request: attendees, window in the organizer zone, duration, rooms', () => {
    expect(
      meetingTimeConstraintToGraph({
        attendees: [{ email: 'alex@x.com', type: 'required' }],
        rooms: ['hood@x.com'],
        window: { start: '2026-04-16T16:00:00.000Z', end: '2026-04-18T00:00:00.000Z' },
        durationMinutes: 90,
        maxCandidates: 5,
        minimumAttendeePercentage: 100,
        timeZone: 'America/Los_Angeles',
      }),
    ).toEqual({
      attendees: [{ type: 'required', emailAddress: { address: 'alex@x.com' } }],
      timeConstraint: {
        activityDomain: 'work',
        timeSlots: [
          {
            start: { dateTime: '2026-04-16T09:00:00', timeZone: 'Pacific Standard Time' },
            end: { dateTime: '2026-04-17T17:00:00', timeZone: 'Pacific Standard Time' },
          },
        ],
      },
      meetingDuration: 'PT1H30M',
      returnSuggestionReasons: true,
      isOrganizerOptional: false,
      maxCandidates: 5,
      minimumAttendeePercentage: 100,
      locationConstraint: {
        isRequired: true,
        suggestLocation: false,
        locations: [{ locationEmailAddress: 'hood@x.com', displayName: 'hood@x.com', resolveAvailability: true }],
      },
    });
  });

  it('rejects a non-positive duration', () => {
    let error: unknown;
    try {
      meetingTimeConstraintToGraph({ attendees: [], window: { start: 'a', end: 'b' }, durationMinutes: 0 });
    } catch (e) {
      error = e;
    }
    expect(isAppError(error, 'validation_failed')).toBe(true);
  });

  it('maps rooms of suggestions and normalises the empty reason', () => {
    const mapped = graphMeetingTimesToDomain({
      meetingTimeSuggestions: [
        {
          order: 1,
          confidence: 50,
          organizerAvailability: 'busy',
          meetingTimeSlot: {
            start: { dateTime: '2026-04-16T16:00:00', timeZone: 'UTC' },
            end: { dateTime: '2026-04-16T17:00:00', timeZone: 'UTC' },
          },
          locations: [{ displayName: 'Hood', locationEmailAddress: 'Hood@x.com' }],
        },
      ],
    });
    expect(mapped.suggestions[0]).toMatchObject({
      rooms: ['hood@x.com'],
      confidence: 50,
      organizerAvailability: 'busy',
      attendeeAvailability: [],
    });
    expect(
      graphMeetingTimesToDomain({ meetingTimeSuggestions: [], emptySuggestionsReason: 'AttendeesUnavailable' })
        .emptySuggestionsReason,
    ).toBe('attendeesUnavailable');
    expect(graphMeetingTimesToDomain({}).emptySuggestionsReason).toBe('unknown');
  });
});

describe('working hours, calendars, rooms, subscriptions', () => {
  it('round-trips working hours through the Graph shape', () => {
    const wh = {
      daysOfWeek: ['monday', 'friday'] as ('monday' | 'friday')[],
      startTime: '08:30:00',
      endTime: '17:00:00',
      timeZone: 'Europe/Berlin',
    };
    const graph = workingHoursToGraph(wh);
    expect(graph).toEqual({
      daysOfWeek: ['monday', 'friday'],
      startTime: '08:30:00.0000000',
      endTime: '17:00:00.0000000',
      timeZone: { name: 'W. Europe Standard Time' },
    });
    expect(graphWorkingHoursToDomain(graph)).toEqual(wh);
  });

  it('tells own calendars from shared ones and drops unknown meeting providers', () => {
    const cal = {
      id: 'c1',
      name: 'Team',
      owner: { address: 'Boss@x.com', name: 'Boss' },
      canEdit: false,
      allowedOnlineMeetingProviders: ['unknown', 'teamsForBusiness'] as ('unknown' | 'teamsForBusiness')[],
      defaultOnlineMeetingProvider: 'unknown' as const,
    };
    expect(graphCalendarToInfo(cal, { mailboxEmail: 'me@x.com' })).toEqual({
      id: 'c1',
      name: 'Team',
      ownerEmail: 'boss@x.com',
      isDefault: false,
      isShared: true,
      canEdit: false,
      allowedOnlineMeetingProviders: ['teamsForBusiness'],
      defaultOnlineMeetingProvider: null,
    });
    expect(graphCalendarToInfo(cal, { mailboxEmail: 'BOSS@x.com' }).isShared).toBe(false);
  });

  it('uses the floor number when there is no floor label', () => {
    expect(graphRoomToInfo({ emailAddress: 'R@x.com', displayName: 'R', floorNumber: 0, capacity: 4 })).toMatchObject({
      floor: '0',
      capacity: 4,
      roomList: null,
    });
  });

  it('builds the subscription body and rejects an unreadable answer', () => {
    expect(
      subscriptionParamsToGraph({
        calendarId: 'AAMkAGI2TGuLAAA=',
        notificationUrl: 'https://app.example/hooks',
        lifecycleNotificationUrl: 'https://app.example/life',
        clientState: 's3cret',
        expiresAt: '2026-03-10T00:00:00Z',
      }),
    ).toEqual({
      changeType: 'created,updated,deleted',
      notificationUrl: 'https://app.example/hooks',
      lifecycleNotificationUrl: 'https://app.example/life',
      resource: '/me/calendars/AAMkAGI2TGuLAAA=/events',
      expirationDateTime: '2026-03-10T00:00:00.000Z',
      clientState: 's3cret',
    });
    let error: unknown;
    try {
      graphSubscriptionToInfo({ id: 's', expirationDateTime: 'never' });
    } catch (e) {
      error = e;
    }
    expect(isAppError(error, 'provider_error')).toBe(true);
  });
});
