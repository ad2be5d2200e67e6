// Synced meetings as the calendar page reads them: the typed list plus the loosely typed extra fields it carries.
import { api, type ResponseOf } from './client';

type EventView = ResponseOf<'/api/calendar/events', 'get'>['items'][number];

/** CalendarEventView allows more properties than it names; these are the ones the page shows. */
export interface Meeting extends EventView {
  bodyPreview?: string;
  attendees?: Array<{
    email?: string;
    name?: string | null;
    emailAddress?: { address?: string; name?: string | null };
  }>;
  location?: { displayName?: string | null } | null;
  onlineMeeting?: { joinUrl?: string | null } | null;
  eventType?: string;
  organizer?: { address?: string; email?: string; name?: string | null } | null;
}

/** Every meeting between start and end, page by page with the list's keyset cursor (no count needed). */
export async function meetingsBetween(start: string, end: string, signal?: AbortSignal): Promise<Meeting[]> {
  const out: Meeting[] = [];
  for (let cursor: string | null = null; ;) {
    const query: { start: string; end: string; limit: number; cursor?: string; total?: boolean } = cursor
      ? { start, end, limit: 200, cursor }
      : { start, end, limit: 200, total: false };
    const page = await api.get('/api/calendar/events', { query, signal });
    out.push(...(page.items as Meeting[]));
    cursor = page.nextCursor;
    if (cursor === null) return out;
  }
}

export const isRecurring = (m: Meeting) => m.eventType === 'occurrence' || m.eventType === 'exception';
export const joinUrl = (m: Meeting) => m.onlineMeeting?.joinUrl ?? null;
export const locationText = (m: Meeting) => m.location?.displayName ?? '';
export const attendeeNames = (m: Meeting) =>
  (m.attendees ?? [])
    .map((a) => a.name ?? a.emailAddress?.name ?? a.email ?? a.emailAddress?.address ?? '')
    .filter(Boolean);
