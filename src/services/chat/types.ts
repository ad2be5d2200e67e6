// The chat command model: what a parsed natural-language command means, and the IntentParser port for parsers.
import type { TimeRange } from '../../domain/calendar.js';
import type { AccountMatch } from './fuzzy.js';
import type { RepeatSpec } from './repeat.js';
import type { WhenSpec } from './when.js';

export type { AccountMatch } from './fuzzy.js';
export type { WhenSpec } from './when.js';
export type { RepeatSpec } from './repeat.js';

/** What the parser knows about the user and their world. */
export interface ParseContext {
  /** The moment the user typed the command. */
  now: Date;
  /** The user's IANA time zone; all dates in the command are read on this wall clock. */
  timeZone: string;
  /** Accounts (customers) the user may name; matched fuzzily against `name` and `aliases`. */
  accounts: Array<{ id: string; name: string; aliases?: string[] }>;
  /** Meeting template names (default: QBR, kickoff, check-in). */
  templates?: string[];
}

/** Fields shared by the two meeting intents. */
interface MeetingRequest {
  /** The matched account's id; null when the command names no account. */
  accountId: string | null;
  /** The account's name as known to calbridge (for confirmation messages); null with `accountId`. */
  accountName: string | null;
  /** Other accounts that also matched, weaker than the chosen one (for "did you mean"). */
  alternatives: AccountMatch[];
  /** True when the user asked for an online (Teams) meeting. */
  teams: boolean;
  /** The template the user named, spelled as in the template list (e.g. `QBR`). */
  template?: string;
  /** Meeting length in minutes, when the user gave one ("for 30 minutes", "an hour"). */
  durationMinutes?: number;
  /** When, when the user said ("tomorrow at 3pm", "next Tuesday afternoon", "in two weeks"). */
  when?: WhenSpec;
  /** How it repeats, when the user said ("every Tuesday for 6 weeks", "daily for 10 days"): a series. */
  repeat?: RepeatSpec;
}

/**
 * "Schedule a Teams meeting with Acme tomorrow at 3pm": create a meeting proposal. The executor must get the
 * user's approval before anything is sent.
 */
export interface ScheduleMeetingCommand extends MeetingRequest {
  intent: 'schedule_meeting';
}

/** "Find time for a meeting with Acme next week": suggest times, create nothing. */
export interface FindTimeCommand extends MeetingRequest {
  intent: 'find_time';
}

/** "Show my Outlook calendar for this week". */
export interface ShowCalendarCommand {
  intent: 'show_calendar';
  /** The period to show; this week (Monday to Monday, user's zone) when the user named none. */
  range: TimeRange;
  /** The provider the user named, if any. */
  provider: 'outlook' | 'google' | null;
}

/** Which existing meeting the user means: the account, template and day they named ("my Acme QBR tomorrow"). */
interface MeetingTarget {
  /** The matched account's id; null when the command names no account. */
  accountId: string | null;
  accountName: string | null;
  alternatives: AccountMatch[];
  /** A template named as a kind of meeting ("the QBR"): the meeting's subject carries it. */
  template?: string;
  /** When the meeting is now ("tomorrow", "on Tuesday at 3pm"), when the user said. */
  when?: WhenSpec;
}

/** "Cancel my meeting with Acme tomorrow": a cancel proposal for that meeting, performed on approval. */
export interface CancelMeetingCommand extends MeetingTarget {
  intent: 'cancel_meeting';
}

/**
 * "Move my Acme meeting to Thursday 3pm", "reschedule the QBR with Contoso to next week": a reschedule proposal
 * (an exact new time) or times to choose from (a period, or none given).
 */
export interface RescheduleMeetingCommand extends MeetingTarget {
  intent: 'reschedule_meeting';
  /** The new time or period the user named ("to Thursday 3pm", "to next week"). */
  to?: WhenSpec;
  /** A new length, when the user gave one. */
  durationMinutes?: number;
}

/** Two or more accounts match the user's words equally well; ask which one. */
export interface AmbiguousCommand {
  intent: 'ambiguous';
  /** A question to show the user. */
  question: string;
  /** The equally good matches, best first. */
  choices: AccountMatch[];
  /** The command as understood, with `accountId` null; fill in the chosen account to continue. */
  pending: ScheduleMeetingCommand | FindTimeCommand | CancelMeetingCommand | RescheduleMeetingCommand;
}

/** The parser did not understand the command (or it named an account that does not exist). */
export interface UnknownCommand {
  intent: 'unknown';
  /** Why: `not_understood`, `account_not_found`, `empty` or `too_long`. */
  reason: 'not_understood' | 'account_not_found' | 'empty' | 'too_long';
  /** A helpful answer with examples of what the parser does understand. */
  help: string;
}

/** Every result of parsing a chat command; switch on `intent`. */
export type ParsedCommand =
  | ScheduleMeetingCommand
  | FindTimeCommand
  | CancelMeetingCommand
  | RescheduleMeetingCommand
  | ShowCalendarCommand
  | AmbiguousCommand
  | UnknownCommand;

/** Turns a chat message into a command. The rule-based parser implements it; a language model can too. */
export interface IntentParser {
  parse(text: string, ctx: ParseContext): Promise<ParsedCommand>;
}
