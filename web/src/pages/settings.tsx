// Calendar integration settings: connection health per mailbox, one-click fixes, connect/disconnect, which calendars
// sync and which is the default, the user's sync preferences, Teams default (admins), where you are signed in.
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { ResponseOf } from '../api/client';
import { Async, ErrorBox, useApi } from '../components/async';
import { dateTime, duration, relative } from '../format';
import { navigate, useLocation } from '../router';
import { hasRole, useSession } from '../session';
import { GoogleSettings } from './settings-google';
import {
  ActionOutcome,
  ConnectionFacts,
  STATUS_TEXT,
  defaultBlocker,
  useAction,
  useCalendarChoices,
  type SyncRow,
} from './settings-common';

type Status = ResponseOf<'/api/integrations/outlook/status', 'get'>;
type SyncStatus = ResponseOf<'/api/calendar/sync-status', 'get'>;

const OUTLOOK_STATUS_TEXT: Record<string, string> = {
  ...STATUS_TEXT,
  unsupported_mailbox: 'Mailbox not supported (on-premises Exchange)',
  consent_required: 'Your IT administrator must approve calbridge',
};

function CallbackBanner() {
  const { query } = useLocation();
  const connected = query.get('connected') === 'google' ? null : query.get('connected'); // Google: settings-google
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

async function connect(prompt?: 'consent' | 'select_account') {
  const { authorizeUrl } = await api.post('/api/integrations/outlook/connect', { body: prompt ? { prompt } : {} });
  window.location.assign(authorizeUrl);
}

function AdminConsent({ rooms = false }: { rooms?: boolean }) {
  const [link, setLink] = useState<ResponseOf<'/api/integrations/outlook/admin-consent-url', 'get'> | null>(null);
  const a = useAction();
  return (
    <div className="card">
      <h3>{rooms ? 'Meeting rooms need IT approval' : 'IT approval'}</h3>
      {rooms ? (
        <p>
          Finding and booking meeting rooms needs the <code>Place.Read.All</code> permission, which only an
          administrator of your organisation can grant. Send them the link below; once they have approved, sign in again
          here to use it.
        </p>
      ) : (
        <p>If your organisation blocks user consent, an administrator can approve calbridge for everyone.</p>
      )}
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
      {rooms && (
        <button type="button" disabled={a.busy !== null} onClick={() => void a.run('signin', () => connect())}>
          Sign in again to use the approval
        </button>
      )}
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

/** A calendar's name as the user tells them apart: shared calendars (often also called "Calendar") name their owner. */
const calendarLabel = (c: SyncRow) => (c.isShared ? `${c.name} (shared by ${c.ownerEmail ?? 'someone else'})` : c.name);

/** Sync selection and default calendar per calendar (PATCH /api/calendars/:id), with each calendar's sync health. */
function SyncTable({
  sync,
  onResync,
  onChanged,
  busy,
}: {
  sync: SyncStatus;
  onResync: (id: string) => void;
  onChanged: () => void;
  busy: boolean;
}) {
  const { a, shown, toggle, makeDefault } = useCalendarChoices(sync.calendars, calendarLabel, onChanged);
  if (sync.calendars.length === 0) return <p>No calendars are synced yet.</p>;
  const disabled = busy || a.busy !== null;
  return (
    <div className="table-wrap">
      <table>
        <caption>Calendars and their sync health</caption>
        <thead>
          <tr>
            <th scope="col">Calendar</th>
            <th scope="col">Synced</th>
            <th scope="col">Default</th>
            <th scope="col">Last sync (lag)</th>
            <th scope="col">Subscription expires</th>
            <th scope="col">Last notification</th>
            <th scope="col">Problems</th>
            <th scope="col">Fix</th>
          </tr>
        </thead>
        <tbody>
          {sync.calendars.map((row) => {
            const c = shown(row);
            const blocker = defaultBlocker(c);
            return (
              <tr key={c.calendarId} data-calendar-id={c.calendarId}>
                <th scope="row">
                  {c.name}
                  {c.isShared && <span className="tag">shared</span>}
                  {c.isDefault && <span className="tag">default</span>}
                </th>
                <td>
                  <label className="switch">
                    <input
                      type="checkbox"
                      checked={c.selected}
                      disabled={disabled || (c.isDefault && c.selected)}
                      aria-describedby={c.isDefault ? `default-note-${c.calendarId}` : undefined}
                      onChange={(e) => toggle(c, e.target.checked)}
                    />
                    Sync {calendarLabel(c)}
                  </label>
                  {c.isDefault && (
                    <span className="hint" id={`default-note-${c.calendarId}`}>
                      The default calendar is always synced.
                    </span>
                  )}
                </td>
                <td>
                  <label className="switch">
                    <input
                      type="radio"
                      name={`default-${c.connectionId}`}
                      checked={c.isDefault}
                      disabled={disabled || (blocker !== null && !c.isDefault)}
                      aria-describedby={blocker && !c.isDefault ? `default-why-${c.calendarId}` : undefined}
                      onChange={() => makeDefault(c)}
                    />
                    Default for new meetings: {calendarLabel(c)}
                  </label>
                  {blocker && !c.isDefault && (
                    <span className="hint" id={`default-why-${c.calendarId}`}>
                      ({blocker})
                    </span>
                  )}
                </td>
                <td>
                  {!c.selected ? (
                    'not synced'
                  ) : c.fullSyncInProgress ? (
                    <span className="progress" role="status">
                      First sync in progress: {c.pagesSynced} pages, {c.eventsSynced} events
                    </span>
                  ) : (
                    <>
                      {dateTime(c.lastSuccessAt)} ({duration(c.lagSeconds)})
                    </>
                  )}
                </td>
                <td>{c.subscriptionExpiresAt ? relative(c.subscriptionExpiresAt) : c.selected ? 'polling' : '—'}</td>
                <td>{c.lastNotificationAt ? relative(c.lastNotificationAt) : '—'}</td>
                <td>
                  {c.throttled ? (
                    <span className="bad">⚠ Throttled by the provider — calbridge retries automatically</span>
                  ) : c.lastError ? (
                    <span className="bad">⚠ {c.lastError}</span>
                  ) : (
                    <span className="good">✓ none</span>
                  )}
                </td>
                <td>
                  {sync.notifications &&
                    c.selected &&
                    !c.isShared &&
                    (!c.subscriptionExpiresAt || Date.parse(c.subscriptionExpiresAt) <= Date.now()) && (
                      <button
                        type="button"
                        disabled={disabled}
                        aria-label={`Resubscribe ${calendarLabel(c)}`}
                        onClick={() =>
                          void a.run(
                            'resubscribe',
                            async () => {
                              // A sync job renews or recreates the calendar's change subscription after syncing.
                              await api.post('/api/calendar/sync', { body: { calendarId: c.calendarId } });
                              onChanged();
                            },
                            `Renewing the change notifications of “${c.name}”.`,
                          )
                        }
                      >
                        Resubscribe
                      </button>
                    )}{' '}
                  <button
                    type="button"
                    disabled={disabled || !c.selected}
                    aria-label={`Resync ${calendarLabel(c)}`}
                    onClick={() => onResync(c.calendarId)}
                  >
                    Resync
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <ActionOutcome a={a} busyText="Saving…" />
      <p className="hint">
        Queue: {sync.queue.queued} waiting, {sync.queue.active} running. Untick a calendar to stop syncing it; the
        default calendar is where calbridge creates new meetings.
      </p>
    </div>
  );
}

function Connection({ s, reload }: { s: Status; reload: () => void }) {
  const a = useAction();
  const [pollTick, setPollTick] = useState(0);
  const sync = useApi((signal) => api.get('/api/calendar/sync-status', { signal }), [s.status, pollTick]);
  const syncing = sync.data?.calendars.some((c) => c.selected && (c.fullSyncInProgress || !c.lastSuccessAt)) ?? false;
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
          .post('/api/calendar/sync', { body: { full: true, ...(calendarId ? { calendarId } : {}) } })
          .then(() => setPollTick((n) => n + 1)),
      'Full resync queued.',
    );
  const broken = ['needs_reauth', 'revoked', 'consent_required'].includes(s.status);
  return (
    <section className="card" aria-labelledby="outlook-h">
      <h2 id="outlook-h">Outlook / Microsoft 365</h2>
      <ConnectionFacts s={s} statusText={OUTLOOK_STATUS_TEXT} neutral={s.connected}>
        {s.scopes.length > 0 && (
          <>
            <dt>Permissions</dt>
            <dd>{s.scopes.join(', ')}</dd>
          </>
        )}
      </ConnectionFacts>
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
      <ActionOutcome a={a} busyText="Working…" />
      {s.connected && (
        <>
          <h3>Calendars</h3>
          <Async state={sync} label="Loading sync status…">
            {(d) => (
              <SyncTable
                sync={{ ...d, calendars: d.calendars.filter((c) => c.provider === 'MICROSOFT') }}
                busy={a.busy !== null}
                onResync={(id) => resync(id)}
                onChanged={() => setPollTick((n) => n + 1)}
              />
            )}
          </Async>
        </>
      )}
      {(s.status === 'consent_required' || !s.connected) && <AdminConsent />}
      {s.status === 'active' && !s.scopes.some((x) => x.endsWith('Place.Read.All')) && <AdminConsent rooms />}
    </section>
  );
}

type Prefs = ResponseOf<'/api/sync/preferences', 'get'>;
type PrefKey = 'windowPastDays' | 'windowFutureDays' | 'pollIntervalSeconds';

/** The same bounds as the API (PUT /api/sync/preferences answers 400 validation_failed outside them). */
const PREF_FIELDS: Array<{ key: PrefKey; label: string; unit: string; min: number; max: number; hint: string }> = [
  {
    key: 'windowPastDays',
    label: 'Past days to sync',
    unit: 'days',
    min: 0,
    max: 3650,
    hint: 'Meetings older than this are not kept.',
  },
  {
    key: 'windowFutureDays',
    label: 'Future days to sync',
    unit: 'days',
    min: 1,
    max: 3650,
    hint: 'How far ahead meetings are synced.',
  },
  {
    key: 'pollIntervalSeconds',
    label: 'Check for changes every',
    unit: 'seconds',
    min: 5,
    max: 86_400,
    hint: 'Calendars with change notifications update sooner; this is the fallback.',
  },
];

function fieldError(f: (typeof PREF_FIELDS)[number], raw: string): string | null {
  if (raw.trim() === '') return `Enter the ${f.unit}.`;
  const v = Number(raw);
  if (!Number.isInteger(v)) return `Enter a whole number of ${f.unit}.`;
  if (v < f.min || v > f.max) return `Enter ${f.min} to ${f.max.toLocaleString()} ${f.unit}.`;
  return null;
}

function PreferencesForm({ prefs, onSaved }: { prefs: Prefs; onSaved: () => void }) {
  const a = useAction();
  const initial = (p: Prefs) =>
    Object.fromEntries(PREF_FIELDS.map((f) => [f.key, String(p[f.key])])) as Record<PrefKey, string>;
  const [values, setValues] = useState(() => initial(prefs));
  const [tried, setTried] = useState(false);
  useEffect(() => setValues(initial(prefs)), [prefs]);
  const errs = Object.fromEntries(PREF_FIELDS.map((f) => [f.key, fieldError(f, values[f.key])])) as Record<
    PrefKey,
    string | null
  >;
  const invalid = Object.values(errs).some((e) => e !== null);
  const dirty = PREF_FIELDS.some((f) => values[f.key] !== String(prefs[f.key]));
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (invalid) return;
    void a.run(
      'save',
      async () => {
        await api.put('/api/sync/preferences', {
          body: {
            windowPastDays: Number(values.windowPastDays),
            windowFutureDays: Number(values.windowFutureDays),
            pollIntervalSeconds: Number(values.pollIntervalSeconds),
          },
        });
        setTried(false);
        onSaved();
      },
      'Saved. A changed window resyncs your calendars now.',
    );
  };
  const d = prefs.defaults;
  return (
    <form onSubmit={submit} noValidate aria-labelledby="syncprefs-h">
      {PREF_FIELDS.map((f) => {
        const err = tried || values[f.key] !== String(prefs[f.key]) ? errs[f.key] : null;
        return (
          <div className="field" key={f.key}>
            <label htmlFor={`pref-${f.key}`}>
              {f.label} ({f.unit})
            </label>
            <input
              id={`pref-${f.key}`}
              name={f.key}
              type="number"
              inputMode="numeric"
              min={f.min}
              max={f.max}
              step={1}
              required
              value={values[f.key]}
              aria-invalid={err ? true : undefined}
              aria-describedby={`pref-${f.key}-hint${err ? ` pref-${f.key}-err` : ''}`}
              onChange={(e) => setValues((v) => ({ ...v, [f.key]: e.target.value }))}
            />
            <span className="hint" id={`pref-${f.key}-hint`}>
              {f.hint} Server default: {d[f.key].toLocaleString()}.
            </span>
            {err && (
              <span className="bad" id={`pref-${f.key}-err`}>
                {err}
              </span>
            )}
          </div>
        );
      })}
      <p className="hint">
        {prefs.custom
          ? `Your own settings${prefs.updatedAt ? `, saved ${dateTime(prefs.updatedAt)}` : ''}.`
          : 'You are using the server defaults.'}
      </p>
      <div className="actions">
        <button type="submit" className="primary" disabled={a.busy !== null || !dirty}>
          Save sync preferences
        </button>
        {prefs.custom && (
          <button
            type="button"
            disabled={a.busy !== null}
            onClick={() =>
              void a.run(
                'reset',
                async () => {
                  await api.delete('/api/sync/preferences');
                  onSaved();
                },
                'Back to the server defaults.',
              )
            }
          >
            Use server defaults
          </button>
        )}
      </div>
      {tried && invalid && (
        <p className="error" role="alert">
          Fix the highlighted fields, then save again.
        </p>
      )}
      <ActionOutcome a={a} busyText="Saving…" />
    </form>
  );
}

function SyncPreferences() {
  const prefs = useApi((signal) => api.get('/api/sync/preferences', { signal }), []);
  return (
    <section className="card" aria-labelledby="syncprefs-h">
      <h2 id="syncprefs-h">Sync preferences</h2>
      <Async state={prefs} label="Loading your sync preferences…">
        {(p) => <PreferencesForm prefs={p} onSaved={prefs.reload} />}
      </Async>
    </section>
  );
}

function TeamsDefault() {
  const me = useApi((signal) => api.get('/api/me', { signal }), []);
  const a = useAction();
  const isAdmin = hasRole(useSession().role, 'admin');
  return (
    <section className="card" aria-labelledby="prefs-h">
      <h2 id="prefs-h">Meeting defaults</h2>
      {!isAdmin && <p className="muted">Your organisation&apos;s admins set these for everyone.</p>}
      <Async state={me}>
        {(m) => (
          <label className="switch">
            <input
              type="checkbox"
              checked={m.tenant.settings.onlineMeetingByDefault ?? false}
              disabled={a.busy !== null || !isAdmin}
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
            New meetings get an online meeting link by default (Teams or Google Meet)
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

/** Where the person is signed in (browser sessions), and "sign out everywhere" (this browser too). */
function Sessions() {
  const who = useSession();
  const list = useApi((signal) => api.get('/api/auth/sessions', { signal }), []);
  const a = useAction();
  const everywhere = () =>
    void a.run('everywhere', async () => {
      await api.post('/api/auth/signout-everywhere');
      navigate('/signin', { replace: true });
      window.location.reload();
    });
  return (
    <section className="card" aria-labelledby="sessions-h">
      <h2 id="sessions-h">Where you are signed in</h2>
      {who.via !== 'session' ? (
        <p className="muted">You are using an API key in this tab; browser sign-ins are listed when you sign in.</p>
      ) : (
        <Async state={list}>
          {(l) => (
            <>
              <table>
                <caption className="sr-only">Your browser sessions</caption>
                <thead>
                  <tr>
                    <th scope="col">Signed in</th>
                    <th scope="col">With</th>
                    <th scope="col">Browser</th>
                    <th scope="col">Last used</th>
                  </tr>
                </thead>
                <tbody>
                  {l.sessions.map((x) => (
                    <tr key={x.id} data-testid="session-row">
                      <td>
                        {dateTime(x.createdAt)}
                        {x.current && <span className="tag"> this browser</span>}
                      </td>
                      <td>{x.provider ?? '—'}</td>
                      <td>{x.userAgent ?? '—'}</td>
                      <td>{relative(x.lastSeenAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <button type="button" disabled={a.busy !== null} onClick={everywhere}>
                Sign out everywhere
              </button>
            </>
          )}
        </Async>
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
      <GoogleSettings />
      <SyncPreferences />
      <TeamsDefault />
      <Sessions />
    </>
  );
}
