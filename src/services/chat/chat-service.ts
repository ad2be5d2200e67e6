// Executes chat commands through the scheduling and customer services: proposals (never sent without approval),
// suggested slots and this week's events, answered in the user's words and time zone.
import { DateTime } from 'luxon';
import type { Recurrence, TimeRange } from '../../domain/calendar.js';
import { describeRecurrence, specOfRecurrence, type RecurrenceSpec } from '../../domain/recurrence-spec.js';
import type { Customer } from '../../domain/customers.js';
import { AppError, isAppError } from '../../domain/errors.js';
import { SCHEDULING_LIMITS } from '../../domain/scheduling/limits.js';
import type { Actor } from '../../domain/tenancy.js';
import type { ChatHistoryEntry, ChatHistoryStore } from '../../ports/chat-history.js';
import { DEFAULT_TEMPLATES, HELP } from './parser.js';
import { recurrenceOf } from './repeat.js';
import type {
  CancelMeetingCommand,
  FindTimeCommand,
  IntentParser,
  ParsedCommand,
  RescheduleMeetingCommand,
  ScheduleMeetingCommand,
} from './types.js';

/** A suggested slot as the scheduling service returns it. */
export interface ChatSlot {
  start: string;
  end: string;
  confidence: number;
  /** The suggestion engine's own words for it (Graph's suggestionReason). */
  suggestionReason?: string;
  /** Why this time, in plain words ("Everyone is free; Acme's calendars aren't visible…"). */
  reason?: string;
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
  /** The meeting's attendees (resources included, typed). */
  attendees?: Array<{ email: string; name: string | null; type?: string }>;
  /** The organizer's address; null when unknown. */
  organizer?: string | null;
  /** The meeting's iCalendar UID: copies of one meeting in several calendars share it. */
  iCalUId?: string | null;
}
export interface ChatProposal {
  id: string;
  expiresAt: string;
  status?: string;
  kind?: 'create' | 'update' | 'delete';
  customerId?: string | null;
  /** update/delete: the meeting changed. */
  meetingId?: string | null;
  preview: {
    subject: string;
    start: string;
    end: string;
    teams: boolean;
    /** The organizer's calendar service: its online meetings are Teams or Google Meet. */
    provider?: string;
    attendees: Array<{ email: string; name?: string | null }>;
  };
  /** What approval performs; only its series is read here (to say it in words). */
  payload?: { recurrence?: Recurrence | null };
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
      /** Suggestions spread across days and parts of the day, each with a plain-word reason. */
      spread?: boolean;
      customerId?: string;
    },
  ): Promise<{ suggestions: ChatSlot[]; emptySuggestionsReason: string }>;
  /** Creates a proposal from the customer's context; nothing is sent until someone approves it. */
  scheduleForCustomer(
    actor: Actor,
    customerId: string,
    input: {
      templateKey: string;
      start: string;
      durationMinutes?: number;
      onlineMeeting?: boolean;
      timeZone: string;
      /** A series whose first meeting is `start`. */
      recurrence?: RecurrenceSpec;
    },
  ): Promise<ChatProposal>;
  listEvents(actor: Actor, range: TimeRange): Promise<ChatEvent[]>;
  /** The caller's address (the organizer of the meetings they may change). */
  userEmail(actor: Actor): Promise<string>;
  /** The caller's own pending proposals, newest first. */
  pendingProposals(actor: Actor): Promise<ChatProposal[]>;
  /** A proposal to cancel the caller's meeting; always waits for approval. */
  proposeCancel(actor: Actor, meetingId: string): Promise<ChatProposal>;
  /** A proposal to move the caller's meeting to new times; always waits for approval. */
  proposeReschedule(actor: Actor, meetingId: string, times: { start: string; end: string }): Promise<ChatProposal>;
}

export interface ChatRequest {
  message: string;
  /** The browser's zone; the user's profile zone when absent. */
  timeZone?: string;
  /** Answers an "which account do you mean" question. */
  accountId?: string;
  /** A slot the user picked from an answer: schedule (or move the meeting) at this start. */
  start?: string;
  /** Answers a "which meeting do you mean" question (cancel, reschedule). */
  meetingId?: string;
}

