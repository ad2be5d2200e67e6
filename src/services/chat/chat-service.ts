// Executes chat commands through the scheduling and customer services: proposals (never sent without approval),
// suggested slots and this week's events, answered in the user's words and time zone.
import { DateTime } from 'luxon';
import type { TimeRange } from '../../domain/calendar.js';
import type { Customer } from '../../domain/customers.js';
import { AppError, isAppError } from '../../domain/errors.js';
import { SCHEDULING_LIMITS } from '../../domain/scheduling/limits.js';
import type { Actor } from '../../domain/tenancy.js';
import { DEFAULT_TEMPLATES, HELP } from './parser.js';
import type { FindTimeCommand, IntentParser, ParsedCommand, ScheduleMeetingCommand } from './types.js';

/** A suggested slot as the scheduling service returns it. */
export interface ChatSlot {
  start: string;
  end: string;
  confidence: number;
}
/** A synced meeting, as much as chat shows of it. */
export interface ChatEvent {
  id: string;
  subject: string;
  start: string;
  end: string;
  isAllDay: boolean;
  isCancelled: boolean;
  customerId: string | null;
  onlineMeeting: { joinUrl?: string | null; provider?: string | null } | null;
}
export interface ChatProposal {
  id: string;
  expiresAt: string;
  preview: {
    subject: string;
    start: string;
    end: string;
    teams: boolean;
    /** The organizer's calendar service: its online meetings are Teams or Google Meet. */
    provider?: string;
    attendees: Array<{ email: string; name?: string | null }>;
  };
}

/** What chat needs from the rest of calbridge (the composition root adapts the real services). */
export interface ChatBackend {
  accounts(actor: Actor): Promise<Customer[]>;
  /** The user's IANA zone. */
  timeZone(actor: Actor): Promise<string>;
  templates(actor: Actor): Promise<Array<{ key: string | null; name: string; durationMinutes: number }>>;
  findTimes(
    actor: Actor,
    r: {
      attendees: Array<{ email: string; type: 'required' }>;
      window: TimeRange;
      durationMinutes: number;
      timeZone: string;
      maxCandidates: number;
      minimumAttendeePercentage: number;
    },
  ): Promise<{ suggestions: ChatSlot[]; emptySuggestionsReason: string }>;
  /** Creates a proposal from the customer's context; nothing is sent until someone approves it. */
  scheduleForCustomer(
    actor: Actor,
    customerId: string,
    input: { templateKey: string; start: string; durationMinutes?: number; onlineMeeting?: boolean; timeZone: string },
  ): Promise<ChatProposal>;
  listEvents(actor: Actor, range: TimeRange): Promise<ChatEvent[]>;
}

export interface ChatRequest {
  message: string;
  /** The browser's zone; the user's profile zone when absent. */
  timeZone?: string;
  /** Answers an "which account do you mean" question. */
  accountId?: string;
}

export interface ChatAnswer {
  intent: ParsedCommand['intent'];
  /** The answer to show, in plain text. */
  reply: string;
  slots?: ChatSlot[];
  events?: ChatEvent[];
  proposalId?: string;
  proposal?: ChatProposal;
  choices?: Array<{ id: string; name: string }>;
  /** A stable error code when the command could not be carried out (e.g. `reconnect_required`). */
  errorCode?: string;
}

const TOP_SLOTS = 3;
/** Errors that become a helpful answer instead of an HTTP error. */
const ANSWERABLE = new Set([
  'not_connected',
  'online_meeting_unavailable',
  'room_unavailable',
  'limit_exceeded',
  'reconnect_required',
  'unsatisfiable',
  'not_found',
  'provider_unavailable',
  'permission_denied',
  'bad_request',
  'validation_failed',
]);

