// Keeps the scheduling domain types and the CalendarProvider port's types interchangeable (checked by tsc).
import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as Port from '../../ports/calendar-provider.js';
import { suggestMeetingTimes } from './suggest.js';
import type * as Domain from './types.js';

describe('scheduling types', () => {
  it('match the port types exactly', () => {
    expectTypeOf<Port.ScheduleAvailability>().toEqualTypeOf<Domain.ScheduleAvailability>();
    expectTypeOf<Port.FreeBusyResult>().toEqualTypeOf<Domain.FreeBusyResult>();
    expectTypeOf<Port.MeetingTimeConstraint>().toEqualTypeOf<Domain.MeetingTimeConstraint>();
    expectTypeOf<Port.MeetingTimeSuggestion>().toEqualTypeOf<Domain.MeetingTimeSuggestion>();
    expectTypeOf<Port.MeetingTimeSuggestions>().toEqualTypeOf<Domain.MeetingTimeSuggestions>();
  });

  it('lets a provider answer feed the engine directly', () => {
    const window = { start: '2026-05-04T13:00:00Z', end: '2026-05-04T14:00:00Z' };
    const fromPort: Port.FreeBusyResult = {
      range: window,
      intervalMinutes: 30,
      schedules: [{ email: 'o@x.example', status: 'ok', items: [], workingHours: null, availabilityView: '00' }],
    };
    const constraint: Port.MeetingTimeConstraint = {
      attendees: [],
      window,
      durationMinutes: 60,
      activityDomain: 'unrestricted',
    };
    const result: Port.MeetingTimeSuggestions = suggestMeetingTimes(constraint, fromPort, {
      email: 'o@x.example',
      workingHours: null,
    });
    expect(result.suggestions.map((s) => s.start)).toEqual(['2026-05-04T13:00:00.000Z']);
  });
});
