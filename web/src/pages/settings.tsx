// Calendar integration settings: connection health per mailbox, one-click fixes, connect/disconnect, Teams default.
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { ResponseOf } from '../api/client';
import { Async, ErrorBox, useApi } from '../components/async';
import { dateTime, duration, relative } from '../format';
import { navigate, useLocation } from '../router';

type Status = ResponseOf<'/api/integrations/outlook/status', 'get'>;
type SyncStatus = ResponseOf<'/api/outlook/calendar/sync-status', 'get'>;

const STATUS_TEXT: Record<string, string> = {
  not_connected: 'Not connected',
  active: 'Connected',
  needs_reauth: 'Needs sign-in again',
  revoked: 'Disconnected',
  unsupported_mailbox: 'Mailbox not supported (on-premises Exchange)',
  consent_required: 'Your IT administrator must approve calbridge',
};

function CallbackBanner() {
  const { query } = useLocation();
  const connected = query.get('connected');
  const err = query.get('error');
  const admin = query.get('admin_consent');
  if (!connected && !admin) return null;
  const dismiss = () => navigate('/settings', { replace: true });
  const ok = (connected && !err) || admin === 'granted';
  return (
    <div className={ok ? 'success' : 'error'} role={ok ? 'status' : 'alert'}>
      {admin === 'granted' && 'Your administrator approved calbridge for the organisation. Connect again to finish.'}
      {admin === 'failed' && 'The administrator consent did not complete.'}
      {connected &&
        !err &&
        (query.get('status') === 'unsupported_mailbox'
          ? 'Signed in, but this mailbox is not in Exchange Online: calendar sync is not possible.'
          : 'Outlook connected. Your calendar is syncing now.')}
      {connected &&
        err === 'admin_consent_required' &&
        'Your organisation requires an administrator to approve calbridge. Send them the admin-consent link below.'}
      {connected && err && err !== 'admin_consent_required' && `Connecting Outlook failed (${err}).`}
      <button type="button" className="link" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}

function useAction() {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState<string | null>(null);
  const run = async (name: string, f: () => Promise<unknown>, message?: string) => {
    setBusy(name);
    setError(undefined);
    setDone(null);
    try {
      await f();
      if (message) setDone(message);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return { busy, error, done, run };
}

async function connect(prompt?: 'consent' | 'select_account') {
  const { authorizeUrl } = await api.post('/api/integrations/outlook/connect', { body: prompt ? { prompt } : {} });
  window.location.assign(authorizeUrl);
}

function AdminConsent() {
  const [link, setLink] = useState<ResponseOf<'/api/integrations/outlook/admin-consent-url', 'get'> | null>(null);
  const a = useAction();
  return (
    <div className="card">
      <h3>IT approval</h3>
      <p>If your organisation blocks user consent, an administrator can approve calbridge for everyone.</p>
      {!link && (
        <button
          type="button"
          disabled={a.busy !== null}
          onClick={() =>
            void a.run('consent', async () => setLink(await api.get('/api/integrations/outlook/admin-consent-url')))
          }
        >
          Get admin-consent link
        </button>
      )}
      {a.error !== undefined && <ErrorBox error={a.error} />}
      {link && (
        <>
          <p>
            Send this link to your administrator (valid until {dateTime(link.expiresAt)}):{' '}
            <a href={link.url} target="_blank" rel="noopener noreferrer">
              admin-consent link
            </a>
          </p>
          <ul className="scopes">
            {link.scopes.map((s) => (
              <li key={s.scope}>
                <code>{s.scope}</code> — {s.why}
                {s.adminOnly && <strong> (admin only)</strong>}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function SyncTable({ sync, onResync, busy }: { sync: SyncStatus; onResync: (id: string) => void; busy: boolean }) {
  if (sync.calendars.length === 0) return <p>No calendars are synced yet.</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption>Calendars and their sync health</caption>
        <thead>
          <tr>
            <th scope="col">Calendar</th>
            <th scope="col">Synced</th>
            <th scope="col">Last sync (lag)</th>
            <th scope="col">Subscription expires</th>
            <th scope="col">Last notification</th>
            <th scope="col">Problems</th>
            <th scope="col">Fix</th>
          </tr>
        </thead>
        <tbody>
          {sync.calendars.map((c) => (
            <tr key={c.calendarId}>
              <th scope="row">
                {c.name}
                {c.isShared && <span className="tag">shared</span>}
              </th>
              <td>
                <input type="checkbox" checked={c.selected} disabled aria-label={`Sync ${c.name}`} />{' '}
                {c.selected ? 'yes' : 'no'}
              </td>
              <td>
                {c.fullSyncInProgress ? (
                  <span className="progress" role="status">
                    First sync in progress: {c.pagesSynced} pages, {c.eventsSynced} events
                  </span>
                ) : (
                  <>
                    {dateTime(c.lastSuccessAt)} ({duration(c.lagSeconds)})
                  </>
                )}
              </td>
              <td>{c.subscriptionExpiresAt ? relative(c.subscriptionExpiresAt) : 'polling'}</td>
              <td>{c.lastNotificationAt ? relative(c.lastNotificationAt) : '—'}</td>
              <td>
                {c.lastError ? <span className="bad">⚠ {c.lastError}</span> : <span className="good">✓ none</span>}
              </td>
              <td>
                <button type="button" disabled={busy} onClick={() => onResync(c.calendarId)}>
                  Resync
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">
        Queue: {sync.queue.queued} waiting, {sync.queue.active} running. Choosing which calendars to sync is not
        available on this server yet; all your own calendars are synced.
      </p>
    </div>
  );
}

function Connection({ s, reload }: { s: Status; reload: () => void }) {
  const a = useAction();
  const [pollTick, setPollTick] = useState(0);
  const sync = useApi((signal) => api.get('/api/outlook/calendar/sync-status', { signal }), [s.status, pollTick]);
  const syncing = sync.data?.calendars.some((c) => c.fullSyncInProgress || !c.lastSuccessAt) ?? false;
  useEffect(() => {
    if (!s.connected || !syncing) return;
    const t = setTimeout(() => setPollTick((n) => n + 1), 2000);
    return () => clearTimeout(t);
  }, [s.connected, syncing, sync.data]);
  const resync = (calendarId?: string) =>
    a.run(
      'resync',
      async () =>
        api
          .post('/api/outlook/calendar/sync', { body: { full: true, ...(calendarId ? { calendarId } : {}) } })
          .then(() => setPollTick((n) => n + 1)),
      'Full resync queued.',
    );
  const broken = ['needs_reauth', 'revoked', 'consent_required'].includes(s.status);
  return (
    <section className="card" aria-labelledby="outlook-h">
      <h2 id="outlook-h">Outlook / Microsoft 365</h2>
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <span className={s.status === 'active' ? 'pill good' : s.connected ? 'pill' : 'pill bad'}>
            {s.status === 'active' ? '● ' : '○ '}
            {STATUS_TEXT[s.status] ?? s.status}
          </span>
        </dd>
        {s.account && (
          <>
            <dt>Connected as</dt>
            <dd>
              {s.account.name ?? ''} {s.account.email && <code>{s.account.email}</code>}
            </dd>
          </>
        )}
        {s.scopes.length > 0 && (
          <>
            <dt>Permissions</dt>
            <dd>{s.scopes.join(', ')}</dd>
          </>
        )}
        {s.connectedAt && (
          <>
            <dt>Connected</dt>
            <dd>{dateTime(s.connectedAt)}</dd>
          </>
        )}
        {(s.lastError || s.statusReason) && (
          <>
            <dt>Problem</dt>
            <dd className="bad">⚠ {s.lastError ?? s.statusReason}</dd>
          </>
        )}
      </dl>
      <div className="actions">
        {!s.connected && (
          <button
            type="button"
            className="primary"
            disabled={a.busy !== null}
            onClick={() => void a.run('connect', () => connect())}
          >
            Connect Outlook
          </button>
        )}
        {broken && (
          <button
            type="button"
            className="primary"
            disabled={a.busy !== null}
            onClick={() =>
              s.reconnectUrl ? window.location.assign(s.reconnectUrl) : void a.run('connect', () => connect('consent'))
            }
          >
            Reconnect
          </button>
        )}
        {s.connected && (
          <>
            <button type="button" disabled={a.busy !== null} onClick={() => resync()}>
              Resync everything
            </button>
            <button
              type="button"
              className="danger"
              disabled={a.busy !== null}
              onClick={() =>
                window.confirm('Disconnect Outlook? Synced meetings stay; sync stops.') &&
                void a.run(
                  'disconnect',
                  async () => {
                    await api.post('/api/integrations/outlook/disconnect');
                    reload();
                  },
                  'Disconnected.',
                )
              }
            >
              Disconnect
            </button>
          </>
        )}
      </div>
      {a.busy && <p role="status">Working…</p>}
      {a.done && (
        <p role="status" className="good">
          {a.done}
        </p>
      )}
      {a.error !== undefined && <ErrorBox error={a.error} />}
      {s.connected && (
        <>
          <h3>Calendars</h3>
          <Async state={sync} label="Loading sync status…">
            {(d) => <SyncTable sync={d} busy={a.busy !== null} onResync={(id) => resync(id)} />}
          </Async>
        </>
      )}
      {(s.status === 'consent_required' || !s.connected) && <AdminConsent />}
    </section>
  );
}

function TeamsDefault() {
  const me = useApi((signal) => api.get('/api/me', { signal }), []);
  const a = useAction();
  return (
    <section className="card" aria-labelledby="prefs-h">
      <h2 id="prefs-h">Meeting defaults</h2>
      <Async state={me}>
        {(m) => (
          <label className="switch">
            <input
              type="checkbox"
              checked={m.tenant.settings.onlineMeetingByDefault ?? false}
              disabled={a.busy !== null}
              onChange={(e) =>
                void a.run(
                  'teams',
                  async () => {
                    await api.patch('/api/settings', { body: { onlineMeetingByDefault: e.target.checked } });
                    me.reload();
                  },
                  'Saved.',
                )
              }
            />
            New meetings are Teams meetings by default
          </label>
        )}
      </Async>
      {a.done && (
        <p role="status" className="good">
          {a.done}
        </p>
      )}
      {a.error !== undefined && <ErrorBox error={a.error} />}
    </section>
  );
}

export function SettingsPage() {
  const status = useApi((signal) => api.get('/api/integrations/outlook/status', { signal }), []);
  return (
    <>
      <h1>Calendar integration</h1>
      <CallbackBanner />
      <Async state={status} label="Checking your Outlook connection…">
        {(s) => <Connection s={s} reload={status.reload} />}
      </Async>
      <TeamsDefault />
    </>
  );
}
