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

export async function meetingsBetween(start: string, end: string, signal?: AbortSignal): Promise<Meeting[]> {
  const out: Meeting[] = [];
  for (let offset = 0; ; offset += 200) {
    const page = await api.get('/api/calendar/events', { query: { start, end, limit: 200, offset }, signal });
    out.push(...(page.items as Meeting[]));
    if (page.items.length < 200 || out.length >= page.total) return out;
  }
}

export const isRecurring = (m: Meeting) => m.eventType === 'occurrence' || m.eventType === 'exception';
export const joinUrl = (m: Meeting) => m.onlineMeeting?.joinUrl ?? null;
export const locationText = (m: Meeting) => m.location?.displayName ?? '';
export const attendeeNames = (m: Meeting) =>
  (m.attendees ?? [])
    .map((a) => a.name ?? a.emailAddress?.name ?? a.email ?? a.emailAddress?.address ?? '')
    .filter(Boolean);
