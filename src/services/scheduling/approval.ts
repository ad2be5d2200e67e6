// Performs an approved proposal exactly once: claim (pending→approving in one UPDATE), provider call with an idempotency
// key, meeting + outbound link stored, proposal completed; repeats and concurrent clicks get the same result.
import type { EventDraft } from '../../domain/calendar.js';
import { AppError, isAppError } from '../../domain/errors.js';
import type { Actor, Tenant } from '../../domain/tenancy.js';
import type { CalendarProvider } from '../../ports/calendar-provider.js';
import { assertWritesGranted, providerCalendarOf, providerOfUser, type SchedulingDeps } from './context.js';
import type { ApprovalResult, CallerConnection, ProposalPayload, ProposalRecord } from '../../ports/scheduling.js';

/** An `approving` claim older than this is taken over (the process that claimed it died). */
const STALE_CLAIM_MS = 2 * 60_000;
const WAIT_STEP_MS = 100;
const WAIT_LIMIT_MS = 20_000;
/** Errors after which the proposal can never succeed as written. */
const TERMINAL = new Set(['conflict', 'not_found', 'online_meeting_unavailable', 'permission_denied']);

export function transactionIdOf(proposalId: string): string {
  return `calbridge-proposal-${proposalId}`;
}

export function draftOf(p: ProposalPayload): EventDraft {
  return {
    subject: p.subject,
    body: { contentType: 'html', content: p.bodyHtml },
    start: p.start,
    end: p.end,
    timeZone: p.timeZone,
    attendees: [
      ...p.attendees.map((a) => ({ email: a.email, name: a.name, type: a.type })),
      ...(p.room ? [{ email: p.room.email, name: p.room.name, type: 'resource' as const }] : []),
    ],
    location: p.room
      ? { displayName: p.room.name ?? p.room.email, address: null, roomEmail: p.room.email }
      : p.locationText
        ? { displayName: p.locationText, address: null, roomEmail: null }
        : null,
    onlineMeeting: p.onlineMeeting,
    sensitivity: p.chosenSensitivity ?? p.sensitivity,
    reminderMinutes: p.reminderMinutes,
    ...(p.showAs !== undefined ? { showAs: p.showAs } : {}),
    ...(p.categories !== undefined ? { categories: p.categories } : {}),
    ...(p.recurrence !== undefined ? { recurrence: p.recurrence } : {}),
  };
}

/** Graph double-books rooms: the room's free/busy is read again right before the create. Unknown counts as taken. */
async function checkRoom(provider: CalendarProvider, p: ProposalPayload): Promise<void> {
  if (!p.room) return;
  const fb = await provider.getFreeBusy({ schedules: [p.room.email], start: p.start, end: p.end, intervalMinutes: 5 });
  const s = fb.schedules.find((x) => x.email.toLowerCase() === p.room!.email);
  const taken = !s || s.status !== 'ok' || s.items.some((i) => i.start < p.end && i.end > p.start);
  if (taken) {
    throw new AppError('room_unavailable', undefined, {
      details: { room: p.room.email, reason: s?.status === 'unknown' ? s.reason : 'busy' },
    });
  }
}

