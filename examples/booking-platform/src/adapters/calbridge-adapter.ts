// The one place the platform's port meets calbridge's: ICalendarProvider on top of calbridge's CalendarProvider.
// The Microsoft and Google adapters differ only in how they build a calbridge provider for a mailbox.
import { isAppError, type CalendarProvider, type EventDraft } from 'calbridge/ports';
import {
  CalendarError,
  mergeBusy,
  type BusyInterval,
  type ICalendarProvider,
  type SessionEvent,
} from '../calendar-provider.js';

/**
 * The platform's token storage: a valid access token for the practitioner's connected calendar. `forceRefresh` is
 * set after the provider answered 401 with the token given before: refresh it (or ask the user to reconnect).
 */
export type AccessTokenFn = (userEmail: string, opts: { forceRefresh: boolean }) => Promise<string>;

/** Builds calbridge's provider for one mailbox (cheap: the shared transport holds connections and limits). */
export type MailboxProviderFactory = (mailbox: string) => CalendarProvider;

// calbridge's providers act for one mailbox and its event ids are that mailbox's. The platform's port is per
// tenant and deletes by id alone, so the id handed out carries the mailbox: `<mailbox, URI-encoded>:<provider id>`.
const SEP = ':';

export function encodeEventId(mailbox: string, providerEventId: string): string {
  return `${encodeURIComponent(mailbox.toLowerCase())}${SEP}${providerEventId}`;
}

export function decodeEventId(id: string): { mailbox: string; providerEventId: string } {
  const at = id.indexOf(SEP);
  if (at <= 0 || at === id.length - 1) throw new CalendarError('not_found', `Not a calendar event id: ${id}`);
  return { mailbox: decodeURIComponent(id.slice(0, at)), providerEventId: id.slice(at + 1) };
}

/** calbridge's error codes → what the platform acts on. */
function toCalendarError(e: unknown): unknown {
  if (!isAppError(e)) return e;
  if (e.code === 'reconnect_required') return new CalendarError('reconnect_required', e.message, { cause: e });
  if (e.kind === 'not_found') return new CalendarError('not_found', e.message, { cause: e });
  if (e.kind === 'rate_limited' || e.kind === 'unavailable')
    return new CalendarError('unavailable', e.message, { cause: e });
  return new CalendarError('other', e.message, { cause: e });
}

async function mapped<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw toCalendarError(e);
  }
}

export class CalbridgeCalendarAdapter implements ICalendarProvider {
  constructor(private readonly forMailbox: MailboxProviderFactory) {}

  async getFreeBusy(userEmail: string, start: Date, end: Date): Promise<BusyInterval[]> {
    const result = await mapped(() =>
      this.forMailbox(userEmail).getFreeBusy({
        schedules: [userEmail],
        start: start.toISOString(),
        end: end.toISOString(),
      }),
    );
    const schedule = result.schedules.find((s) => s.email.toLowerCase() === userEmail.toLowerCase());
    // calbridge reports a schedule it could not read as `unknown`: never free for a booking.
    if (!schedule || schedule.status !== 'ok')
      throw new CalendarError(
        'unreadable',
        `The calendar of ${userEmail} could not be read${schedule?.status === 'unknown' ? ` (${schedule.reason})` : ''}.`,
      );
    // Tentative and out-of-office block a session; "working elsewhere" does not.
    return mergeBusy(
      schedule.items
        .filter((i) => i.status !== 'workingElsewhere')
        .map((i) => ({ start: new Date(i.start), end: new Date(i.end) })),
    );
  }

  async createEvent(session: SessionEvent): Promise<{ id: string }> {
    const event: EventDraft = {
      subject: session.title,
      body: { contentType: 'text', content: session.description ?? '' },
      start: session.start.toISOString(),
      end: session.end.toISOString(),
      timeZone: session.timeZone ?? 'UTC',
      attendees: [{ email: session.client.email, name: session.client.name, type: 'required' }],
      showAs: 'busy',
      // Sessions are confidential: colleagues who can see the calendar see "busy", not the client's name.
      sensitivity: 'private',
    };
    const mailbox = session.practitionerEmail;
    const created = await mapped(() =>
      // The booking id as transaction id: a retried create (timeout, crash before storing the id) finds the first event.
      this.forMailbox(mailbox).createEvent({ event, transactionId: session.bookingId }),
    );
    return { id: encodeEventId(mailbox, created.id) };
  }

  async deleteEvent(id: string): Promise<void> {
    const { mailbox, providerEventId } = decodeEventId(id);
    try {
      await this.forMailbox(mailbox).deleteEvent(providerEventId);
    } catch (e) {
      // Cancelling twice (or after the practitioner deleted the event in Outlook / Google Calendar) is fine.
      if (isAppError(e, 'not_found')) return;
      throw toCalendarError(e);
    }
  }
}
