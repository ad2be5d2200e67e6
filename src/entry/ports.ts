// `calbridge/ports`: the provider port and the calendar shapes it speaks, in calbridge's own terms (no vendor types).
// A host that has its own calendar port adapts to this one (see examples/booking-platform).
export type * from '../ports/calendar-provider.js';
export type * from '../domain/calendar.js';
export type {
  Availability,
  FreeBusyResult,
  MeetingTimeConstraint,
  MeetingTimeSuggestion,
  MeetingTimeSuggestions,
  ScheduleAvailability,
} from '../domain/scheduling/types.js';
export type { OAuthAccount, OAuthClient, OAuthTokens, TokenCacheStore, ConsentScope } from '../ports/connections.js';
export type { TokenSecret, TokenVault } from '../ports/stores.js';
export type { Clock } from '../ports/clock.js';
export { AppError, ERROR_CODES, isAppError, type ErrorCode, type ErrorKind } from '../domain/errors.js';