/** A proposal as a chat card: what will happen once it is approved. */
export interface ProposalCard {
  id: string;
  status: string;
  action: 'create' | 'update' | 'delete';
  subject: string;
  start: string;
  end: string;
  /** A reschedule: the meeting's times before the move. */
  previousStart: string | null;
  previousEnd: string | null;
  teams: boolean;
  attendees: Array<{ email: string; name: string | null }>;
  expiresAt: string;
  /** A series: how it repeats, in words ("Every Tuesday, 6 times"); null for a single meeting. */
  repeat: string | null;
  /** True when this proposal was already pending (nothing new was prepared). */
  duplicate: boolean;
}

/** A meeting as a chat card (to pick from when several match). */
export interface MeetingCard {
  id: string;
  subject: string;
  start: string;
  end: string;
  attendees: Array<{ email: string; name: string | null }>;
}

export interface ChatAnswer {
  intent: ParsedCommand['intent'];
  /** The answer to show, in plain text. */
  reply: string;
  slots?: ChatSlot[];
  events?: ChatEvent[];
  proposalId?: string;
  proposal?: ProposalCard;
  /** Meetings that match a cancel or reschedule: choose one (send its id as `meetingId`). */
  meetings?: MeetingCard[];
  /** The account the slots are for (send it back with a chosen slot's start). */
  accountId?: string;
  /** The meeting the slots would move it to (send it back with a chosen slot's start). */
  meetingId?: string;
  /** Why no slot was found, in plain words. */
  reason?: string;
  choices?: Array<{ id: string; name: string }>;
  /** A stable error code when the command could not be carried out (e.g. `reconnect_required`). */
  errorCode?: string;
}

const TOP_SLOTS = 3;
/** Meetings listed to choose from at most. */
const MAX_CHOICES = 5;
/** How far ahead "my meeting with Acme" is looked for when no day is named. */
const LOOKAHEAD_DAYS = 60;
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
  'invalid_recurrence',
]);

/** Entries kept per user (older ones go), and the most one history read returns. */
export const HISTORY_KEEP = 200;

export class ChatService {
  constructor(
    private readonly parser: IntentParser,
    private readonly backend: ChatBackend,
    private readonly now: () => Date = () => new Date(),
    private readonly historyStore: ChatHistoryStore | null = null,
  ) {}

  /**
   * Parses and carries out one message, and keeps it and its answer in the user's history.
   * @example await chat.handle(actor, { message: 'Find time for a meeting with Acme next week' })
   */
  async handle(actor: Actor, req: ChatRequest): Promise<ChatAnswer> {
    const answer = await this.answer(actor, req);
    if (this.historyStore) {
      const picked = {
        ...(req.start ? { start: req.start } : {}),
        ...(req.meetingId ? { meetingId: req.meetingId } : {}),
        ...(req.accountId ? { accountId: req.accountId } : {}),
      };
      await this.historyStore.append(
        actor.tenantId,
        actor.userId,
        [
          { role: 'user', text: req.message, answer: Object.keys(picked).length ? picked : null },
          { role: 'assistant', text: answer.reply, answer: storedAnswer(answer) },
        ],
        this.now(),
        HISTORY_KEEP,
      );
    }
    return answer;
  }

  /**
   * The user's newest `limit` history entries, oldest first (empty without a store): an answer's structured content
   * as `answer`, and what the user picked (slot, meeting, account) with a message as `picked`.
   */
  async history(
    actor: Actor,
    limit: number,
  ): Promise<Array<ChatHistoryEntry & { picked: Record<string, unknown> | null }>> {
    if (!this.historyStore) return [];
    const items = await this.historyStore.list(
      actor.tenantId,
      actor.userId,
      Math.min(Math.max(limit, 1), HISTORY_KEEP),
    );
    return items.map((e) => (e.role === 'user' ? { ...e, answer: null, picked: e.answer } : { ...e, picked: null }));
  }

