// Shapes of API routes that other parts of calbridge add (meetings, metrics, scheduling, chat), read defensively:
// until they appear in the OpenAPI document (and so in types.gen.ts) the pages call them through `request` and
// show "not available" when the server answers route_not_found.
import { request } from './client';

export interface Attendee {
  email: string;
  name?: string | null;
  type?: string;
  response?: string;
}
/** A synced meeting as /api/outlook/calendar/events and /api/customers/:id/meetings list it. */
export interface Meeting {
  id: string;
  subject: string;
  bodyPreview?: string;
  body?: string | null;
  bodyHtml?: string | null;
  start: string;
  end: string;
  timeZone?: string;
  isAllDay?: boolean;
  organizer?: { email?: string; address?: string; name?: string | null } | null;
  attendees?: Attendee[];
  location?: { displayName?: string | null } | string | null;
  onlineMeeting?: { joinUrl?: string | null } | null;
  eventType?: string;
  type?: string;
  seriesMasterId?: string | null;
  isCancelled?: boolean;
  customerId?: string | null;
  customerName?: string | null;
  association?: string | null;
}

export const list = <T>(d: unknown, ...keys: string[]): T[] => {
  if (Array.isArray(d)) return d as T[];
  for (const k of keys) {
    const v = (d as Record<string, unknown> | null)?.[k];
    if (Array.isArray(v)) return v as T[];
  }
  return [];
};

export const isRecurring = (m: Meeting) =>
  ['occurrence', 'exception'].includes(m.eventType ?? m.type ?? '') || Boolean(m.seriesMasterId);
export const joinUrl = (m: Meeting) => m.onlineMeeting?.joinUrl ?? null;
export const locationText = (m: Meeting) =>
  typeof m.location === 'string' ? m.location : (m.location?.displayName ?? '');
export const bodyHtml = (m: Meeting) => m.bodyHtml ?? m.body ?? null;

export async function meetingsBetween(start: string, end: string, signal?: AbortSignal): Promise<Meeting[]> {
  const d = await request<unknown>('get', '/api/outlook/calendar/events', {
    query: { start, end, limit: 500 },
    signal,
  });
  return list<Meeting>(d, 'items', 'events', 'value');
}

export async function customerMeetings(id: string, signal?: AbortSignal): Promise<Meeting[]> {
  const d = await request<unknown>('get', '/api/customers/{id}/meetings', {
    params: { id },
    query: { limit: 200 },
    signal,
  });
  return list<Meeting>(d, 'items', 'meetings');
}

export const associate = (meetingId: string, customerId: string | null) =>
  request<unknown>('post', '/api/meetings/{id}/customer', { params: { id: meetingId }, body: { customerId } });

/** Engagement metrics, read loosely: score 0–100, trend, weekly series. */
export interface Metrics {
  score: number | null;
  trend: number | null;
  weekly: Array<{ weekStart: string; meetings: number }>;
  windows: Array<{ days: number; meetings: number; totalMinutes?: number; stakeholdersMet?: number; change?: number }>;
  lastMeeting: string | null;
  nextMeeting: string | null;
}

export async function customerMetrics(id: string, signal?: AbortSignal): Promise<Metrics> {
  const d = await request<Record<string, unknown>>('get', '/api/customers/{id}/metrics', { params: { id }, signal });
  const m = (d.metrics ?? d) as Record<string, unknown>;
  const scoreObj = (d.score ?? d.engagement ?? d.engagementScore ?? m.score) as unknown;
  const score = typeof scoreObj === 'number' ? scoreObj : ((scoreObj as { score?: number } | undefined)?.score ?? null);
  const windows = list<Metrics['windows'][number]>(m.windows);
  const trendWin = windows.find((w) => w.days === 30) ?? windows[0];
  const ref = (v: unknown) => (v as { start?: string } | null)?.start ?? null;
  return {
    score,
    trend: typeof d.trend === 'number' ? d.trend : (trendWin?.change ?? null),
    weekly: list(m.weekly),
    windows,
    lastMeeting: ref(m.lastMeeting),
    nextMeeting: ref(m.nextMeeting),
  };
}

export interface ChatReply {
  reply?: string;
  message?: string;
  intent?: string;
  [key: string]: unknown;
}
