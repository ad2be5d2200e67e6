// Scheduling input/output shapes owned by the domain. The CalendarProvider port (src/ports/calendar-provider.ts)
// imports and re-exports them, so providers answer in exactly the shapes the scheduling engine reads.
import type { BusyItem, TimeRange, WorkingHours } from '../calendar.js';

/** Availability of one person or room as read from a provider; `unknown` schedules are never treated as free. */
export type ScheduleAvailability =
  | {
      email: string;
      status: 'ok';
      items: BusyItem[];
      workingHours: WorkingHours | null;
      /** One digit per interval: 0 free, 1 tentative, 2 busy, 3 oof, 4 working elsewhere. */
      availabilityView: string;
    }
  | {
      email: string;
      status: 'unknown';
      /** Why the free/busy could not be read (e.g. `external`, `not_found`, `throttled`, `permission_denied`). */
      reason: string;
      message: string;
    };

export interface FreeBusyResult {
  range: TimeRange;
  intervalMinutes: number;
  schedules: ScheduleAvailability[];
}

/** The availability of one person in one period, in Graph's freeBusyStatus vocabulary. */
export type Availability = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';

export interface MeetingTimeConstraint {
  attendees: Array<{ email: string; type: 'required' | 'optional' }>;
  /** Candidate room mailboxes; any one free room satisfies the location constraint. */
  rooms?: string[];
  window: TimeRange;
  durationMinutes: number;
  maxCandidates?: number;
  /** 0–100; suggestions below it are dropped. */
  minimumAttendeePercentage?: number;
  isOrganizerOptional?: boolean;
  /** `work` keeps suggestions inside everyone's working hours. */
  activityDomain?: 'work' | 'personal' | 'unrestricted';
  /** Organizer time zone (IANA) for working-hours and output. */
  timeZone?: string;
}

export interface MeetingTimeSuggestion extends TimeRange {
  confidence: number;
  organizerAvailability: Availability;
  attendeeAvailability: Array<{ email: string; availability: Availability }>;
  rooms: string[];
  suggestionReason: string;
}

export interface MeetingTimeSuggestions {
  suggestions: MeetingTimeSuggestion[];
  /** Empty when there are suggestions; otherwise `attendeesUnavailable`, `attendeesUnavailableOrUnknown`,
   * `organizerUnavailable`, `locationsUnavailable` or `unknown`. */
  emptySuggestionsReason: string;
}
