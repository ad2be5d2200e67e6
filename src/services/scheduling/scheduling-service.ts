// SchedulingService: the one entry point the calendar, proposal and customer-schedule routes call.
import type { Customer } from '../../domain/customers.js';
import { AppError, isAppError } from '../../domain/errors.js';
import type { Actor } from '../../domain/tenancy.js';
import type { RoomInfo } from '../../ports/calendar-provider.js';
import {
  approversOf,
  assertMayDecide,
  policyOf,
  type ApprovalSubject,
  type Approvers,
} from '../../domain/approval-policy.js';
import { approveOnce, draftOf, expireProposal } from './approval.js';
import type { ApprovalPolicyService } from './approval-policy-service.js';
import {
  availability,
  findTimes,
  rooms,
  type AvailabilityAnswer,
  type AvailabilityQuery,
  type FindTimesAnswer,
  type FindTimesRequest,
} from './availability.js';
import {
  assertCalendarWritable,
  assertWritesGranted,
  callerContext,
  internalDomains,
  isExternal,
  providerCalendarOf,
  targetCalendar,
  type CallerContext,
  type SchedulingDeps,
} from './context.js';
import {
  attendeesOf,
  buildPreview,
  checkMeetingLimits,
  contentOf,
  newMeetingId,
  saveProposal,
  type MeetingInput,
} from './proposal-builder.js';
import type {
  ApprovalResult,
  MeetingQuery,
  MeetingView,
  ProposalPayload,
  ProposalRecord,
  ProposalStatus,
} from '../../ports/scheduling.js';
import { mergeDirectory, providerPeople, searchDirectory, type DirectoryAnswer } from './directory.js';
import { decodeListCursor, encodeListCursor } from './list-cursor.js';
import type { RecurrenceSpec } from '../../domain/recurrence-spec.js';
import { render, type TemplateService } from './templates.js';
import {
  extrasOfChange,
  extrasOfCreate,
  meetingInScope,
  respondToMeeting,
  seriesMovedTo,
  type ChangeScope,
  type EventExtras,
  type RsvpInput,
  type RsvpOutcome,
} from './series.js';

/** The events list's query: offset paging, or keyset paging after `cursor` (a previous page's `nextCursor`). */
export type EventListQuery = Omit<MeetingQuery, 'after'> & { cursor?: string };

/** A page of the events list: `total` when counted, `nextCursor` (null on the last page) for the page after it. */
export interface EventListPage {
  items: MeetingView[];
  total?: number;
  nextCursor: string | null;
}

export interface CustomerScheduleInput {
  templateId?: string;
  templateKey?: string;
  start: string;
  /** Overrides the template's duration. */
  durationMinutes?: number;
  /** Replaces the stakeholders picked from the customer (editable list). */
  attendees?: Array<{ email: string; name?: string | null; type?: 'required' | 'optional' }>;
  subject?: string;
  room?: string | null;
  onlineMeeting?: boolean;
  calendarId?: string;
  timeZone?: string;
  /** Makes the meeting a series whose first meeting is `start` (422 invalid_recurrence when it cannot be written). */
  recurrence?: RecurrenceSpec;
}

/** What may change in a pending proposal before approval. */
export interface ProposalRevision {
  start?: string;
  /** Defaults to the new start plus the proposal's duration when only start is given. */
  end?: string;
  attendees?: Array<{ email: string; name?: string | null; type?: 'required' | 'optional' }>;
  subject?: string;
  bodyHtml?: string;
}

export interface EventChangeInput extends EventExtras {
  /** `series`: the change is for the series the meeting belongs to (its master), not this occurrence only. */
  scope?: ChangeScope;
  subject?: string;
  bodyHtml?: string;
  start?: string;
  end?: string;
  attendees?: MeetingInput['attendees'];
  room?: string | null;
  onlineMeeting?: boolean;
  reminderMinutes?: number | null;
}

export type ChangeOutcome =
  { status: 'applied'; event: MeetingView | null } | { status: 'proposed'; proposal: ProposalRecord };

export class SchedulingService {
  /**
   * The approvers a new proposal was announced to, by its record (the object propose returned): the view of the answer
   * that made it shows them without reading the tenant and its users again (two statements; issue 20).
   */
  private readonly announced = new WeakMap<ProposalRecord, Approvers>();

