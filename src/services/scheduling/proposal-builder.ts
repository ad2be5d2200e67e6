// Builds proposals: the payload performed on approval and the preview of exactly what attendees receive.
import type { EventExtras } from './series.js';
import { randomUUID } from 'node:crypto';
import { DateTime, Settings } from 'luxon';
import type { Customer } from '../../domain/customers.js';
import { AppError } from '../../domain/errors.js';
import { summarizeCompleteness } from '../../domain/scheduling/freebusy.js';
import { checkCount, checkSpanDays, SCHEDULING_LIMITS } from '../../domain/scheduling/limits.js';
import type { FreeBusyResult } from '../../domain/scheduling/types.js';
import { internalDomains, isExternal, type CallerContext, type SchedulingDeps } from './context.js';
import { opaqueRef, redact } from './privacy.js';
import type {
  PreviewAttendee,
  ProposalAttendee,
  ProposalKind,
  ProposalPayload,
  ProposalPreview,
  ProposalRecord,
} from '../../ports/scheduling.js';
import { sanitizeHtml } from './templates.js';

export interface MeetingInput extends EventExtras {
  subject: string;
  bodyHtml?: string;
  start: string;
  end: string;
  timeZone?: string;
  attendees: Array<{ email: string; name?: string | null; type?: 'required' | 'optional' }>;
  room?: string | null;
  onlineMeeting?: boolean;
  reminderMinutes?: number | null;
  calendarId?: string;
  customerId?: string | null;
  templateId?: string | null;
}

const DEFAULT_TTL_HOURS = 72;
const DAY_MS = 86_400_000;

/**
 * The stated limits of a meeting that is created or changed (422 `limit_exceeded`), checked before any provider call:
 * its duration when it is new (`'new'`) or its times change, its attendees when it is new or they change.
 */
export function checkMeetingLimits(
  m: { start: string; end: string; attendees: readonly unknown[] },
  changed: readonly string[] | 'new',
): void {
  const touched = (f: string) => changed === 'new' || changed.includes(f);
  if (touched('start') || touched('end')) checkSpanDays('meetingDays', m.start, m.end, 'The meeting is too long');
  if (touched('attendees')) checkCount('meetingAttendees', m.attendees.length, 'Too many attendees');
}

export function attendeesOf(c: CallerContext, list: MeetingInput['attendees']): ProposalAttendee[] {
  const internal = internalDomains(c.tenant, c.connection.mailbox);
  const seen = new Map<string, ProposalAttendee>();
  for (const a of list) {
    const email = a.email.trim().toLowerCase();
    if (email === c.connection.mailbox || !/^[^@\s]+@[^@\s]+$/.test(email)) continue;
    const type = a.type ?? 'required';
    const prev = seen.get(email);
    if (prev) prev.type = prev.type === 'required' || type === 'required' ? 'required' : 'optional';
    else seen.set(email, { email, name: a.name ?? null, type, external: isExternal(email, internal) });
  }
  return [...seen.values()];
}

/** Subject and body as they will be sent: sanitised, and in privacy mode without the client's name. */
export function contentOf(
  c: CallerContext,
  input: Pick<MeetingInput, 'subject' | 'bodyHtml'>,
  customer: Customer | null,
) {
  let subject = input.subject.trim();
  let bodyHtml = sanitizeHtml(input.bodyHtml ?? '');
  const privacy = c.tenant.settings.privacyMode === true;
  if (privacy && customer) {
    const ref = opaqueRef(customer.id);
    const names = [customer.name, ...customer.stakeholders.map((s) => s.name)];
    subject = redact(subject, names, ref);
    bodyHtml = redact(bodyHtml, names, ref);
  }
  if (!subject) throw new AppError('bad_request', 'The subject is empty.');
  return { subject, bodyHtml, sensitivity: (privacy ? 'private' : 'normal') as 'private' | 'normal' };
}

/** An IANA zone written Area/Location (what luxon reads as an IANAZone; 'UTC', 'EST', 'UTC+2' are not). */
const AREA_ZONE = /^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+$/;
/** A UTC instant as toISOString writes it (seconds and fraction optional). */
const UTC_INSTANT = /^(\d{4})-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?Z$/;
/** Per zone: the formatter of the wall time and short zone name, or null when Intl does not know the zone. */
const zoneFormats = new Map<string, Intl.DateTimeFormat | null>();

function zoneFormat(zone: string): Intl.DateTimeFormat | null {
  let f = zoneFormats.get(zone);
  if (f !== undefined) return f;
  try {
    // luxon's ZZZZ: Intl's short zone name with these options, in toFormat's locale (Settings.defaultLocale, else
    // en-US); only en-US is taken here, so a changed luxon default locale goes through luxon
    f = new Intl.DateTimeFormat('en-US', {
      timeZoneName: 'short',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: zone,
    });
  } catch {
    f = null;
  }
  if (zoneFormats.size >= 1000) zoneFormats.clear();
  zoneFormats.set(zone, f);
  return f;
}

/**
 * `instant` as a wall time in `zone` with the zone's short name, as luxon's toFormat("yyyy-MM-dd'T'HH:mm ZZZZ")
 * writes it (null for an invalid instant or zone). A UTC instant from 2000 on in an Area/Location zone is written from
 * one formatter per zone (luxon built two Intl formatters per call: 3.7 % of proposal create's CPU; issue 20); anything
 * else still through luxon. A test compares the two over every zone Intl knows.
 */