export class ChatService {
  constructor(
    private readonly parser: IntentParser,
    private readonly backend: ChatBackend,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Parses and carries out one message.
   * @example await chat.handle(actor, { message: 'Find time for a meeting with Acme next week' })
   */
  async handle(actor: Actor, req: ChatRequest): Promise<ChatAnswer> {
    const [zone, customers, templates] = await Promise.all([
      req.timeZone ? Promise.resolve(req.timeZone) : this.backend.timeZone(actor),
      this.backend.accounts(actor),
      this.backend.templates(actor).catch(() => []),
    ]);
    const names = templates.length ? templates.map((t) => t.key ?? t.name) : DEFAULT_TEMPLATES;
    let cmd = await this.parser.parse(req.message, {
      now: this.now(),
      timeZone: zone,
      accounts: customers.map((c) => ({ id: c.id, name: c.name, aliases: aliases(c) })),
      templates: names,
    });
    if (cmd.intent === 'ambiguous' && req.accountId) {
      const chosen = cmd.choices.find((c) => c.id === req.accountId);
      if (chosen) cmd = { ...cmd.pending, accountId: chosen.id, accountName: chosen.name };
    }
    try {
      return await this.execute(actor, cmd, zone, customers, templates);
    } catch (e) {
      if (isAppError(e) && ANSWERABLE.has(e.code)) return { intent: cmd.intent, reply: explain(e), errorCode: e.code };
      throw e;
    }
  }

  private async execute(
    actor: Actor,
    cmd: ParsedCommand,
    zone: string,
    customers: Customer[],
    templates: Awaited<ReturnType<ChatBackend['templates']>>,
  ): Promise<ChatAnswer> {
    switch (cmd.intent) {
      case 'unknown':
        // The parser's help already ends with examples; add them only when it does not.
        return { intent: 'unknown', reply: cmd.help.includes(HELP) ? cmd.help : `${cmd.help} ${HELP}`.trim() };
      case 'ambiguous':
        return {
          intent: 'ambiguous',
          reply: cmd.question,
          choices: cmd.choices.map((c) => ({ id: c.id, name: c.name })),
        };
      case 'show_calendar':
        return this.showCalendar(actor, cmd.range, zone, cmd.provider);
      case 'find_time':
      case 'schedule_meeting': {
        const customer = customers.find((c) => c.id === cmd.accountId);
        if (!customer)
          return {
            intent: cmd.intent,
            reply: `With which account? For example: "${cmd.intent === 'find_time' ? 'Find time for a meeting with' : 'Schedule a Teams meeting with'} ${customers[0]?.name ?? 'Acme'}".`,
          };
        if (customer.stakeholders.length === 0)
          return {
            intent: cmd.intent,
            reply: `${customer.name} has no stakeholders yet: add one on the customer's page, then ask again.`,
            errorCode: 'no_attendees',
          };
        const template = templateOf(cmd, templates);
        const minutes = cmd.durationMinutes ?? template?.durationMinutes ?? 30;
        return cmd.intent === 'find_time'
          ? this.findTime(actor, cmd, customer, minutes, zone)
          : this.schedule(actor, cmd, customer, template?.key ?? 'check-in', minutes, zone);
      }
    }
  }

  private async slots(
    actor: Actor,
    cmd: FindTimeCommand | ScheduleMeetingCommand,
    customer: Customer,
    minutes: number,
    zone: string,
    max: number,
  ) {
    return this.backend.findTimes(actor, {
      attendees: customer.stakeholders.map((s) => ({ email: s.email, type: 'required' as const })),
      window: windowOf(cmd, this.now(), zone),
      durationMinutes: minutes,
      timeZone: zone,
      maxCandidates: max,
      // External calendars are unknown (49%): keep those slots, drop the ones where someone is known to be busy.
      minimumAttendeePercentage: 40,
    });
  }

  private async findTime(
    actor: Actor,
    cmd: FindTimeCommand,
    customer: Customer,
    minutes: number,
    zone: string,
  ): Promise<ChatAnswer> {
    const found = await this.slots(actor, cmd, customer, minutes, zone, TOP_SLOTS);
    const top = found.suggestions.slice(0, TOP_SLOTS);
    if (top.length === 0)
      return {
        intent: 'find_time',
        reply: `I found no ${minutes}-minute slot with ${customer.name} ${cmd.when ? cmd.when.text : 'in the next 7 days'} (${found.emptySuggestionsReason || 'no time suits everyone'}). Try a wider range.`,
        slots: [],
      };
    const lines = top.map(
      (s, i) => `${i + 1}. ${span(s.start, s.end, zone)} (confidence ${Math.round(s.confidence)}%)`,
    );
    return {
      intent: 'find_time',
      reply: `Best ${minutes}-minute times with ${customer.name} (${who(customer)}), ${zone}:\n${lines.join('\n')}\nSay "Schedule a Teams meeting with ${customer.name} <time>" to propose one.`,
      slots: top,
    };
  }

  private async schedule(
    actor: Actor,
    cmd: ScheduleMeetingCommand,
    customer: Customer,
    templateKey: string,
    minutes: number,
    zone: string,
  ): Promise<ChatAnswer> {
    let start = cmd.when?.at ?? null;
    if (!start) {
      const found = await this.slots(actor, cmd, customer, minutes, zone, 1);
      const best = found.suggestions[0];
      if (!best)
        return {
          intent: 'schedule_meeting',
          reply: `I found no free ${minutes}-minute slot with ${customer.name} ${cmd.when ? cmd.when.text : 'in the next 7 days'}; nothing was proposed. Try another period.`,
          slots: [],
        };
      start = best.start;
    }
    const proposal = await this.backend.scheduleForCustomer(actor, customer.id, {
      templateKey,
      start,
      ...(cmd.durationMinutes ? { durationMinutes: cmd.durationMinutes } : {}),
      ...(cmd.teams ? { onlineMeeting: true } : {}),
      timeZone: zone,
    });
    const p = proposal.preview;
    const people = p.attendees.map((a) => (a.name ? `${a.name} <${a.email}>` : a.email)).join(', ');
    return {
      intent: 'schedule_meeting',
      reply: `I prepared ${p.teams ? (p.provider === 'GOOGLE' ? 'a Google Meet meeting' : 'a Teams meeting') : 'a meeting'} proposal "${p.subject}" for ${span(p.start, p.end, zone)} (${zone}) with ${people}. Nothing has been sent: review and approve it under Approvals.`,
      proposalId: proposal.id,
      proposal,
    };
  }

  private async showCalendar(
    actor: Actor,
    range: TimeRange,
    zone: string,
    provider: 'outlook' | 'google' | null,
  ): Promise<ChatAnswer> {
    const events = (await this.backend.listEvents(actor, range))
      .filter((e) => !e.isCancelled)
      .sort((a, b) => a.start.localeCompare(b.start));
    const period = `${DateTime.fromISO(range.start).setZone(zone).toFormat('ccc d LLL')} – ${DateTime.fromISO(range.end).setZone(zone).minus({ minutes: 1 }).toFormat('ccc d LLL')}`;
    const note = provider === 'google' ? ' (from your synced calendars)' : '';
    if (events.length === 0) return { intent: 'show_calendar', reply: `No meetings ${period}${note}.`, events: [] };
    const lines = events
      .slice(0, 30)
      .map(
        (e) =>
          `• ${e.isAllDay ? `${DateTime.fromISO(e.start).setZone(zone).toFormat('ccc d LLL')}, all day` : span(e.start, e.end, zone)}: ${e.subject || '(no subject)'}${e.onlineMeeting?.joinUrl ? (e.onlineMeeting.provider === 'googleMeet' ? ' [Google Meet]' : ' [Teams]') : ''}`,
      );
    const more = events.length > 30 ? `\n…and ${events.length - 30} more.` : '';
    return {
      intent: 'show_calendar',
      reply: `Your calendar ${period}${note}, ${zone} — ${events.length} meeting${events.length === 1 ? '' : 's'}:\n${lines.join('\n')}${more}`,
      events,
    };
  }
}

/** Domain stems name accounts too ("acmecorp" for acmecorp.com). */
function aliases(c: Customer): string[] {
  return c.domains.map((d) => d.split('.')[0] ?? '').filter((s) => s.length >= 3);
}

function templateOf(
  cmd: FindTimeCommand | ScheduleMeetingCommand,
  templates: Array<{ key: string | null; name: string; durationMinutes: number }>,
) {
  if (!cmd.template) return templates.find((t) => t.key === 'check-in') ?? null;
  const want = cmd.template.toLowerCase();
  return templates.find((t) => (t.key ?? '').toLowerCase() === want || t.name.toLowerCase() === want) ?? null;
}

/**
 * Where to look: the period the user named (a whole day for an exact time), else the next 7 days from now; a period
 * longer than the suggestion window limit is searched from its start for as long as the limit allows.
 */
function windowOf(cmd: FindTimeCommand | ScheduleMeetingCommand, now: Date, zone: string): TimeRange {
  const from = DateTime.fromJSDate(now).setZone(zone);
  if (!cmd.when) return { start: from.toUTC().toISO()!, end: from.plus({ days: 7 }).endOf('day').toUTC().toISO()! };
  const start = DateTime.max(DateTime.fromISO(cmd.when.range.start), from);
  const end = DateTime.min(
    DateTime.fromISO(cmd.when.range.end),
    start.plus({ days: SCHEDULING_LIMITS.suggestionWindowDays }),
  );
  if (end <= start) throw new AppError('bad_request', `${cmd.when.text} is already over: name a future period.`);
  return { start: start.toUTC().toISO()!, end: end.toUTC().toISO()! };
}

function span(start: string, end: string, zone: string): string {
  const s = DateTime.fromISO(start).setZone(zone);
  const e = DateTime.fromISO(end).setZone(zone);
  return `${s.toFormat('ccc d LLL HH:mm')}–${e.toFormat(e.hasSame(s, 'day') ? 'HH:mm' : 'ccc d LLL HH:mm')}`;
}

const who = (c: Customer) => c.stakeholders.map((s) => s.name ?? s.email).join(', ');

function explain(e: AppError): string {
  if (e.code === 'not_connected')
    return 'No calendar is connected yet: connect Outlook or Google Calendar on the Settings page, then ask again.';
  if (e.code === 'reconnect_required')
    return 'Your calendar connection needs attention: reconnect it on the Settings page, then ask again.';
  if (e.code === 'unsatisfiable') return `That cannot be scheduled: ${e.message}`;
  return `I could not do that: ${e.message}`;
}
