// The CalendarProvider port re-exports the scheduling shapes: a provider's free/busy answer feeds the engine as is.
import { describe, expect, it } from 'vitest';
import type * as Port from '../../ports/calendar-provider.js';
import { suggestMeetingTimes } from './suggest.js';

describe('scheduling types', () => {
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