  constructor(
    private readonly d: SchedulingDeps,
    readonly templates: TemplateService,
    /** The tenant's approval policy (GET/PUT /api/approval-policy). */
    readonly policies: ApprovalPolicyService,
  ) {}

  private ctx(actor: Actor): Promise<CallerContext> {
    return callerContext(this.d, actor);
  }

  async availability(actor: Actor, q: AvailabilityQuery): Promise<AvailabilityAnswer> {
    return availability(this.d, await this.ctx(actor), q);
  }

  async findMeetingTimes(actor: Actor, r: FindTimesRequest): Promise<FindTimesAnswer> {
    return findTimes(this.d, await this.ctx(actor), r);
  }

  /**
   * People to invite matching `q`: colleagues, people of the connected mailbox's organisation directory (when the
   * provider answers in time and the grant allows it) and customers' stakeholders; `sources` says whether the
   * provider's directory was searched and, if not, why. Needs no calendar connection.
   */
  async directory(actor: Actor, q: string, limit: number): Promise<DirectoryAnswer> {
    const [own, fromProvider] = await Promise.all([
      searchDirectory(this.d, actor, q, Number.MAX_SAFE_INTEGER),
      providerPeople(this.d, actor, q, limit, this.d.directoryTimeoutMs),
    ]);
    return {
      items: mergeDirectory(own, fromProvider.people, q, limit),
      sources: { calbridge: 'ok', provider: fromProvider.source },
    };
  }

  async rooms(actor: Actor, q: { minCapacity?: number; building?: string }): Promise<RoomInfo[]> {
    return rooms(await this.ctx(actor), q);
  }

  /**
   * A page of the caller's synced meetings, by offset or after a keyset cursor (a previous page's `nextCursor`).
   * `total` is counted when asked for; by default for offset pages (as before cursors existed), not for cursor pages.
   */
  async listEvents(actor: Actor, q: EventListQuery): Promise<EventListPage> {
    if (q.start && q.end && Date.parse(q.end) <= Date.parse(q.start))
      throw new AppError('bad_request', 'end must be after start.');
    const { cursor, ...rest } = q;
    const after = cursor === undefined ? undefined : decodeListCursor(cursor);
    if (after && q.offset > 0)
      throw new AppError('bad_request', 'cursor and offset cannot be combined: page on with nextCursor alone.');
    const page = await this.d.meetings.list(actor.tenantId, actor.userId, { ...rest, ...(after ? { after } : {}) });
    return {
      items: page.items,
      ...(page.total === undefined ? {} : { total: page.total }),
      nextCursor: page.next ? encodeListCursor(page.next) : null,
    };
  }

  /** A new meeting, as a proposal that must be approved before anything reaches a calendar. */
  async proposeCreate(actor: Actor, input: MeetingInput): Promise<ProposalRecord> {
    const c = await this.ctx(actor);
    const customer = input.customerId ? await this.d.customers.get(actor, input.customerId) : null;
    // A template of the caller's tenant only (another tenant's id is not_found, like any other id).
    if (input.templateId) await this.templates.resolve(actor, { id: input.templateId });
    return this.propose(c, input, customer);
  }

  private async propose(c: CallerContext, input: MeetingInput, customer: Customer | null): Promise<ProposalRecord> {
    if (!(Date.parse(input.end) > Date.parse(input.start)))
      throw new AppError('bad_request', 'The meeting must end after it starts.');
    checkMeetingLimits(input, 'new');
    const cal = await targetCalendar(this.d, c, input.calendarId);
    const room = input.room ? await this.roomOf(c, input.room) : null;
    const { subject, bodyHtml, sensitivity } = contentOf(c, input, customer);
    const payload: ProposalPayload = {
      meetingId: newMeetingId(),
      calendarId: cal.id,
      providerCalendarId: cal.providerCalendarId,
      subject,
      bodyHtml,
      start: new Date(input.start).toISOString(),
      end: new Date(input.end).toISOString(),
      timeZone: input.timeZone ?? c.user.timeZone,
      attendees: attendeesOf(c, input.attendees),
      room,
      onlineMeeting: input.onlineMeeting ?? c.tenant.settings.onlineMeetingByDefault ?? false,
      reminderMinutes: input.reminderMinutes ?? null,
      sensitivity,
      templateId: input.templateId ?? null,
      providerEventId: null,
      ifMatch: null,
      changedFields: [],
      ...extrasOfCreate(input, {
        start: new Date(input.start).toISOString(),
        timeZone: input.timeZone ?? c.user.timeZone,
      }),
    };
    payload.managerEmail = await this.managerEmail(c);
    return this.announce(c, await saveProposal(this.d, c, 'create', payload, customer?.id ?? null, null));
  }

