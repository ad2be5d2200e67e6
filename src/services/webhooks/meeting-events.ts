// meeting.created / meeting.updated / meeting.cancelled from synced pages, after detection ran on them, so each event
// carries the meeting's customer and the detection reason. A meeting the provider marks cancelled (an attendee's copy)
// and a meeting the provider deleted are both meeting.cancelled; the deleted one is described as it was.
import type { RemovedMeeting } from '../../ports/sync.js';
import type { MeetingEventRow, MeetingEventSource } from '../../ports/webhooks.js';
import type { PlatformEvents } from './platform-events.js';

export interface MeetingEventsDeps {
  events: Pick<PlatformEvents, 'emit' | 'hasReceivers'>;
  meetings: MeetingEventSource;
}

type Kind = 'meeting.created' | 'meeting.updated' | 'meeting.cancelled';

const view = (m: MeetingEventRow) => ({
  id: m.id,
  userId: m.userId,
  calendarId: m.calendarId,
  subject: m.subject,
  start: m.start,
  end: m.end,
  isCancelled: m.isCancelled,
  eventType: m.eventType,
  iCalUId: m.iCalUId,
});

export class MeetingEvents {
  constructor(private readonly d: MeetingEventsDeps) {}

  /** After a synced page (and its detection): one event per changed or removed meeting someone receives. */
  async pageApplied(
    tenantId: string,
    changedIds: readonly string[],
    detail: { createdIds: readonly string[]; removed: readonly RemovedMeeting[] },
  ): Promise<number> {
    const wanted = new Set<Kind>();
    for (const k of ['meeting.created', 'meeting.updated', 'meeting.cancelled'] as const)
      if (await this.d.events.hasReceivers(tenantId, k)) wanted.add(k);
    if (wanted.size === 0) return 0;
    const created = new Set(detail.createdIds);
    let n = 0;
    for (const m of await this.d.meetings.meetingsForEvents(tenantId, changedIds)) {
      const kind: Kind = m.isCancelled
        ? 'meeting.cancelled'
        : created.has(m.id)
          ? 'meeting.created'
          : 'meeting.updated';
      if (!wanted.has(kind)) continue;
      n += await this.d.events.emit(tenantId, kind, {
        meeting: view(m),
        customer: m.customerId
          ? { id: m.customerId, detectionReason: m.detectionReason, confidence: m.detectionConfidence }
          : null,
        ...(kind === 'meeting.cancelled' ? { removed: false } : {}),
      });
    }
    if (wanted.has('meeting.cancelled'))
      for (const r of detail.removed)
        n += await this.d.events.emit(tenantId, 'meeting.cancelled', {
          meeting: {
            id: r.id,
            userId: r.userId,
            calendarId: r.calendarId,
            subject: r.subject,
            start: r.start,
            end: r.end,
            isCancelled: true,
            eventType: null,
            iCalUId: null,
          },
          customer: r.customerId
            ? { id: r.customerId, detectionReason: r.customerMatchReason, confidence: null }
            : null,
          removed: true,
        });
    return n;
  }
}