export function localTimeLabel(instant: string, zone: string | null): string | null {
  if (!zone) return null;
  const m = UTC_INSTANT.exec(instant);
  if (m && Number(m[1]) >= 2000 && AREA_ZONE.test(zone) && !Settings.defaultLocale) {
    const f = zoneFormat(zone);
    const ms = Date.parse(instant);
    if (f && !Number.isNaN(ms)) {
      let y = '',
        mo = '',
        d = '',
        h = '',
        mi = '',
        name = '';
      for (const p of f.formatToParts(ms)) {
        if (p.type === 'year') y = p.value;
        else if (p.type === 'month') mo = p.value;
        else if (p.type === 'day') d = p.value;
        else if (p.type === 'hour') h = p.value;
        else if (p.type === 'minute') mi = p.value;
        else if (p.type === 'timeZoneName') name = p.value;
      }
      if (y.length === 4 && name) return `${y}-${mo}-${d}T${h}:${mi} ${name}`;
    }
  }
  const dt = DateTime.fromISO(instant, { zone });
  return dt.isValid ? dt.toFormat("yyyy-MM-dd'T'HH:mm ZZZZ") : null;
}

/** The preview: every attendee with their own zone (working hours, else calbridge profile) and current availability. */
export async function buildPreview(
  d: SchedulingDeps,
  c: CallerContext,
  kind: ProposalKind,
  p: ProposalPayload,
): Promise<ProposalPreview> {
  const emails = p.attendees.map((a) => a.email);
  const schedules = [...emails, ...(p.room ? [p.room.email] : [])];
  let fb: FreeBusyResult | null = null;
  // A meeting longer than a new one may be (an older event being changed) is previewed without free/busy: reading it
  // over months would fan out into many provider calls.
  const readable = Date.parse(p.end) - Date.parse(p.start) <= SCHEDULING_LIMITS.meetingDays * DAY_MS;
  try {
    if (kind !== 'delete' && readable)
      fb = await c.provider.getFreeBusy({ schedules, start: p.start, end: p.end, intervalMinutes: 15 });
  } catch {
    fb = null; // the preview still shows the attendees; their availability is unknown
  }
  const people = new Map((await d.lookup.people(c.tenant.id, emails)).map((x) => [x.email, x]));
  const attendees: PreviewAttendee[] = p.attendees.map((a) => {
    const s = fb?.schedules.find((x) => x.email.toLowerCase() === a.email);
    const zone = (s?.status === 'ok' ? s.workingHours?.timeZone : null) ?? people.get(a.email)?.timeZone ?? null;
    const busy = s?.status === 'ok' ? s.items.filter((i) => i.start < p.end && i.end > p.start) : [];
    const availability =
      !s || s.status === 'unknown'
        ? 'unknown'
        : (busy.find((i) => i.status === 'busy' || i.status === 'oof')?.status ?? busy[0]?.status ?? 'free');
    return {
      email: a.email,
      name: a.name,
      type: a.type,
      external: a.external,
      timeZone: zone,
      localStart: localTimeLabel(p.start, zone),
      localEnd: localTimeLabel(p.end, zone),
      availability,
    };
  });
  if (p.room) {
    const s = fb?.schedules.find((x) => x.email.toLowerCase() === p.room!.email);
    const free = s?.status === 'ok' && !s.items.some((i) => i.start < p.end && i.end > p.start);
    attendees.push({
      email: p.room.email,
      name: p.room.name,
      type: 'resource',
      external: false,
      timeZone: null,
      localStart: null,
      localEnd: null,
      availability: s?.status !== 'ok' ? 'unknown' : free ? 'free' : 'busy',
    });
  }
  return {
    action: kind,
    subject: p.subject,
    bodyHtml: p.bodyHtml,
    teams: p.onlineMeeting,
    room: p.room ? (p.room.name ?? p.room.email) : null,
    start: p.start,
    end: p.end,
    timeZone: p.timeZone,
    organizer: c.connection.mailbox,
    provider: c.connection.provider,
    sensitivity: p.sensitivity,
    notifiesExternal: p.attendees.some((a) => a.external),
    attendees,
    completeness: fb ? summarizeCompleteness(fb.schedules).text : 'availability could not be read',
  };
}

/** Stores a proposal (pending until approved, rejected or expired) and audits it. */
export async function saveProposal(
  d: SchedulingDeps,
  c: CallerContext,
  kind: ProposalKind,
  payload: ProposalPayload,
  customerId: string | null,
  existingMeetingId: string | null,
): Promise<ProposalRecord> {
  const preview = await buildPreview(d, c, kind, payload);
  const ttl = c.tenant.settings.proposalTtlHours ?? DEFAULT_TTL_HOURS;
  const expiresAt = new Date(d.now().getTime() + ttl * 3_600_000).toISOString();
  const rec = await d.proposals.create({
    tenantId: c.tenant.id,
    userId: c.actor.userId,
    customerId,
    kind,
    payload,
    preview,
    createdBy: c.actor.userId,
    expiresAt,
    meetingId: existingMeetingId,
  });
  await d.audit.record({
    tenantId: c.tenant.id,
    actor: c.actor.userId,
    action: 'proposal.created',
    targetType: 'meeting_proposal',
    targetId: rec.id,
    details: { kind, customerId, expiresAt },
  });
  return rec;
}

export function newMeetingId(): string {
  return randomUUID();
}