  /** The organizer's manager from the directory, when the tenant's approvers are managers (null when unknown). */
  private async managerEmail(c: CallerContext): Promise<string | null> {
    if (policyOf(c.tenant.settings).approvers.kind !== 'manager' || !this.d.managerOf) return null;
    return this.d.managerOf(c.tenant.id, c.actor.userId).catch(() => null);
  }

  /** Tells the new proposal's approvers (e-mail, webhook); never fails the request that made it. */
  private async announce(c: CallerContext, rec: ProposalRecord): Promise<ProposalRecord> {
    if (!this.d.notices) return rec;
    try {
      const users = await this.d.tenants.listUsers(c.tenant.id);
      const approvers = approversOf(policyOf(c.tenant.settings), users, subjectOf(rec));
      await this.d.notices.requested(c.tenant, rec, users.find((u) => u.id === rec.userId) ?? null, approvers);
      this.announced.set(rec, approvers);
    } catch {
      // the proposal stands; its approvers still see it in GET /api/approvals/pending
    }
    return rec;
  }

  private async roomOf(c: CallerContext, email: string): Promise<{ email: string; name: string | null }> {
    const e = email.toLowerCase();
    const known = c.provider.capabilities.rooms
      ? (await c.provider.listRooms().catch(() => [])).find((r) => r.email.toLowerCase() === e)
      : undefined;
    return { email: e, name: known?.name ?? null };
  }

  /** A meeting from a customer's page: stakeholders pre-filled, customer linked, template applied → a proposal. */
  async scheduleForCustomer(actor: Actor, customerId: string, input: CustomerScheduleInput): Promise<ProposalRecord> {
    const c = await this.ctx(actor);
    const customer = await this.d.customers.get(actor, customerId);
    const t = await this.templates.resolve(actor, { id: input.templateId, key: input.templateKey });
    const roles = t.attendeeRoles.map((r) => r.toLowerCase());
    const byRole = customer.stakeholders.filter((s) => roles.some((r) => (s.role ?? '').toLowerCase().includes(r)));
    const picked = roles.length > 0 && byRole.length > 0 ? byRole : customer.stakeholders;
    const attendees =
      input.attendees ?? picked.map((s) => ({ email: s.email, name: s.name, type: 'required' as const }));
    if (attendees.length === 0)
      throw new AppError('unsatisfiable', 'The customer has no stakeholders to invite.', {
        details: { reason: 'no_attendees' },
      });
    const start = new Date(input.start);
    if (Number.isNaN(start.getTime())) throw new AppError('bad_request', 'start is not a valid instant.');
    const minutes = input.durationMinutes ?? t.durationMinutes;
    const vars = {
      customer: customer.name,
      organizer: c.user.displayName ?? c.user.email,
      date: start.toISOString().slice(0, 10),
    };
    return this.propose(
      c,
      {
        subject: input.subject ?? render(t.subjectTemplate, vars),
        bodyHtml: render(t.bodyHtml, vars, { html: true }),
        start: start.toISOString(),
        end: new Date(start.getTime() + minutes * 60_000).toISOString(),
        timeZone: input.timeZone,
        attendees,
        room: input.room ?? null,
        onlineMeeting: input.onlineMeeting ?? t.onlineMeeting ?? c.tenant.settings.onlineMeetingByDefault ?? false,
        reminderMinutes: t.reminderMinutes,
        calendarId: input.calendarId,
        templateId: t.id,
        ...(input.recurrence ? { recurrence: input.recurrence } : {}),
      },
      customer,
    );
  }

  private async ownMeeting(c: CallerContext, id: string): Promise<MeetingView> {
    const m = await this.d.meetings.get(c.tenant.id, id);
    if (!m || m.userId !== c.actor.userId || !m.providerEventId || !m.calendarId)
      throw new AppError('not_found', 'No such event.');
    return m;
  }