  /** Forgets the user's history. */
  async clearHistory(actor: Actor): Promise<number> {
    return this.historyStore ? this.historyStore.clear(actor.tenantId, actor.userId) : 0;
  }

  private async answer(actor: Actor, req: ChatRequest): Promise<ChatAnswer> {
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
    if (req.start) cmd = withChosenStart(cmd, req.start);
    try {
      return await this.execute(actor, cmd, zone, customers, templates, req);
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
    req: ChatRequest,
  ): Promise<ChatAnswer> {
    switch (cmd.intent) {
      case 'cancel_meeting':
      case 'reschedule_meeting':
        return this.change(actor, cmd, zone, customers, req.meetingId);
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
      // Several times to choose from: spread over days and parts of the day, not ten on one evening.
      ...(max > 1 ? { spread: true, customerId: customer.id } : {}),
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
    if (top.length === 0) {
      const reason = plainReason(found.emptySuggestionsReason);
      return {
        intent: 'find_time',
        reply: `I found no ${minutes}-minute slot with ${customer.name} ${cmd.when ? cmd.when.text : 'in the next 7 days'}: ${reason}. Try a wider range.`,
        slots: [],
        reason,
        accountId: customer.id,
      };
    }
    const lines = top.map(
      (s, i) => `${i + 1}. ${span(s.start, s.end, zone)} (confidence ${Math.round(s.confidence)}%)`,
    );
    return {
      intent: 'find_time',
      reply: `Best ${minutes}-minute times with ${customer.name} (${who(customer)}), ${zone}:\n${lines.join('\n')}\nPick one to prepare the proposal, or say "Schedule a Teams meeting with ${customer.name} <time>".`,
      slots: top.map(slotOf),
      accountId: customer.id,
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
    const duplicate = await this.pendingCreate(actor, customer, cmd, minutes, zone);
    if (duplicate) {
      const p = duplicate.preview;
      return {
        intent: 'schedule_meeting',
        reply: `You already have a pending proposal "${p.subject}" for ${span(p.start, p.end, zone)} (${zone}) with ${people(p.attendees)}: I did not prepare another one. Review and approve it under Approvals.`,
        proposalId: duplicate.id,
        proposal: cardOf(duplicate, true),
      };
    }
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
      ...(cmd.repeat ? { recurrence: recurrenceOf(cmd.repeat, start, zone) } : {}),
    });
    const p = proposal.preview;
    const card = cardOf(proposal, false);
    const kind = p.teams ? (p.provider === 'GOOGLE' ? 'a Google Meet meeting' : 'a Teams meeting') : 'a meeting';
    const series = card.repeat ? `${kind.replace(/meeting$/, 'series')} proposal` : `${kind} proposal`;
    const from = card.repeat ? `${card.repeat.charAt(0).toLowerCase()}${card.repeat.slice(1)}, first on` : 'for';
    return {
      intent: 'schedule_meeting',
      reply: `I prepared ${series} "${p.subject}" ${from} ${span(p.start, p.end, zone)} (${zone}) with ${people(p.attendees)}. Nothing has been sent: review and approve it under Approvals.`,
      proposalId: proposal.id,
      proposal: card,
    };
  }

  /**
   * The caller's pending proposal equivalent to this request: a new meeting with the same customer (or the same
   * attendees) whose time overlaps the requested one (the exact time, else the period searched).
   */
  private async pendingCreate(
    actor: Actor,
    customer: Customer,
    cmd: ScheduleMeetingCommand,
    minutes: number,
    zone: string,
  ): Promise<ChatProposal | null> {
    const at = cmd.when?.at;
    const range = at
      ? { start: at, end: new Date(Date.parse(at) + minutes * 60_000).toISOString() }
      : windowOf(cmd, this.now(), zone);
    const emails = new Set(customer.stakeholders.map((s) => s.email.toLowerCase()));
    return (
      (await this.pending(actor)).find(
        (p) =>
          (p.kind ?? 'create') === 'create' &&
          // a series and a single meeting are different requests
          Boolean(p.payload?.recurrence) === Boolean(cmd.repeat) &&
          (p.customerId === customer.id ||
            (emails.size > 0 &&
              sameSet(
                emails,
                p.preview.attendees.map((a) => a.email.toLowerCase()),
              ))) &&
          overlaps(p.preview, range),
      ) ?? null
    );
  }

  private async pending(actor: Actor): Promise<ChatProposal[]> {
    const now = this.now().getTime();
    return (await this.backend.pendingProposals(actor)).filter(
      (p) => (p.status ?? 'pending') === 'pending' && Date.parse(p.expiresAt) > now,
    );
  }

  /** Cancel or reschedule: find the meeting (ask when several match), then prepare the proposal or offer times. */
  private async change(
    actor: Actor,
    cmd: CancelMeetingCommand | RescheduleMeetingCommand,
    zone: string,
    customers: Customer[],
    meetingId: string | undefined,
  ): Promise<ChatAnswer> {
    const customer = customers.find((c) => c.id === cmd.accountId) ?? null;
    const verb = cmd.intent === 'cancel_meeting' ? 'cancel' : 'move';
    const what = describeTarget(cmd, customer);
    const { mine, others } = await this.candidates(actor, cmd, customer);
    const chosen = meetingId ? mine.filter((m) => m.id === meetingId) : mine;
    if (chosen.length === 0) {
      if (others.length > 0 && !meetingId)
        return {
          intent: cmd.intent,
          reply: `${what} is organized by ${others[0]!.organizer}: only the organizer can ${verb} it. Decline it or ask them from your calendar.`,
          meetings: others.slice(0, MAX_CHOICES).map(meetingCard),
          errorCode: 'not_organizer',
        };
      const proposed = customer ? await this.pendingForCustomer(actor, customer, cmd) : null;
      if (proposed)
        return {
          intent: cmd.intent,
          reply: `${what} is not on your calendar yet: "${proposed.preview.subject}" (${span(proposed.preview.start, proposed.preview.end, zone)}) is still a proposal waiting for approval, and nothing has been sent. Withdraw or change it under Approvals.`,
          proposalId: proposed.id,
          proposal: cardOf(proposed, true),
        };
      return {
        intent: cmd.intent,
        reply: `I found no upcoming ${what.charAt(0).toLowerCase()}${what.slice(1)} ${cmd.when ? cmd.when.text : `in the next ${LOOKAHEAD_DAYS} days`} to ${verb}. Say which day it is on, e.g. "${verb === 'cancel' ? 'Cancel' : 'Move'} my meeting with ${customer?.name ?? customers[0]?.name ?? 'Acme'} on Tuesday".`,
        meetings: [],
        errorCode: 'meeting_not_found',
      };
    }
    if (chosen.length > 1)
      return {
        intent: cmd.intent,
        reply: `${chosen.length} meetings match: which one do you want to ${verb}?\n${chosen
          .slice(0, MAX_CHOICES)
          .map((m, i) => `${i + 1}. ${span(m.start, m.end, zone)}: ${m.subject || '(no subject)'}`)
          .join('\n')}`,
        meetings: chosen.slice(0, MAX_CHOICES).map(meetingCard),
      };
    const m = chosen[0]!;
    return cmd.intent === 'cancel_meeting' ? this.cancel(actor, m, zone) : this.reschedule(actor, cmd, m, zone);
  }

  private async cancel(actor: Actor, m: ChatEvent, zone: string): Promise<ChatAnswer> {
    const existing = (await this.pending(actor)).find((p) => p.kind === 'delete' && p.meetingId === m.id);
    if (existing)
      return {
        intent: 'cancel_meeting',
        reply: `The cancellation of "${m.subject}" (${span(m.start, m.end, zone)}) is already waiting for approval: I did not prepare another one.`,
        proposalId: existing.id,
        proposal: cardOf(existing, true),
        meetingId: m.id,
      };
    const proposal = await this.backend.proposeCancel(actor, m.id);
    return {
      intent: 'cancel_meeting',
      reply: `I prepared the cancellation of "${m.subject}" (${span(m.start, m.end, zone)}, ${zone}) with ${people(proposal.preview.attendees)}. Nothing has been sent: once it is approved, the meeting is cancelled and the attendees are told.`,
      proposalId: proposal.id,
      proposal: cardOf(proposal, false),
      meetingId: m.id,
    };
  }

  private async reschedule(
    actor: Actor,
    cmd: RescheduleMeetingCommand,
    m: ChatEvent,
    zone: string,
  ): Promise<ChatAnswer> {
    const minutes = cmd.durationMinutes ?? Math.max(5, Math.round((Date.parse(m.end) - Date.parse(m.start)) / 60_000));
    const previous = { start: m.start, end: m.end };
    const at = cmd.to?.at ?? null;
    if (at) {
      const times = {
        start: new Date(at).toISOString(),
        end: new Date(Date.parse(at) + minutes * 60_000).toISOString(),
      };
      const existing = (await this.pending(actor)).find(
        (p) => p.kind === 'update' && p.meetingId === m.id && overlaps(p.preview, times),
      );
      if (existing)
        return {
          intent: 'reschedule_meeting',
          reply: `Moving "${m.subject}" to ${span(existing.preview.start, existing.preview.end, zone)} is already waiting for approval: I did not prepare another one.`,
          proposalId: existing.id,
          proposal: cardOf(existing, true, previous),
          meetingId: m.id,
        };
      const proposal = await this.backend.proposeReschedule(actor, m.id, times);
      return {
        intent: 'reschedule_meeting',
        reply: `I prepared moving "${m.subject}" from ${span(m.start, m.end, zone)} to ${span(proposal.preview.start, proposal.preview.end, zone)} (${zone}). Nothing has been sent: once it is approved, the attendees get the new time.`,
        proposalId: proposal.id,
        proposal: cardOf(proposal, false, previous),
        meetingId: m.id,
      };
    }
    // No exact new time: times that suit the meeting's attendees, in the period named (else the next 7 days).
    const me = (await this.backend.userEmail(actor)).toLowerCase();
    const attendees = (m.attendees ?? [])
      .filter((a) => a.type !== 'resource' && a.email.toLowerCase() !== me)
      .map((a) => ({ email: a.email, type: 'required' as const }));
    const found = await this.backend.findTimes(actor, {
      attendees: attendees.length ? attendees : [{ email: me, type: 'required' }],
      window: windowOf({ when: cmd.to }, this.now(), zone),
      durationMinutes: minutes,
      timeZone: zone,
      maxCandidates: TOP_SLOTS + 1,
      minimumAttendeePercentage: 40,
      spread: true,
      ...(m.customerId ? { customerId: m.customerId } : {}),
    });
    // The meeting's own time is not a new time.
    const top = found.suggestions.filter((s) => Date.parse(s.start) !== Date.parse(m.start)).slice(0, TOP_SLOTS);
    if (top.length === 0) {
      const reason = plainReason(found.emptySuggestionsReason);
      return {
        intent: 'reschedule_meeting',
        reply: `I found no other ${minutes}-minute time for "${m.subject}" ${cmd.to ? cmd.to.text : 'in the next 7 days'}: ${reason}. Name a time, e.g. "Move it to Thursday 3pm".`,
        slots: [],
        reason,
        meetingId: m.id,
      };
    }
    return {
      intent: 'reschedule_meeting',
      reply: `"${m.subject}" is on ${span(m.start, m.end, zone)}. Times that suit its attendees ${cmd.to ? cmd.to.text : 'in the next 7 days'} (${zone}):\n${top
        .map((s, i) => `${i + 1}. ${span(s.start, s.end, zone)}`)
        .join('\n')}\nPick one to prepare the move.`,
      slots: top.map(slotOf),
      meetingId: m.id,
      meetings: [meetingCard(m)],
    };
  }

  /** A pending new meeting with this customer (in the named period): cancelling it means withdrawing it. */
  private async pendingForCustomer(
    actor: Actor,
    customer: Customer,
    cmd: CancelMeetingCommand | RescheduleMeetingCommand,
  ): Promise<ChatProposal | null> {
    return (
      (await this.pending(actor)).find(
        (p) =>
          (p.kind ?? 'create') === 'create' &&
          p.customerId === customer.id &&
          (!cmd.when || overlaps(p.preview, cmd.when.range)),
      ) ?? null
    );
  }

  /**
   * The caller's upcoming meetings that match the command (account by link, attendee domain or stakeholder; template
   * in the subject; the day or exact time named), one entry per meeting; `others` are those someone else organizes.
   */
  private async candidates(
    actor: Actor,
    cmd: CancelMeetingCommand | RescheduleMeetingCommand,
    customer: Customer | null,
  ): Promise<{ mine: ChatEvent[]; others: ChatEvent[] }> {
    const now = this.now();
    const range = cmd.when?.range ?? {
      start: now.toISOString(),
      end: new Date(now.getTime() + LOOKAHEAD_DAYS * 86_400_000).toISOString(),
    };
    if (Date.parse(range.end) <= now.getTime()) return { mine: [], others: [] };
    const [events, me] = await Promise.all([this.backend.listEvents(actor, range), this.backend.userEmail(actor)]);
    let list = events.filter((e) => !e.isCancelled && Date.parse(e.end) > now.getTime());
    if (customer) {
      const domains = new Set(customer.domains.map((d) => d.toLowerCase()));
      const stakeholders = new Set(customer.stakeholders.map((s) => s.email.toLowerCase()));
      list = list.filter(
        (e) =>
          e.customerId === customer.id ||
          (e.attendees ?? []).some(
            (a) => stakeholders.has(a.email.toLowerCase()) || domains.has(a.email.toLowerCase().split('@')[1] ?? ''),
          ),
      );
    }
    if (cmd.template) {
      const t = squash(cmd.template);
      list = list.filter((e) => squash(e.subject).includes(t));
    }
    const at = cmd.when?.at ? Date.parse(cmd.when.at) : null;
    if (at !== null) {
      const exact = list.filter((e) => Date.parse(e.start) === at);
      list = exact.length > 0 ? exact : list.filter((e) => Date.parse(e.start) <= at && Date.parse(e.end) > at);
    }
    // One entry per meeting: the organizer's copy first when it is in several calendars.
    const seen = new Set<string>();
    const unique: ChatEvent[] = [];
    for (const e of [...list].sort((a, b) => Number(isMine(b, me)) - Number(isMine(a, me)))) {
      const key = e.iCalUId ?? e.id;
      if (seen.has(key)) continue;
      seen.add(key);
      unique.push(e);
    }
    unique.sort((a, b) => a.start.localeCompare(b.start));
    return { mine: unique.filter((e) => isMine(e, me)), others: unique.filter((e) => !isMine(e, me)) };
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

/** The answer as history keeps it: what the API shows of it (events without their attendees), at most 30 events. */
function storedAnswer(a: ChatAnswer): Record<string, unknown> {
  if (!a.events) return { ...a };
  const events = a.events.slice(0, 30).map((e) => ({
    id: e.id,
    subject: e.subject,
    start: e.start,
    end: e.end,
    isAllDay: e.isAllDay,
    isCancelled: e.isCancelled,
    customerId: e.customerId,
    onlineMeeting: e.onlineMeeting ? { joinUrl: e.onlineMeeting.joinUrl ?? null } : null,
  }));
  return { ...a, events };
}

/** Replaces the parsed time with the slot the user picked: a find becomes a schedule, a move gets its new time. */
function withChosenStart(cmd: ParsedCommand, start: string): ParsedCommand {
  const at = new Date(start);
  if (Number.isNaN(at.getTime())) throw new AppError('bad_request', 'start is not a valid instant.');
  const when = {
    text: 'at the time you picked',
    at: at.toISOString(),
    range: { start: at.toISOString(), end: new Date(at.getTime() + 86_400_000).toISOString() },
    granularity: 'time' as const,
  };
  if (cmd.intent === 'find_time' || cmd.intent === 'schedule_meeting')
    return { ...cmd, intent: 'schedule_meeting', when };
  if (cmd.intent === 'reschedule_meeting') return { ...cmd, to: when };
  return cmd;
}

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

function isMine(e: ChatEvent, me: string): boolean {
  return !e.organizer || e.organizer.toLowerCase() === me.toLowerCase();
}

function overlaps(a: { start: string; end: string }, b: { start: string; end: string }): boolean {
  return Date.parse(a.start) < Date.parse(b.end) && Date.parse(a.end) > Date.parse(b.start);
}

function sameSet(a: Set<string>, b: string[]): boolean {
  return b.length === a.size && b.every((x) => a.has(x));
}

function people(list: Array<{ email: string; name?: string | null }>): string {
  if (list.length === 0) return 'no attendees';
  return list.map((a) => (a.name ? `${a.name} <${a.email}>` : a.email)).join(', ');
}

function describeTarget(cmd: CancelMeetingCommand | RescheduleMeetingCommand, customer: Customer | null): string {
  const kind = cmd.template ?? 'meeting';
  return customer ? `Your ${kind} with ${customer.name}` : `Your ${kind}`;
}

function slotOf(s: ChatSlot): ChatSlot {
  return {
    start: s.start,
    end: s.end,
    confidence: s.confidence,
    ...(s.suggestionReason ? { suggestionReason: s.suggestionReason } : {}),
    ...(s.reason ? { reason: s.reason } : {}),
  };
}

function meetingCard(e: ChatEvent): MeetingCard {
  return {
    id: e.id,
    subject: e.subject || '(no subject)',
    start: e.start,
    end: e.end,
    attendees: (e.attendees ?? [])
      .filter((a) => a.type !== 'resource')
      .map((a) => ({ email: a.email, name: a.name ?? null })),
  };
}

function cardOf(p: ChatProposal, duplicate: boolean, previous?: { start: string; end: string }): ProposalCard {
  return {
    id: p.id,
    status: p.status ?? 'pending',
    action: p.kind ?? 'create',
    subject: p.preview.subject,
    start: p.preview.start,
    end: p.preview.end,
    previousStart: previous?.start ?? null,
    previousEnd: previous?.end ?? null,
    teams: p.preview.teams,
    attendees: p.preview.attendees
      .filter((a) => (a as { type?: string }).type !== 'resource')
      .map((a) => ({ email: a.email, name: a.name ?? null })),
    expiresAt: p.expiresAt,
    repeat: repeatOf(p),
    duplicate,
  };
}

/** A proposal's series in words; null for a single meeting (or a rule calbridge does not write). */
function repeatOf(p: ChatProposal): string | null {
  const r = p.payload?.recurrence;
  const spec = r ? specOfRecurrence(r) : null;
  return r && spec ? describeRecurrence(spec, { start: p.preview.start, timeZone: r.timeZone }) : null;
}

/** The suggestion engines' emptySuggestionsReason words (Graph's) as words a person reads. */
export function plainReason(code: string | undefined | null): string {
  switch (code ?? '') {
    case 'organizerUnavailable':
      return 'you are busy or outside your working hours at every possible time';
    case 'attendeesUnavailable':
      return 'the attendees have no free time in common then';
    case 'attendeesUnavailableOrUnknown':
      return 'the attendees are busy or their calendars cannot be read then';
    case 'locationsUnavailable':
      return 'no room is free then';
    case 'windowInPast':
      return 'that time is already over';
    default:
      return 'no time suits everyone';
  }
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
function windowOf(cmd: { when?: FindTimeCommand['when'] }, now: Date, zone: string): TimeRange {
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
  if (e.code === 'unsatisfiable') {
    const reason = e.details?.reason;
    return `That cannot be scheduled: ${typeof reason === 'string' ? `${plainReason(reason)}.` : e.message}`;
  }
  if (e.code === 'invalid_recurrence') return `That series cannot be made: ${e.message}`;
  return `I could not do that: ${e.message}`;
}
