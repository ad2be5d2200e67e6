// Calendar integration settings: one card per provider (settings-provider.tsx: connection health, one-click fixes,
// connect/disconnect, which calendars sync and which is the default), Outlook's IT approval, the user's sync
// preferences, Teams default (admins), where you are signed in.
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { ResponseOf } from '../api/client';
import { Async, ErrorBox, useApi } from '../components/async';
import { dateTime, relative } from '../format';
import { navigate, useLocation } from '../router';
import { hasRole, useSession } from '../session';
import { CalendarFeed } from './settings-calendar-feed';
import { ActionOutcome, useAction } from './settings-common';
import { GOOGLE, OUTLOOK, ProviderSettings } from './settings-provider';

/** The answer of Microsoft's admin-consent page (`?admin_consent=granted|failed`). */
function AdminConsentBanner() {
  const { query } = useLocation();
  const admin = query.get('admin_consent');
  if (!admin) return null;
  const ok = admin === 'granted';
  return (
    <div className={ok ? 'success' : 'error'} role={ok ? 'status' : 'alert'}>
      {ok
        ? 'Your administrator approved calbridge for the organisation. Connect again to finish.'
        : 'The administrator consent did not complete.'}{' '}
      <button type="button" className="link" onClick={() => navigate('/settings', { replace: true })}>
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
  return (
    <>
      <h1>Calendar integration</h1>
      <AdminConsentBanner />
      <ProviderSettings
        spec={OUTLOOK}
        bannerError={(err) =>
          err === 'admin_consent_required'
            ? 'Your organisation requires an administrator to approve calbridge. Send them the admin-consent link below.'
            : null
        }
        extra={(s) => (
          <>
            {(s.status === 'consent_required' || !s.connected) && <AdminConsent />}
            {s.status === 'active' && !s.scopes.some((x) => x.endsWith('Place.Read.All')) && <AdminConsent rooms />}
          </>
        )}
      />
      <ProviderSettings spec={GOOGLE} />
      <SyncPreferences />
      <CalendarFeed />
      <TeamsDefault />
      <Sessions />
    </>
  );
}
