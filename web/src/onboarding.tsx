// First run and broken connections: which calendar connections the person has (Outlook, Google), an empty state
// that leads to connecting one, the first sync's progress (from GET /api/calendar/sync-status) and an app-wide
// banner when a connection needs attention, with its one-click fix.
import { useEffect, useState } from 'react';
import { api, type ResponseOf } from './api/client';
import { useApi } from './components/async';
import './onboarding.css';

export type Provider = 'outlook' | 'google';
const NAMES: Record<Provider, string> = { outlook: 'Outlook', google: 'Google Calendar' };
type Status = ResponseOf<'/api/integrations/outlook/status', 'get'>;

export interface ConnectionState {
  provider: Provider;
  status: Status | null;
}

/** Statuses a person must act on (the connection keeps no access until they do). */
const NEEDS_ATTENTION = new Set(['needs_reauth', 'revoked', 'consent_required', 'unsupported_mailbox']);

/** Both providers' connection status; a provider the server does not offer (404, 503) is left out. */
export function useConnections(refreshEveryMs = 0) {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!refreshEveryMs) return;
    const t = window.setInterval(() => setTick((n) => n + 1), refreshEveryMs);
    return () => window.clearInterval(t);
  }, [refreshEveryMs]);
  return useApi(
    async (signal) => {
      const read = (p: Provider, call: Promise<Status>) =>
        call.then((status): ConnectionState => ({ provider: p, status })).catch(() => null);
      const all = await Promise.all([
        read('outlook', api.get('/api/integrations/outlook/status', { signal })),
        read('google', api.get('/api/integrations/google/status', { signal }) as Promise<Status>),
      ]);
      return all.filter((c): c is ConnectionState => c !== null);
    },
    [tick],
  );
}

/** Starts connecting a provider: the provider's consent page, then back to this page of the app. */
export async function startConnect(provider: Provider, prompt?: 'consent'): Promise<void> {
  const returnTo = window.location.pathname + window.location.search;
  const body = prompt ? { prompt, returnTo } : { returnTo };
  const { authorizeUrl } =
    provider === 'outlook'
      ? await api.post('/api/integrations/outlook/connect', { body })
      : await api.post('/api/integrations/google/connect', { body });
  window.location.assign(authorizeUrl);
}

/** What a connection needing attention asks for, in words. */
function attentionText(provider: Provider, status: string): string {
  const name = NAMES[provider];
  switch (status) {
    case 'needs_reauth':
      return `Your ${name} connection needs you to sign in again. Until then, your calendar here is not kept up to date.`;
    case 'revoked':
      return `calbridge lost access to your ${name} calendar. Reconnect it to keep your meetings up to date.`;
    case 'consent_required':
      return `Your ${name} connection needs your permission again.`;
    default:
      return `Your ${name} mailbox cannot be used with calbridge (it is not an Exchange Online mailbox).`;
  }
}

/** App-wide: a banner per connection that needs attention, with the one-click fix (sign in again). */
export function ConnectionBanner() {
  const conns = useConnections(60_000);
  const [busy, setBusy] = useState<Provider | null>(null);
  const broken = (conns.data ?? []).filter((c) => c.status && NEEDS_ATTENTION.has(c.status.status));
  if (broken.length === 0) return null;
  return (
    <div className="conn-banners">
      {broken.map(({ provider, status }) => (
        <div key={provider} className="conn-banner" role="alert" data-testid={`connection-banner-${provider}`}>
          <p>{attentionText(provider, status!.status)}</p>
          {status!.status !== 'unsupported_mailbox' && (
            <button
              type="button"
              className="primary"
              disabled={busy !== null}
              onClick={() => {
                setBusy(provider);
                if (status!.reconnectUrl) window.location.assign(status!.reconnectUrl);
                else void startConnect(provider, 'consent').catch(() => setBusy(null));
              }}
            >
              {busy === provider ? 'Opening…' : `Reconnect ${NAMES[provider]}`}
            </button>
          )}
        </div>
      ))}
    </div>
  );
}

/** No calendar connected yet: what calbridge does, and the two ways to start. */
export function ConnectCalendar({ providers }: { providers: Provider[] }) {
  const [busy, setBusy] = useState<Provider | null>(null);
  const [failed, setFailed] = useState(false);
  return (
    <section className="empty-state" aria-labelledby="connect-h">
      <h2 id="connect-h">Connect your calendar</h2>
      <p>
        calbridge shows your meetings on this page, spots which ones are with customers and helps you find times.
        Connect the calendar you use at work to begin: your meetings appear here within a minute.
      </p>
      <div className="connect-buttons">
        {providers.map((p) => (
          <button
            key={p}
            type="button"
            className="primary"
            disabled={busy !== null}
            onClick={() => {
              setBusy(p);
              setFailed(false);
              startConnect(p).catch(() => {
                setBusy(null);
                setFailed(true);
              });
            }}
          >
            {busy === p ? 'Opening…' : p === 'outlook' ? 'Connect Outlook' : 'Connect Google'}
          </button>
        ))}
      </div>
      {failed && (
        <p role="alert" className="bad">
          The sign-in page could not be opened. Try again in a moment; if it keeps failing, ask your administrator.
        </p>
      )}
      <p className="muted">You sign in with your provider; calbridge never sees your password.</p>
    </section>
  );
}

type SyncRow = ResponseOf<'/api/calendar/sync-status', 'get'>['calendars'][number];

/** The first sync's progress: calendars done of those selected, meetings read so far; null when nothing is syncing. */
export function firstSyncProgress(
  rows: SyncRow[],
): { done: number; total: number; events: number; percent: number } | null {
  const selected = rows.filter((r) => r.selected && !r.accessLost);
  const pending = selected.filter((r) => !r.lastSuccessAt && !r.lastError);
  if (selected.length === 0 || pending.length === 0) return null;
  const done = selected.length - pending.length;
  // A calendar part-way through counts half: the stage is determinate, the meeting count moves with every page.
  const partial = pending.filter((r) => r.fullSyncInProgress || r.pagesSynced > 0).length * 0.5;
  const percent = Math.min(99, Math.round(((done + partial) / selected.length) * 100));
  return { done, total: selected.length, events: selected.reduce((n, r) => n + r.eventsSynced, 0), percent };
}

/** Polls the sync status while a first sync runs; calls `onDone` once every calendar has synced. */
export function FirstSync({ onDone }: { onDone: () => void }) {
  const [tick, setTick] = useState(0);
  const status = useApi((signal) => api.get('/api/calendar/sync-status', { signal }), [tick]);
  const progress = status.data ? firstSyncProgress(status.data.calendars) : null;
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    if (progress) setSeen(true);
    else if (seen && status.data) {
      setSeen(false);
      onDone();
    }
    const t = window.setTimeout(() => setTick((n) => n + 1), progress || !status.data ? 1000 : 15_000);
    return () => window.clearTimeout(t);
  }, [status.data]);
  if (!progress) return null;
  const label = `Syncing your calendars: ${progress.done} of ${progress.total} done, ${progress.events} meetings read so far`;
  return (
    <section className="first-sync" aria-labelledby="first-sync-h">
      <h2 id="first-sync-h">Bringing in your meetings…</h2>
      <progress max={100} value={progress.percent} aria-labelledby="first-sync-h" aria-describedby="first-sync-d" />
      <p id="first-sync-d" role="status" aria-live="polite">
        {label} ({progress.percent}%).
      </p>
    </section>
  );
}
