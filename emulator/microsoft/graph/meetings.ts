// Meeting semantics on top of the store: create (idempotent), update, delete, respond, cancel, invitations, rooms.
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import type { EmuUser } from '../contracts.js';
import { buildNewEvent, patchEvent, timesOf } from './event-build.js';
import { errors } from './mailbox-access.js';
import { recordMeetingRequest } from './messages.js';
import type { EventInstance, GraphEvent, StoredEvent } from './model.js';
import type { MailboxStore } from './store.js';
import { formatInZone, graphTimestamp } from './time.js';

export type Response = 'accepted' | 'declined' | 'tentativelyAccepted';

/** Throws 412 when `ifMatch` is given and does not carry the event's current change key. */
export function checkEtag(ev: GraphEvent, ifMatch: string | undefined): void {
  if (!ifMatch || ifMatch.trim() === '*') return;
  const tags = ifMatch.split(',').map((t) => t.trim().replace(/^W\//, '').replace(/^"|"$/g, ''));
  if (!tags.includes(ev.changeKey ?? '')) throw errors.etag();
}

/**
 * Creates an event in `calendarId` of `owner`'s mailbox and sends invitations.
 * A repeated `transactionId` returns the event first created with it (and creates nothing).
 */
export function createEvent(
  store: MailboxStore,
  owner: EmuUser,
  calendarId: string,
  input: Record<string, unknown>,
): { event: StoredEvent; created: boolean } {
  const cal = store.getCalendar(owner.id, calendarId);
  if (!cal) throw errors.itemNotFound();
  const tx = input.transactionId;
  if (typeof tx === 'string' && tx) {
    const existing = store.eventForTransaction(owner.id, tx);
    if (existing) return { event: existing, created: false };
  }
  const { data, meta } = buildNewEvent(store, owner, cal, input, store.clock());
  const event = store.insertEvent(owner.id, calendarId, data, meta);
  sendInvitations(store, event, data.attendees ?? []);
  return { event, created: true };
}

/** Puts a copy of the organizer's meeting into each invited mailbox; rooms answer at once. */
function sendInvitations(store: MailboxStore, org: StoredEvent, attendees: MicrosoftGraph.Attendee[]): void {
  const now = store.clock();
  let orgData = org.data;
  let changedOrg = false;
  for (const a of attendees) {
    const address = a.emailAddress?.address;
    const user = address ? store.directory.getUser(address) : undefined;
    if (!user || user.id === org.userId || user.mailbox === 'onPremises') continue;
    store.ensureMailbox(user);
    const already = store.meetingCopies(org.data.iCalUId!).some((c) => c.userId === user.id);
    if (already) continue;
    let response: string = 'none';
    if (user.kind === 'room') response = isFree(store, user.id, org) ? 'accepted' : 'declined';
    if (response === 'declined') {
      changedOrg = true;
      orgData = setAttendeeStatus(orgData, user.mail, 'declined', now);
      continue;
    }
    const cal = store.defaultCalendar(user.id);
    const copy: GraphEvent = {
      ...org.data,
      id: store.newId(),
      changeKey: store.newChangeKey(),
      createdDateTime: graphTimestamp(now),
      lastModifiedDateTime: graphTimestamp(now),
      transactionId: null,
      isOrganizer: false,
      responseRequested: true,
      responseStatus: {
        response: response as MicrosoftGraph.ResponseType,
        time: response === 'none' ? '0001-01-01T00:00:00Z' : graphTimestamp(now),
      },
      showAs: response === 'none' ? 'tentative' : 'busy',
      singleValueExtendedProperties: undefined,
    };
    copy.webLink = `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(copy.id!)}&exvsurl=1&path=/calendar/item`;
    delete copy.singleValueExtendedProperties;
    store.insertEvent(user.id, cal.id, copy, {
      startMs: org.startMs,
      endMs: org.endMs,
      zone: org.zone,
      cancelledStarts: org.cancelledStarts,
    });
    if (user.kind !== 'room') recordMeetingRequest(store, user, org, copy.id!);
    if (response === 'accepted') {
      changedOrg = true;
      orgData = setAttendeeStatus(orgData, user.mail, 'accepted', now);
    }
  }
  if (changedOrg) store.replaceEvent(org, orgData);
}

function isFree(store: MailboxStore, userId: string, ev: StoredEvent): boolean {
  const busy = store.calendarView(userId, null, ev.startMs, ev.endMs);
  return !busy.some(
    (i) => i.ev.data.showAs !== 'free' && !i.ev.data.isCancelled && i.ev.data.iCalUId !== ev.data.iCalUId,
  );
}

function setAttendeeStatus(ev: GraphEvent, address: string, response: string, now: number): GraphEvent {
  const attendees = (ev.attendees ?? []).map((a) =>
    a.emailAddress?.address?.toLowerCase() === address.toLowerCase()
      ? { ...a, status: { response: response as MicrosoftGraph.ResponseType, time: graphTimestamp(now) } }
      : a,
  );
  return { ...ev, attendees };
}

/** Properties that flow from the organizer's copy to attendee copies on update. */
const PROPAGATED = [
  'subject',
  'body',
  'bodyPreview',
  'start',
  'end',
  'location',
  'locations',
  'isAllDay',
  'recurrence',
  'isOnlineMeeting',
  'onlineMeetingProvider',
  'onlineMeeting',
  'attendees',
  'importance',
  'sensitivity',
  'originalStartTimeZone',
  'originalEndTimeZone',
] as const;

/**
 * Updates an event (or turns an occurrence into an exception) and propagates organizer changes to
 * attendee copies. Honors If-Match (412 on a stale change key).
 */
export function updateEvent(
  store: MailboxStore,
  owner: EmuUser,
  inst: EventInstance,
  input: Record<string, unknown>,
  ifMatch?: string,
): StoredEvent {
  const cal = store.getCalendar(owner.id, inst.ev.calendarId)!;
  if (inst.occurrence) {
    checkEtag(inst.ev.data, ifMatch);
    const base = occurrenceData(inst);
    const { data, meta } = patchEvent(store, owner, cal, base, input);
    const exception: GraphEvent = { ...data, type: 'exception', changeKey: store.newChangeKey() };
    return store.insertEvent(owner.id, inst.ev.calendarId, exception, {
      ...meta,
      originalStartMs: inst.occurrence.originalStartMs,
    });
  }
  const ev = inst.ev;
  checkEtag(ev.data, ifMatch);
  const { data, meta } = patchEvent(store, owner, cal, ev.data, input);
  const reshaped =
    ev.data.type === 'seriesMaster' &&
    (meta.startMs !== ev.startMs ||
      meta.endMs !== ev.endMs ||
      JSON.stringify(data.recurrence) !== JSON.stringify(ev.data.recurrence));
  if (reshaped) {
    // a new pattern or time drops the series' exceptions and deleted occurrences, as Outlook does
    for (const x of store.exceptionsOf(ev.userId, ev.data.id!)) store.removeEvent(ev.userId, x.data.id!);
  }
  const updated = store.replaceEvent(ev, data, reshaped ? { ...meta, cancelledStarts: [] } : meta);
  if (updated.data.isOrganizer) propagate(store, updated, input);
  return updated;
}

/** The stored shape of a virtual occurrence (before it becomes an exception). */
export function occurrenceData(inst: EventInstance): GraphEvent {
  const m = inst.ev.data;
  const o = inst.occurrence!;
  const tz = m.start?.timeZone ?? 'UTC';
  const fmt = (ms: number) => ({ dateTime: formatInZone(ms, 'UTC'), timeZone: 'UTC' });
  return {
    ...m,
    id: o.id,
    type: 'occurrence',
    seriesMasterId: m.id,
    recurrence: null,
    originalStart: new Date(o.originalStartMs).toISOString().replace('.000Z', 'Z'),
    originalStartTimeZone: tz,
    start: fmt(o.startMs),
    end: fmt(o.endMs),
  } as GraphEvent;
}

function propagate(store: MailboxStore, org: StoredEvent, input: Record<string, unknown>): void {
  if (!PROPAGATED.some((k) => k in input)) return;
  const copies = store.meetingCopies(org.data.iCalUId!).filter((c) => c.userId !== org.userId);
  for (const c of copies) {
    const ev = store.getEvent(c.userId, c.eventId);
    if (!ev) continue;
    const next: GraphEvent = { ...ev.data };
    for (const k of PROPAGATED) (next as Record<string, unknown>)[k] = org.data[k];
    const meta = timesOf(next);
    store.replaceEvent(ev, next, { ...meta, cancelledStarts: org.cancelledStarts });
  }
  const attendees = org.data.attendees ?? [];
  sendInvitations(store, org, attendees);
  // attendees removed from the meeting get a cancellation
  const kept = new Set(attendees.map((a) => a.emailAddress?.address?.toLowerCase()));
  for (const c of copies) {
    const u = store.directory.users.get(c.userId);
    if (u && !kept.has(u.mail.toLowerCase())) markCancelled(store, c.userId, c.eventId);
  }
}

function markCancelled(store: MailboxStore, userId: string, eventId: string): void {
  const ev = store.getEvent(userId, eventId);
  if (!ev || ev.data.isCancelled) return;
  const subject = ev.data.subject ?? '';
  store.replaceEvent(ev, {
    ...ev.data,
    isCancelled: true,
    subject: subject.startsWith('Canceled: ') ? subject : `Canceled: ${subject}`,
  });
}

/**
 * Deletes an event. Organizer: attendee copies become cancelled. Occurrence: removed from its series.
 * Exception: removed, and its slot stays empty.
 */
export function deleteEvent(store: MailboxStore, inst: EventInstance, ifMatch?: string): void {
  checkEtag(inst.ev.data, ifMatch);
  if (inst.occurrence) {
    store.cancelOccurrence(inst.ev, inst.occurrence.originalStartMs);
    if (inst.ev.data.isOrganizer && inst.ev.data.iCalUId) {
      for (const c of store.meetingCopies(inst.ev.data.iCalUId)) {
        const copy = c.userId === inst.ev.userId ? undefined : store.getEvent(c.userId, c.eventId);
        if (copy?.data.type === 'seriesMaster') store.cancelOccurrence(copy, inst.occurrence.originalStartMs);
      }
    }
    return;
  }
  const ev = inst.ev;
  if (ev.data.type === 'exception' && ev.data.seriesMasterId && ev.originalStartMs !== undefined) {
    const master = store.getEvent(ev.userId, ev.data.seriesMasterId);
    store.removeEvent(ev.userId, ev.data.id!);
    if (master) store.cancelOccurrence(master, ev.originalStartMs);
    return;
  }
  if (ev.data.isOrganizer && ev.data.iCalUId) {
    for (const c of store.meetingCopies(ev.data.iCalUId))
      if (c.userId !== ev.userId) markCancelled(store, c.userId, c.eventId);
  }
  store.removeEvent(ev.userId, ev.data.id!);
}

/** Organizer cancels a meeting: attendees' copies are cancelled, the organizer's event is deleted. */
export function cancelEvent(store: MailboxStore, inst: EventInstance): void {
  if (!inst.ev.data.isOrganizer) {
    throw errors.badRequest(
      "Your request can't be completed. You need to be an organizer to cancel a meeting.",
      'ErrorAccessDenied',
    );
  }
  deleteEvent(store, inst);
}

/**
 * An attendee accepts, tentatively accepts or declines. Updates the attendee's own copy (a decline
 * removes it from the calendar, as Exchange does) and the organizer's attendee status.
 */
export function respond(
  store: MailboxStore,
  responder: EmuUser,
  inst: EventInstance,
  response: Response,
  proposedNewTime?: MicrosoftGraph.TimeSlot,
): void {
  const ev = inst.ev;
  if (ev.data.isOrganizer)
    throw errors.badRequest("Your request can't be completed. You can't respond to a meeting you organized.");
  if (ev.data.isCancelled) throw errors.badRequest("Your request can't be completed. The meeting has been canceled.");
  if (inst.occurrence) return respondToOccurrence(store, responder, inst, response);
  const now = store.clock();
  const uid = ev.data.iCalUId!;
  if (response === 'declined') store.removeEvent(ev.userId, ev.data.id!);
  else {
    store.replaceEvent(ev, {
      ...ev.data,
      responseStatus: { response, time: graphTimestamp(now) },
      showAs: response === 'accepted' ? 'busy' : 'tentative',
    });
  }
  for (const c of store.meetingCopies(uid)) {
    const copy = store.getEvent(c.userId, c.eventId);
    if (!copy || c.userId === ev.userId) continue;
    if (copy.data.isOrganizer) {
      let data = setAttendeeStatus(copy.data, responder.mail, response, now);
      if (proposedNewTime && response !== 'accepted' && copy.data.allowNewTimeProposals !== false) {
        data = {
          ...data,
          attendees: (data.attendees ?? []).map((a) =>
            a.emailAddress?.address?.toLowerCase() === responder.mail.toLowerCase()
              ? { type: a.type, status: a.status, proposedNewTime, emailAddress: a.emailAddress }
              : a,
          ),
        };
      }
      store.replaceEvent(copy, data);
    }
  }
}

/**
 * An answer to one occurrence of a series (POST /events/{occurrenceId}/accept …): only that occurrence changes, as in
 * Exchange. A decline removes it from the invitee's calendar (the series stays); an accept or tentative answer makes
 * it an exception carrying the answer. On the organizer's side the same occurrence becomes an exception carrying the
 * attendee's status, the rest of the series keeps the answer given to the whole series.
 */
function respondToOccurrence(store: MailboxStore, responder: EmuUser, inst: EventInstance, response: Response): void {
  const ev = inst.ev;
  const occ = inst.occurrence!;
  const now = store.clock();
  if (response === 'declined') store.cancelOccurrence(ev, occ.originalStartMs);
  else {
    store.insertEvent(
      ev.userId,
      ev.calendarId,
      {
        ...occurrenceData(inst),
        type: 'exception',
        changeKey: store.newChangeKey(),
        responseStatus: { response, time: graphTimestamp(now) },
        showAs: response === 'accepted' ? 'busy' : 'tentative',
      },
      { startMs: occ.startMs, endMs: occ.endMs, zone: ev.zone, originalStartMs: occ.originalStartMs },
    );
  }
  for (const c of store.meetingCopies(ev.data.iCalUId!)) {
    const master = c.userId === ev.userId ? undefined : store.getEvent(c.userId, c.eventId);
    if (!master?.data.isOrganizer || master.data.type !== 'seriesMaster') continue;
    const existing = store
      .exceptionsOf(master.userId, master.data.id!)
      .find((x) => x.originalStartMs === occ.originalStartMs);
    if (existing) {
      store.replaceEvent(existing, setAttendeeStatus(existing.data, responder.mail, response, now));
      continue;
    }
    const orgOcc = store
      .occurrencesOf(master, occ.originalStartMs, occ.originalStartMs + 1)
      .find((o) => o.occurrence?.originalStartMs === occ.originalStartMs);
    if (!orgOcc?.occurrence) continue;
    const data = setAttendeeStatus(
      { ...occurrenceData(orgOcc), type: 'exception', changeKey: store.newChangeKey() },
      responder.mail,
      response,
      now,
    );
    store.insertEvent(master.userId, master.calendarId, data, {
      startMs: orgOcc.occurrence.startMs,
      endMs: orgOcc.occurrence.endMs,
      zone: master.zone,
      originalStartMs: occ.originalStartMs,
    });
  }
}