  /** A change that notifies external attendees becomes a proposal; internal-only changes apply directly when allowed. */
  async updateEvent(actor: Actor, id: string, change: EventChangeInput, ifMatch?: string): Promise<ChangeOutcome> {
    const c = await this.ctx(actor);
    const own = await this.ownMeeting(c, id);
    const m = await meetingInScope(this.d, c, own, change.scope, change.recurrence !== undefined);
    // If-Match names the version of the meeting addressed; a series change is checked against its master's.
    const tag = m === own ? ifMatch : undefined;
    if (tag && m.changeKey && tag !== m.changeKey)
      throw new AppError('conflict', undefined, { details: { current: m.changeKey } });
    const payload = await this.changePayload(c, m, change, tag ?? m.changeKey);
    return this.applyOrPropose(c, m, 'update', payload);
  }

  /** Cancels the meeting, one occurrence of a series (the default) or, with scope `series`, the whole series. */
  async deleteEvent(actor: Actor, id: string, scope?: ChangeScope): Promise<ChangeOutcome> {
    const c = await this.ctx(actor);
    const m = await meetingInScope(this.d, c, await this.ownMeeting(c, id), scope, false);
    const payload = await this.changePayload(c, m, { scope }, m.changeKey);
    return this.applyOrPropose(c, m, 'delete', payload);
  }

  /** The caller answers an invitation (accept, tentative, decline with a message) of a meeting in their calendar. */
  async respond(actor: Actor, id: string, input: RsvpInput & { scope?: ChangeScope }): Promise<RsvpOutcome> {
    const c = await this.ctx(actor);
    const m = await meetingInScope(this.d, c, await this.ownMeeting(c, id), input.scope, false);
    return respondToMeeting(this.d, c, m, input);
  }

  /**
   * A change of the caller's own meeting as a proposal, whatever the self-approval settings: chat changes nothing
   * without an approval. `change` holds the new times of a reschedule; a delete needs none.
   */
  async proposeChange(
    actor: Actor,
    id: string,
    kind: 'update' | 'delete',
    change: EventChangeInput = {},
  ): Promise<ProposalRecord> {
    const c = await this.ctx(actor);
    const m = await this.ownMeeting(c, id);
    const payload = await this.changePayload(c, m, kind === 'delete' ? {} : change, m.changeKey);
    checkMeetingLimits(payload, payload.changedFields);
    payload.managerEmail = await this.managerEmail(c);
    return this.announce(c, await saveProposal(this.d, c, kind, payload, m.customerId, m.id));
  }

  private async changePayload(
    c: CallerContext,
    m: MeetingView,
    ch: EventChangeInput,
    ifMatch: string | null,
  ): Promise<ProposalPayload> {
    // Refused before a proposal exists: the provider would refuse the write after the approval.
    const cal = (await this.d.lookup.calendarsOf(c.tenant.id, c.connection.id)).find((x) => x.id === m.calendarId);
    if (cal) assertCalendarWritable(cal);
    assertWritesGranted(this.d, c.connection, cal ?? null);
    const changed: string[] = [];
    const roomEmail = m.location?.roomEmail ?? null;
    const keepAttendees = m.attendees
      .filter((a) => a.type !== 'resource')
      .map((a) => ({ email: a.email, name: a.name, type: a.type as 'required' | 'optional' }));
    if (ch.subject !== undefined) changed.push('subject');
    if (ch.bodyHtml !== undefined) changed.push('body');
    if (ch.start !== undefined) changed.push('start');
    if (ch.end !== undefined) changed.push('end');
    if (ch.attendees !== undefined || ch.room !== undefined) changed.push('attendees');
    if (ch.room !== undefined) changed.push('location');
    if (ch.onlineMeeting !== undefined) changed.push('onlineMeeting');
    if (ch.reminderMinutes !== undefined) changed.push('reminderMinutes');
    const start = ch.start ? new Date(ch.start).toISOString() : m.start;
    const end = ch.end ? new Date(ch.end).toISOString() : m.end;
    if (!(Date.parse(end) > Date.parse(start)))
      throw new AppError('bad_request', 'The meeting must end after it starts.');
    const extras = extrasOfChange(m, ch, { start, end, isAllDay: m.isAllDay }, ch.room !== undefined);
    for (const f of extras.changed) if (!changed.includes(f)) changed.push(f);
    const room =
      ch.room === undefined
        ? roomEmail
          ? { email: roomEmail, name: m.location?.displayName ?? null }
          : null
        : ch.room
          ? await this.roomOf(c, ch.room)
          : null;
    const customer =
      c.tenant.settings.privacyMode && m.customerId
        ? await this.d.customers.get(c.actor, m.customerId).catch(() => null)
        : null;
    const content = contentOf(c, { subject: ch.subject ?? m.subject, bodyHtml: ch.bodyHtml ?? '' }, customer);
    return {
      meetingId: m.id,
      calendarId: m.calendarId!,
      providerCalendarId: await providerCalendarOf(this.d, c.tenant.id, c.connection.id, m.calendarId!),
      subject: content.subject,
      bodyHtml: ch.bodyHtml !== undefined ? content.bodyHtml : '',
      start,
      end,
      timeZone: m.timeZone,
      attendees: attendeesOf(c, ch.attendees ?? keepAttendees),
      room,
      onlineMeeting: ch.onlineMeeting ?? m.onlineMeeting !== null,
      reminderMinutes: ch.reminderMinutes ?? null,
      sensitivity: m.sensitivity === 'private' ? 'private' : 'normal',
      templateId: null,
      providerEventId: m.providerEventId,
      ifMatch,
      changedFields: changed,
      ...extras.fields,
      ...(ch.scope === 'series' ? { scope: 'series' as const } : {}),
    };
  }

