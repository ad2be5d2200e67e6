// Google Calendar on the settings page: connection status, connect through Google's consent page (and back with a
// banner), reconnect when the grant stopped working, calendars and their sync, disconnect after a confirmation.
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError } from '../api/client';
import type { ResponseOf } from '../api/client';
import { Async, ErrorBox, Loading, useApi } from '../components/async';
import { relative } from '../format';
import { navigate, useLocation } from '../router';
import {
  ActionOutcome,
  ConnectionFacts,
  STATUS_TEXT,
  defaultBlocker,
  useAction,
  useCalendarChoices,
  type SyncRow,
} from './settings-common';

type Status = ResponseOf<'/api/integrations/google/status', 'get'>;
type Calendar = Status['calendars'][number];

/** What each Google scope is for, in the words of docs/google.md. */
const SCOPE_WHY: Record<string, string> = {
  'calendar.events': 'create and update the meetings you approve; read events for sync',
  'calendar.readonly': 'list your calendars, read free/busy of colleagues and rooms',
  'admin.directory.resource.calendar.readonly': 'list your organisation’s meeting rooms',
  openid: 'identify your account',
  email: 'your address',
  profile: 'your name',
};
const shortScope = (s: string) => s.replace(/^https:\/\/www\.googleapis\.com\/auth\//, '');

/** The answer of Google's redirect back here: `?connected=google` (with `&error=…` when it failed). */
function GoogleCallbackBanner() {
  const { query } = useLocation();
  if (query.get('connected') !== 'google') return null;
  const err = query.get('error');
  const text = !err
    ? 'Google Calendar connected. Your calendar is syncing now.'
    : err === 'access_denied'
      ? 'Connecting Google Calendar was cancelled on Google’s consent page.'
      : `Connecting Google Calendar failed (${err}).`;
  return (
    <div className={err ? 'error' : 'success'} role={err ? 'alert' : 'status'}>
      {text}{' '}
      <button type="button" className="link" onClick={() => navigate('/settings', { replace: true })}>
        Dismiss
      </button>
    </div>
  );
}

async function connect(prompt?: 'consent' | 'select_account') {
  const { authorizeUrl } = await api.post('/api/integrations/google/connect', { body: prompt ? { prompt } : {} });
  window.location.assign(authorizeUrl);
}

const hasMeet = (c: Calendar | undefined) =>
  c?.onlineMeetingProviders.some((p) => p === 'googleMeet' || p === 'hangoutsMeet') ?? false;

/** The Google calendars: sync on/off, the default for new meetings, Meet support and sync health, per calendar. */
function CalendarTable({
  rows,
  calendars,
  onChanged,
  onResync,
  busy,
}: {
  rows: SyncRow[];
  calendars: Calendar[];
  onChanged: () => void;
  onResync: (calendarId: string) => void;
  busy: boolean;
}) {
  const { a, shown, toggle, makeDefault } = useCalendarChoices(rows, (c) => c.name, onChanged);
  if (rows.length === 0) return <p>No Google calendars are known yet. Refresh the calendar list.</p>;
  const info = new Map(calendars.map((c) => [c.id, c]));
  const disabled = busy || a.busy !== null;
  return (
    <>
      <div className="table-wrap">
        <table>
          <caption>Google calendars and their sync</caption>
          <thead>
            <tr>
              <th scope="col">Calendar</th>
              <th scope="col">Synced</th>
              <th scope="col">Default</th>
              <th scope="col">Google Meet</th>
              <th scope="col">Last sync</th>
              <th scope="col">Problems</th>
              <th scope="col">Fix</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const r = shown(row);
              const blocker = defaultBlocker(r);
              return (
                <tr key={r.calendarId}>
                  <th scope="row">
                    {r.name}
                    {r.isDefault && <span className="tag">default</span>}
                    {r.isShared && <span className="tag">shared</span>}
                    {!r.canEdit && <span className="tag">read only</span>}
                  </th>
                  <td>
                    <label className="switch">
                      <input
                        type="checkbox"
                        checked={r.selected}
                        disabled={disabled || (r.isDefault && r.selected)}
                        onChange={(e) => toggle(r, e.target.checked)}
                      />
                      <span className="sr-only">Sync {r.name}</span>
                      <span aria-hidden="true">{r.selected ? 'yes' : 'no'}</span>
                    </label>
                  </td>
                  <td>
                    <label className="switch">
                      <input
                        type="radio"
                        name={`google-default-${r.connectionId}`}
                        checked={r.isDefault}
                        disabled={disabled || (blocker !== null && !r.isDefault)}
                        title={blocker && !r.isDefault ? blocker : undefined}
                        onChange={() => makeDefault(r)}
                      />
                      <span className="sr-only">
                        Default for new meetings: {r.name}
                        {blocker && !r.isDefault && ` (${blocker})`}
                      </span>
                    </label>
                  </td>
                  <td>{hasMeet(info.get(r.calendarId)) ? 'yes' : 'no'}</td>
                  <td>
                    {!r.selected ? (
                      'not synced'
                    ) : r.fullSyncInProgress && !r.lastError ? (
                      <span className="progress" role="status">
                        First sync in progress: {r.eventsSynced} events
                      </span>
                    ) : r.lastSuccessAt ? (
                      relative(r.lastSuccessAt)
                    ) : r.lastError ? (
                      'not synced yet'
                    ) : (
                      'waiting for the first sync'
                    )}
                  </td>
                  <td>
                    {r.lastError ? <span className="bad">⚠ {r.lastError}</span> : <span className="good">✓ none</span>}
                  </td>
                  <td>
                    <button
                      type="button"
                      disabled={disabled || !r.selected}
                      aria-label={`Resync ${r.name}`}
                      onClick={() => onResync(r.calendarId)}
                    >
                      Resync
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <ActionOutcome a={a} busyText="Saving…" />
    </>
  );
}

function GoogleConnection({ s, reload }: { s: Status; reload: () => void }) {
  const a = useAction();
  const [confirming, setConfirming] = useState(false);
  const [calendars, setCalendars] = useState<Calendar[]>(s.calendars);
  const [tick, setTick] = useState(0);
  const confirmRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const disconnectRef = useRef<HTMLButtonElement>(null);
  // Where focus goes when the confirmation closes: back to its button, or to the heading after a disconnect.
  const focusAfter = useRef<'button' | 'heading' | null>(null);
  useEffect(() => setCalendars(s.calendars), [s.calendars]);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
    else if (focusAfter.current === 'heading') headingRef.current?.focus();
    else if (focusAfter.current === 'button') disconnectRef.current?.focus();
    focusAfter.current = null;
  }, [confirming]);
  // Google refused the grant during an action: re-read the status so the card offers Reconnect.
  useEffect(() => {
    if (a.error instanceof ApiError && a.error.code === 'reconnect_required') reload();
  }, [a.error, reload]);
  const cancelConfirm = () => {
    focusAfter.current = 'button';
    setConfirming(false);
  };
  const sync = useApi(
    async (signal) => (s.connected ? (await api.get('/api/calendar/sync-status', { signal })).calendars : []),
    [s.connected, tick],
  );
  // The default calendar first, then own calendars, then shared ones (rooms), each by name.
  const rows = useMemo(
    () =>
      (sync.data ?? [])
        .filter((r) => r.provider === 'GOOGLE')
        .sort(
          (x, y) =>
            Number(y.isDefault) - Number(x.isDefault) ||
            Number(x.isShared) - Number(y.isShared) ||
            x.name.localeCompare(y.name),
        ),
    [sync.data],
  );
  // Poll while a calendar's first sync runs; one that keeps failing shows its error instead of being polled forever.
  const syncing = rows.some((r) => r.selected && !r.lastError && (r.fullSyncInProgress || !r.lastSuccessAt));
  useEffect(() => {
    if (!s.connected || !syncing) return;
    const t = setTimeout(() => setTick((n) => n + 1), 2000);
    return () => clearTimeout(t);
  }, [s.connected, syncing, sync.data]);
  const resync = (calendarId: string) =>
    void a.run(
      'resync',
      async () => {
        await api.post('/api/calendar/sync', { body: { full: true, calendarId } });
        setTick((n) => n + 1);
      },
      'Full resync queued.',
    );
  const reconnect = () =>
    s.reconnectUrl ? window.location.assign(s.reconnectUrl) : void a.run('connect', () => connect('consent'));
  const disconnect = () =>
    a.run(
      'disconnect',
      async () => {
        await api.post('/api/integrations/google/disconnect');
        focusAfter.current = 'heading';
        setConfirming(false);
        reload();
      },
      'Google Calendar disconnected.',
    );
  const exists = s.status === 'active' || s.status === 'needs_reauth';
  return (
    <section className="card" aria-labelledby="google-h">
      <h2 id="google-h" tabIndex={-1} ref={headingRef}>
        Google Calendar
      </h2>
      <ConnectionFacts s={s} statusText={STATUS_TEXT} neutral={exists}>
        {s.providerTenantId && (
          <>
            <dt>Domain</dt>
            <dd>{s.providerTenantId}</dd>
          </>
        )}
        {s.scopes.length > 0 && (
          <>
            <dt>Permissions</dt>
            <dd>
              <ul className="scopes">
                {s.scopes.map((scope) => (
                  <li key={scope}>
                    <code>{shortScope(scope)}</code>
                    {SCOPE_WHY[shortScope(scope)] && ` — ${SCOPE_WHY[shortScope(scope)]}`}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </ConnectionFacts>
      {s.status === 'needs_reauth' && (
        <p className="hint">
          Google no longer accepts calbridge’s access: sign in again to resume sync and scheduling.
        </p>
      )}
      <div className="actions">
        {!exists && (
          <button
            type="button"
            className="primary"
            disabled={a.busy !== null}
            onClick={() => void a.run('connect', () => connect())}
          >
            Connect Google Calendar
          </button>
        )}
        {s.status === 'needs_reauth' && (
          <button type="button" className="primary" disabled={a.busy !== null} onClick={reconnect}>
            Reconnect Google Calendar
          </button>
        )}
        {s.connected && (
          <button
            type="button"
            disabled={a.busy !== null}
            onClick={() =>
              void a.run(
                'refresh',
                async () => {
                  setCalendars((await api.get('/api/integrations/google/calendars')).calendars);
                  setTick((n) => n + 1);
                },
                'Calendar list refreshed.',
              )
            }
          >
            Refresh calendars
          </button>
        )}
        {exists && !confirming && (
          <button
            type="button"
            className="danger"
            ref={disconnectRef}
            disabled={a.busy !== null}
            onClick={() => setConfirming(true)}
          >
            Disconnect Google Calendar
          </button>
        )}
      </div>
      {confirming && (
        <div
          id="google-disconnect"
          className="notice"
          role="alertdialog"
          aria-labelledby="google-disconnect-q"
          tabIndex={-1}
          ref={confirmRef}
          onKeyDown={(e) => e.key === 'Escape' && cancelConfirm()}
        >
          <p id="google-disconnect-q">
            Disconnect Google Calendar? Synced meetings stay in calbridge; sync and scheduling through Google stop.
          </p>
          <div className="actions">
            <button type="button" className="danger" disabled={a.busy !== null} onClick={() => void disconnect()}>
              Yes, disconnect
            </button>
            <button type="button" disabled={a.busy !== null} onClick={cancelConfirm}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {a.busy && (
        <p role="status" className="loading">
          <span className="spinner" aria-hidden="true" /> {a.busy === 'connect' ? 'Opening Google…' : 'Working…'}
        </p>
      )}
      {a.done && (
        <p role="status" className="good">
          {a.done}
        </p>
      )}
      {a.error !== undefined && <ErrorBox error={a.error} />}
      {s.connected && (
        <>
          <h3>Calendars</h3>
          {sync.error !== undefined ? (
            <ErrorBox error={sync.error} retry={sync.reload} />
          ) : sync.data === undefined ? (
            <Loading label="Loading sync status…" />
          ) : (
            <CalendarTable
              rows={rows}
              calendars={calendars}
              busy={a.busy !== null}
              onResync={resync}
              onChanged={() => setTick((n) => n + 1)}
            />
          )}
        </>
      )}
    </section>
  );
}

/** The Google Calendar card of the settings page (mounted by settings.tsx). */
export function GoogleSettings() {
  const status = useApi((signal) => api.get('/api/integrations/google/status', { signal }), []);
  return (
    <>
      <GoogleCallbackBanner />
      <Async state={status} label="Checking your Google Calendar connection…">
        {(s) => <GoogleConnection s={s} reload={status.reload} />}
      </Async>
    </>
  );
}