async function perform(
  d: SchedulingDeps,
  rec: ProposalRecord,
  conn: CallerConnection,
  provider: CalendarProvider,
): Promise<ApprovalResult> {
  const p = rec.payload;
  // A connection reconnected with the read-only tier since the proposal was made: the proposal stays pending.
  assertWritesGranted(
    d,
    conn,
    (await d.lookup.calendarsOf(rec.tenantId, conn.id)).find((c) => c.id === p.calendarId) ?? null,
  );
  if (rec.kind === 'create') {
    await checkRoom(provider, p);
    const event = await provider.createEvent({
      calendarId: p.providerCalendarId,
      event: draftOf(p),
      transactionId: transactionIdOf(rec.id),
      externalId: p.meetingId,
    });
    const meetingId = await d.meetings.recordCreated({
      meetingId: p.meetingId,
      tenantId: rec.tenantId,
      userId: rec.userId,
      calendarId: p.calendarId,
      provider: conn.provider,
      event,
      customerId: rec.customerId,
    });
    return { action: 'create', meetingId, providerEventId: event.id, joinUrl: event.onlineMeeting?.joinUrl ?? null };
  }
  const eventId = p.providerEventId!;
  // The calendar the event lives in (proposals made before it was stored carry ''): every write names it.
  const calendarId = p.providerCalendarId || (await providerCalendarOf(d, rec.tenantId, conn.id, p.calendarId));
  if (rec.kind === 'delete') {
    await provider.deleteEvent(eventId, calendarId).catch((e: unknown) => {
      // Only a provider that confirms the event is gone (a retried approval) counts as done; event_unreachable
      // (the calendar does not know the event) is shown to the user and the meeting stays.
      if (!isAppError(e, 'not_found')) throw e;
    });
    await d.meetings.recordDeleted(rec.tenantId, p.meetingId);
    return { action: 'delete', meetingId: p.meetingId, providerEventId: eventId, joinUrl: null };
  }
  const draft = draftOf(p);
  const changes: Partial<EventDraft> = {};
  for (const f of p.changedFields)
    (changes as Record<string, unknown>)[f] = (draft as unknown as Record<string, unknown>)[f];
  const event = await provider.updateEvent({
    eventId,
    calendarId,
    changes,
    ...(p.ifMatch ? { ifMatch: p.ifMatch } : {}),
  });
  await d.meetings.recordUpdated(rec.tenantId, p.meetingId, event);
  return {
    action: 'update',
    meetingId: p.meetingId,
    providerEventId: event.id,
    joinUrl: event.onlineMeeting?.joinUrl ?? null,
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function notPending(rec: ProposalRecord): AppError {
  if (rec.status === 'expired')
    return new AppError('proposal_expired', undefined, { details: { expiresAt: rec.expiresAt } });
  return new AppError('proposal_not_pending', undefined, {
    details: { status: rec.status, ...(rec.error ? { error: rec.error } : {}) },
  });
}

/**
 * Marks a pending proposal past its expiry expired; the call that did it (one, however many read it at once) emits
 * proposal.expired. Proposals expire when they are next read (opened or approved).
 */
export async function expireProposal(
  d: SchedulingDeps,
  tenantId: string,
  rec: ProposalRecord,
  now: Date,
): Promise<void> {
  if (!(await d.proposals.expire(tenantId, rec.id, now)) || !d.notices) return;
  const tenant = await d.tenants.getTenant(tenantId);
  const organizer = await d.tenants.getUser({ tenantId, userId: rec.userId }).catch(() => null);
  const expired = (await d.proposals.get(tenantId, rec.id)) ?? rec;
  await d.notices.expired(tenant, expired, organizer).catch(() => undefined);
}

/**
 * Approves `rec` (already loaded and permission-checked). Returns the stored result when it was approved before,
 * waits for a concurrent approval in progress, and performs it otherwise.
 */
export async function approveOnce(
  d: SchedulingDeps,
  tenant: Tenant,
  actor: Actor,
  id: string,
): Promise<{ record: ProposalRecord; result: ApprovalResult }> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    const now = d.now();
    const claimed = await d.proposals.claim(tenant.id, id, now, new Date(now.getTime() - STALE_CLAIM_MS));
    if (claimed) return execute(d, tenant, actor, claimed);
    const rec = await d.proposals.get(tenant.id, id);
    if (!rec) throw new AppError('not_found', 'No such proposal.');
    if (rec.status === 'approved' && rec.result) return { record: rec, result: rec.result };
    if (rec.status === 'pending' && Date.parse(rec.expiresAt) <= now.getTime()) {
      await expireProposal(d, tenant.id, rec, now);
      throw new AppError('proposal_expired', undefined, { details: { expiresAt: rec.expiresAt } });
    }
    if (rec.status !== 'approving' && rec.status !== 'pending') throw notPending(rec);
    if (Date.now() > deadline)
      throw new AppError('provider_unavailable', 'The approval is still in progress; retry shortly.');
    await sleep(WAIT_STEP_MS);
  }
}

async function execute(
  d: SchedulingDeps,
  tenant: Tenant,
  actor: Actor,
  rec: ProposalRecord,
): Promise<{ record: ProposalRecord; result: ApprovalResult }> {
  let result: ApprovalResult;
  try {
    const { connection, provider } = await providerOfUser(d, tenant, rec.userId);
    result = await perform(d, rec, connection, provider);
  } catch (e) {
    const code = isAppError(e) ? e.code : 'internal';
    if (TERMINAL.has(code)) await failTerminal(d, rec, code);
    else await d.proposals.release(tenant.id, rec.id, code);
    throw e;
  }
  const at = d.now();
  await d.proposals.complete(tenant.id, rec.id, {
    decidedBy: actor.userId,
    decidedAt: at,
    result,
    meetingId: result.action === 'delete' ? null : result.meetingId,
  });
  await d.audit.record({
    tenantId: tenant.id,
    actor: actor.userId,
    action: 'proposal.approved',
    targetType: 'meeting_proposal',
    targetId: rec.id,
    details: {
      approvedBy: actor.userId,
      approvedAt: at.toISOString(),
      kind: rec.kind,
      meetingId: result.meetingId,
      providerEventId: result.providerEventId,
    },
  });
  const record = (await d.proposals.get(tenant.id, rec.id))!;
  // The platform webhook hears of it once: only the approval that performed the proposal gets here.
  if (d.notices) {
    const organizer = await d.tenants.getUser({ tenantId: tenant.id, userId: rec.userId }).catch(() => null);
    await d.notices.decided(tenant, record, organizer, 'approved').catch(() => undefined);
  }
  return { record, result };
}

async function failTerminal(d: SchedulingDeps, rec: ProposalRecord, code: string): Promise<void> {
  // A terminal failure ends the proposal (approving → failed): a retry answers proposal_not_pending with the error.
  await d.proposals.fail(rec.tenantId, rec.id, code);
  await d.audit.record({
    tenantId: rec.tenantId,
    actor: 'system',
    action: 'proposal.failed',
    targetType: 'meeting_proposal',
    targetId: rec.id,
    details: { error: code },
  });
}