  private async applyOrPropose(
    c: CallerContext,
    m: MeetingView,
    kind: 'update' | 'delete',
    payload: ProposalPayload,
  ): Promise<ChangeOutcome> {
    checkMeetingLimits(payload, payload.changedFields);
    const internal = internalDomains(c.tenant, c.connection.mailbox);
    const everyone = [...m.attendees.map((a) => a.email), ...payload.attendees.map((a) => a.email)];
    const notifiesExternal = everyone.some((e) => e !== payload.room?.email && isExternal(e, internal));
    if (notifiesExternal || c.tenant.settings.allowSelfApprovalInternal !== true) {
      payload.managerEmail = await this.managerEmail(c);
      const proposal = await saveProposal(this.d, c, kind, payload, m.customerId, m.id);
      return { status: 'proposed', proposal: await this.announce(c, proposal) };
    }
    if (kind === 'delete') {
      // A not_found is the provider confirming the event is gone (deleted elsewhere): the meeting goes too. Any
      // other failure (event_unreachable: the calendar does not know the event) leaves both as they are.
      await c.provider.deleteEvent(payload.providerEventId!, payload.providerCalendarId).catch((e: unknown) => {
        if (!isAppError(e, 'not_found')) throw e;
      });
      await this.d.meetings.recordDeleted(c.tenant.id, m.id);
    } else {
      const draft = draftOf(payload) as unknown as Record<string, unknown>;
      const changes: Record<string, unknown> = {};
      for (const f of payload.changedFields) changes[f] = draft[f];
      const ev = await c.provider.updateEvent({
        eventId: payload.providerEventId!,
        calendarId: payload.providerCalendarId,
        changes,
        ...(payload.ifMatch ? { ifMatch: payload.ifMatch } : {}),
      });
      await this.d.meetings.recordUpdated(c.tenant.id, m.id, ev);
    }
    await this.d.audit.record({
      tenantId: c.tenant.id,
      actor: c.actor.userId,
      action: `event.${kind}d_directly`,
      targetType: 'meeting',
      targetId: m.id,
      details: { internalOnly: true },
    });
    return { status: 'applied', event: kind === 'delete' ? null : await this.d.meetings.get(c.tenant.id, m.id) };
  }

  async listProposals(
    actor: Actor,
    q: { status?: ProposalStatus; mine?: boolean; limit: number; offset: number },
  ): Promise<ProposalRecord[]> {
    return this.d.proposals.list(actor.tenantId, {
      status: q.status,
      userId: q.mine ? actor.userId : undefined,
      limit: q.limit,
      offset: q.offset,
    });
  }

