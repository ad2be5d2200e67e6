// Which calendar service the caller's meetings go through, as the server picks it (the tenant's provider when the user
// has that connection, else the user's other connection), and the name of its online meetings (Teams / Google Meet).
import { useApi } from '../components/async';
import { api } from './client';

export type CalendarProvider = 'MICROSOFT' | 'GOOGLE';

/** Statuses that mean "this connection exists for scheduling" (the server skips only revoked ones). */
const live = (s: { status: string } | null) => s !== null && s.status !== 'not_connected' && s.status !== 'revoked';

export async function activeProvider(signal?: AbortSignal): Promise<CalendarProvider> {
  // A status that cannot be read (feature not deployed, network) counts as "no connection": the label is cosmetic.
  const quiet = <T>(p: Promise<T>) => p.catch(() => null);
  const [me, outlook, google] = await Promise.all([
    quiet(api.get('/api/me', { signal })),
    quiet(api.get('/api/integrations/outlook/status', { signal })),
    quiet(api.get('/api/integrations/google/status', { signal })),
  ]);
  const preferred: CalendarProvider = me?.tenant.calendarProvider === 'GOOGLE' ? 'GOOGLE' : 'MICROSOFT';
  const has = { MICROSOFT: live(outlook), GOOGLE: live(google) };
  if (has[preferred]) return preferred;
  if (has.GOOGLE) return 'GOOGLE';
  if (has.MICROSOFT) return 'MICROSOFT';
  return preferred;
}

export const meetingServiceName = (p: CalendarProvider | undefined): string =>
  p === 'GOOGLE' ? 'Google Meet' : 'Teams';

/** The caller's provider and its online-meeting name; "Teams" until known (the server's historical default). */
export function useMeetingService(): { provider: CalendarProvider | undefined; name: string } {
  const state = useApi((signal) => activeProvider(signal), []);
  return { provider: state.data, name: meetingServiceName(state.data) };
}

/** The online-meeting service of one synced meeting, from its provider field or, failing that, its join link. */
export function meetingServiceOf(m: { onlineMeeting?: { joinUrl?: string | null; provider?: string | null } | null }) {
  const p = m.onlineMeeting?.provider;
  if (p === 'googleMeet') return 'Google Meet';
  if (p === 'teamsForBusiness' || p === 'skypeForBusiness') return 'Teams';
  const host = URL.canParse(m.onlineMeeting?.joinUrl ?? '') ? new URL(m.onlineMeeting!.joinUrl!).hostname : '';
  if (host === 'meet.google.com') return 'Google Meet';
  if (host.endsWith('teams.microsoft.com') || host.endsWith('teams.live.com')) return 'Teams';
  return 'Online meeting';
}