  /** A proposal with its preview; a pending one past its expiry is marked expired on read. */
  async getProposal(actor: Actor, id: string): Promise<ProposalRecord> {
    const rec = await this.d.proposals.get(actor.tenantId, id);
    if (!rec) throw new AppError('not_found', 'No such proposal.');
    if (rec.status === 'pending' && Date.parse(rec.expiresAt) <= this.d.now().getTime()) {
      await expireProposal(this.d, actor.tenantId, rec, this.d.now());
      return (await this.d.proposals.get(actor.tenantId, id))!;
    }
    return rec;
  }

  async approve(actor: Actor, id: string): Promise<{ proposal: ProposalRecord; result: ApprovalResult }> {
    const rec = await this.getProposal(actor, id);
    if (rec.status === 'approved' && rec.result) return { proposal: rec, result: rec.result };
    if (rec.status === 'expired')
      throw new AppError('proposal_expired', undefined, { details: { expiresAt: rec.expiresAt } });
    const tenant = await this.d.tenants.getTenant(actor.tenantId);
    const users = await this.d.tenants.listUsers(actor.tenantId);
    assertMayDecide(
      approversOf(policyOf(tenant.settings), users, subjectOf(rec)),
      subjectOf(rec),
      actor.userId,
      'approve',
    );
    const { record, result } = await approveOnce(this.d, tenant, actor, id);
    return { proposal: record, result };
  }

  /**
   * Changes a pending proposal before it is approved: time, attendees, subject or message. Only its requester or one
   * of its approvers under the policy (403 `forbidden`); only while pending (409 `proposal_not_pending`). The preview
   * is rebuilt from the organizer's connection (their zone, their free/busy), and who approves is decided again.
   */
  async reviseProposal(actor: Actor, id: string, change: ProposalRevision): Promise<ProposalRecord> {
    const rec = await this.getProposal(actor, id);
    if (rec.status === 'expired')
      throw new AppError('proposal_expired', undefined, { details: { expiresAt: rec.expiresAt } });
    const tenant = await this.d.tenants.getTenant(actor.tenantId);
    const users = await this.d.tenants.listUsers(actor.tenantId);
    const approvers = approversOf(policyOf(tenant.settings), users, subjectOf(rec));
    if (actor.userId !== rec.userId && !approvers.users.some((u) => u.id === actor.userId))
      throw new AppError(
        'forbidden',
        'Only the person who requested this proposal or one of its approvers may change it.',
        {
          details: { approvers: approvers.users.map((u) => u.email) },
        },
      );
    if (rec.status !== 'pending')
      throw new AppError('proposal_not_pending', undefined, { details: { status: rec.status } });
    if (rec.kind === 'delete')
      throw new AppError('bad_request', 'A cancellation has nothing to change: reject it and propose another.');
    // The organizer's context: the attendees, internal domains and preview are theirs, whoever edits.
    const organizer = users.find((u) => u.id === rec.userId);
    const c = await this.ctx({ ...actor, userId: rec.userId, role: organizer?.role ?? actor.role });
    const p = rec.payload;
    const start = change.start ?? p.start;
    const end =
      change.end ??
      (change.start
        ? new Date(Date.parse(change.start) + Date.parse(p.end) - Date.parse(p.start)).toISOString()
        : p.end);
    if (!(Date.parse(end) > Date.parse(start)))
      throw new AppError('bad_request', 'The meeting must end after it starts.');
    const customer = rec.customerId ? await this.d.customers.get(actor, rec.customerId).catch(() => null) : null;
    const content =
      change.subject !== undefined || change.bodyHtml !== undefined
        ? contentOf(c, { subject: change.subject ?? p.subject, bodyHtml: change.bodyHtml ?? p.bodyHtml }, customer)
        : { subject: p.subject, bodyHtml: p.bodyHtml };
    const attendees = change.attendees ? attendeesOf(c, change.attendees) : p.attendees;
    const touched: string[] = [];
    if (change.start || change.end) touched.push('start', 'end');
    if (change.attendees) touched.push('attendees');
    if (change.subject !== undefined) touched.push('subject');
    if (change.bodyHtml !== undefined) touched.push('body');
    checkMeetingLimits({ start, end, attendees }, touched);
    const payload: ProposalPayload = {
      ...p,
      subject: content.subject,
      bodyHtml: content.bodyHtml,
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      attendees,
      // A series moves with its first meeting (422 invalid_recurrence when its pattern cannot follow).
      ...(p.recurrence && change.start
        ? { recurrence: seriesMovedTo(p.recurrence, p.start, new Date(start).toISOString()) }
        : {}),
      changedFields: rec.kind === 'update' ? [...new Set([...p.changedFields, ...touched])] : p.changedFields,
    };
    const preview = await buildPreview(this.d, c, rec.kind, payload);
    const revised = await this.d.proposals.revise(actor.tenantId, id, { payload, preview }, this.d.now());
    if (!revised) throw new AppError('proposal_not_pending', undefined, { details: { status: 'changed' } });
    await this.d.audit.record({
      tenantId: actor.tenantId,
      actor: actor.userId,
      action: 'proposal.revised',
      targetType: 'meeting_proposal',
      targetId: id,
      details: { revisedBy: actor.userId, fields: touched },
    });
    return revised;
  }

  async reject(actor: Actor, id: string, reason?: string | null): Promise<ProposalRecord> {
    const rec = await this.getProposal(actor, id);
    if (rec.status === 'expired')
      throw new AppError('proposal_expired', undefined, { details: { expiresAt: rec.expiresAt } });
    if (rec.status === 'rejected') return rec;
    const tenant = await this.d.tenants.getTenant(actor.tenantId);
    const users = await this.d.tenants.listUsers(actor.tenantId);
    assertMayDecide(
      approversOf(policyOf(tenant.settings), users, subjectOf(rec)),
      subjectOf(rec),
      actor.userId,
      'reject',
    );
    const why = reason?.trim() ? reason.trim() : null;
    if (!(await this.d.proposals.reject(actor.tenantId, id, actor.userId, this.d.now(), why))) {
      throw new AppError('proposal_not_pending', undefined, { details: { status: rec.status } });
    }
    await this.d.audit.record({
      tenantId: actor.tenantId,
      actor: actor.userId,
      action: 'proposal.rejected',
      targetType: 'meeting_proposal',
      targetId: id,
      details: { rejectedBy: actor.userId, withdrawn: actor.userId === rec.userId, withReason: why !== null },
    });
    const rejected = (await this.d.proposals.get(actor.tenantId, id))!;
    await this.d.notices
      ?.decided(tenant, rejected, users.find((u) => u.id === rec.userId) ?? null, 'rejected')
      .catch(() => undefined);
    return rejected;
  }

  /** Who may approve each proposal now, under the tenant's current policy. */
  async approversOf(actor: Actor, recs: readonly ProposalRecord[]): Promise<Map<string, Approvers>> {
    const out = new Map<string, Approvers>();
    if (recs.length === 0) return out;
    for (const r of recs) {
      const a = r.tenantId === actor.tenantId ? this.announced.get(r) : undefined;
      if (a) out.set(r.id, a);
    }
    if (out.size === recs.length) return out;
    out.clear();
    const [tenant, users] = await Promise.all([
      this.d.tenants.getTenant(actor.tenantId),
      this.d.tenants.listUsers(actor.tenantId),
    ]);
    for (const r of recs) out.set(r.id, approversOf(policyOf(tenant.settings), users, subjectOf(r)));
    return out;
  }

  /** The pending proposals the caller may approve now (not expired), newest first: the approvals badge. */
  async pendingApprovals(actor: Actor): Promise<{ items: ProposalRecord[]; approvers: Map<string, Approvers> }> {
    const now = this.d.now().getTime();
    const pending = (
      await this.d.proposals.list(actor.tenantId, { status: 'pending', limit: PENDING_SCAN, offset: 0 })
    ).filter((r) => Date.parse(r.expiresAt) > now);
    const approvers = await this.approversOf(actor, pending);
    const items = pending.filter((r) => mayApprove(approvers.get(r.id)!, r, actor.userId));
    return { items, approvers };
  }
}

/** Pending proposals looked at for the approvals badge at most (newest first). */
const PENDING_SCAN = 500;

function subjectOf(rec: ProposalRecord): ApprovalSubject {
  return {
    organizerId: rec.userId,
    notifiesExternal: rec.preview.notifiesExternal,
    managerEmail: rec.payload.managerEmail ?? null,
  };
}

function mayApprove(a: Approvers, rec: ProposalRecord, userId: string): boolean {
  try {
    assertMayDecide(a, subjectOf(rec), userId, 'approve');
    return true;
  } catch {
    return false;
  }
}
