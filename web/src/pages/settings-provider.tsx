// One settings card for a calendar provider (Outlook / Microsoft 365 and Google Calendar), parameterised by a
// ProviderSpec: the connection's status and facts, connect (and back with a banner), reconnect when the grant stopped
// working, refresh the calendar list, resync, disconnect after an inline confirmation, and the provider's calendars
// with their sync on/off, default for new meetings, online meetings and sync health. Problems are shown in plain
// words (web/src/errors.ts), never as codes.
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, ApiError } from '../api/client';
import type { ResponseOf } from '../api/client';
import { Async, ErrorBox, Loading, useApi } from '../components/async';
import { ErrorDetails } from '../components/error-box';
import { describeProblemText, wordsFor } from '../errors';
import { dateTime, duration, relative } from '../format';
import { navigate, useLocation } from '../router';
import { announce } from '../shell/announce';
import {
  ActionOutcome,
  ConnectionFacts,
  STATUS_TEXT,
  defaultBlocker,
  useAction,
  useCalendarChoices,
  type SyncRow,
} from './settings-common';

export type ProviderStatus = ResponseOf<'/api/integrations/outlook/status', 'get'>;
type Calendar = ProviderStatus['calendars'][number];

export interface ProviderSpec {
  /** The provider's path segment and the `?connected=` value of its callback. */
  id: 'outlook' | 'google';
  /** The sync status rows' provider. */
  provider: 'MICROSOFT' | 'GOOGLE';
  /** The card's heading (its region's name). */
  title: string;
  /** How buttons and messages name it: "Connect Outlook", "Disconnect Google Calendar". */
  name: string;
  /** Where its consent page is: "Opening Microsoft…". */
  company: string;
  statusText: Record<string, string>;
  /** What the organisation is called in the facts (Microsoft tenant, Google Workspace domain). */
  tenantLabel: string;
  /** Scope URL prefix left out when the scopes are listed. */
  scopePrefix: RegExp;
  /** Why each (short) scope is asked for. */
  scopeWhy: Record<string, string>;
  /** Online meeting providers that count as the provider's own (Teams, Meet) and its name. */
  meeting: { label: string; providers: string[] };
  /** Columns for change notifications (subscription expiry, last notification) in the calendar table. */
  pushColumns: boolean;
  /** The callback banner's text on success (a `status` query value may say more). */
  connectedText: (status: string | null) => string;
}

const MICROSOFT_SCOPE_WHY: Record<string, string> = {
  'Calendars.ReadWrite': 'create and update the meetings you approve; read events for sync',
  'Calendars.Read.Shared': 'read calendars shared with you',
  'Calendars.ReadWrite.Shared': 'write to calendars shared with you with edit rights',
  'MailboxSettings.Read': 'your time zone and working hours',
  'User.Read': 'your name and address',
  'User.ReadBasic.All': 'find colleagues by name',
  'People.Read': 'suggest people you work with',
  'Place.Read.All': 'list your organisation’s meeting rooms',
  'Mail.Send': 'send approval requests from your mailbox',
  offline_access: 'keep syncing while you are away',
  openid: 'identify your account',
  email: 'your address',
  profile: 'your name',
};

export const OUTLOOK: ProviderSpec = {
  id: 'outlook',
  provider: 'MICROSOFT',
  title: 'Outlook / Microsoft 365',
  name: 'Outlook',
  company: 'Microsoft',
  statusText: {
    ...STATUS_TEXT,
    unsupported_mailbox: 'Mailbox not supported (on-premises Exchange)',
    consent_required: 'Your IT administrator must approve calbridge',
  },
  tenantLabel: 'Organisation',
  scopePrefix: /^https:\/\/graph\.microsoft\.com\//,
  scopeWhy: MICROSOFT_SCOPE_WHY,
  meeting: { label: 'Teams', providers: ['teamsForBusiness'] },
  pushColumns: true,
  connectedText: (status) =>
    status === 'unsupported_mailbox'
      ? 'Signed in, but this mailbox is not in Exchange Online: calendar sync is not possible.'
      : 'Outlook connected. Your calendar is syncing now.',
};

export const GOOGLE: ProviderSpec = {
  id: 'google',
  provider: 'GOOGLE',
  title: 'Google Calendar',
  name: 'Google Calendar',
  company: 'Google',
  statusText: STATUS_TEXT,
  tenantLabel: 'Domain',
  scopePrefix: /^https:\/\/www\.googleapis\.com\/auth\//,
  // in the words of docs/google.md
  scopeWhy: {
    'calendar.events': 'create and update the meetings you approve; read events for sync',
    'calendar.readonly': 'list your calendars, read free/busy of colleagues and rooms',
    'admin.directory.resource.calendar.readonly': 'list your organisation’s meeting rooms',
    openid: 'identify your account',
    email: 'your address',
    profile: 'your name',
  },
  meeting: { label: 'Google Meet', providers: ['googleMeet', 'hangoutsMeet'] },
  pushColumns: false,
  connectedText: () => 'Google Calendar connected. Your calendar is syncing now.',
};

/**
 * The answer of the provider's redirect back here: `?connected=<id>` (with `&error=…` when it failed). `more`
 * words an error the caller knows better (Outlook: admin consent required).
 */
function CallbackBanner({ spec, more }: { spec: ProviderSpec; more?: (error: string) => string | null }) {
  const { query } = useLocation();
  if (query.get('connected') !== spec.id) return null;
  const err = query.get('error');
  const text = !err
    ? spec.connectedText(query.get('status'))
    : err === 'access_denied'
      ? `Connecting ${spec.name} was cancelled on ${spec.company}’s consent page.`
      : (more?.(err) ?? `Connecting ${spec.name} did not succeed. ${wordsFor(err).sentence} ${wordsFor(err).next}`);
  return (
    <div className={err ? 'error' : 'success'} role={err ? 'alert' : 'status'}>
      {text}{' '}
      <button type="button" className="link" onClick={() => navigate('/settings', { replace: true })}>
        Dismiss
      </button>
      {err && <ErrorDetails code={err} requestId={null} detail={null} />}
    </div>
  );
}

async function connect(spec: ProviderSpec, prompt?: 'consent' | 'select_account') {
  const { authorizeUrl } = await api.post(
    spec.id === 'google' ? '/api/integrations/google/connect' : '/api/integrations/outlook/connect',
    { body: prompt ? { prompt } : {} },
  );
  window.location.assign(authorizeUrl);
}

/** A calendar's name as the user tells them apart: shared calendars (often also called "Calendar") name their owner. */
export const calendarLabel = (c: SyncRow): string =>
  c.isShared ? `${c.name} (shared by ${c.ownerEmail ?? 'someone else'})` : c.name;

/** A sync problem in plain words, with the stored text behind Details. */
function Problem({ row }: { row: SyncRow }) {
  if (row.throttled) return <span className="bad">⚠ Throttled by the provider — calbridge retries automatically</span>;
  const words = describeProblemText(row.lastError);
  if (!words) return <span className="good">✓ none</span>;
  return (
    <span className="bad">
      ⚠ {words.sentence} {words.next}
      <ErrorDetails code={null} requestId={null} detail={row.lastError ?? null} />
    </span>
  );
}

/** The provider's calendars: sync on/off, the default for new meetings, online meetings and sync health. */
function CalendarTable({
  spec,
  rows,
  calendars,
  queue,
  notifications,
  onChanged,
  onResync,
  busy,
}: {
  spec: ProviderSpec;
  rows: SyncRow[];
  calendars: Calendar[];
  queue: { queued: number; active: number } | null;
  notifications: boolean;
  onChanged: () => void;
  onResync: (calendarId: string) => void;
  busy: boolean;
}) {
  const { a, shown, toggle, makeDefault } = useCalendarChoices(rows, calendarLabel, onChanged);
  if (rows.length === 0) return <p>No {spec.name} calendars are known yet. Refresh the calendar list.</p>;
  const info = new Map(calendars.map((c) => [c.id, c]));
  const disabled = busy || a.busy !== null;
  const meets = (id: string) =>
    info.get(id)?.onlineMeetingProviders.some((p) => spec.meeting.providers.includes(p)) ?? false;
  return (
    <div className="table-wrap">
      <table>
        <caption>{spec.id === 'google' ? 'Google' : 'Outlook'} calendars and their sync health</caption>
        <thead>
          <tr>
            <th scope="col">Calendar</th>
            <th scope="col">Synced</th>
            <th scope="col">Default</th>
            <th scope="col">{spec.meeting.label}</th>
            <th scope="col">Last sync (lag)</th>
            {spec.pushColumns && <th scope="col">Subscription expires</th>}
            {spec.pushColumns && <th scope="col">Last notification</th>}
            <th scope="col">Problems</th>
            <th scope="col">Fix</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const c = shown(row);
            const blocker = defaultBlocker(c);
            return (
              <tr key={c.calendarId} data-calendar-id={c.calendarId}>
                <th scope="row">
                  {c.name}
                  {c.isDefault && <span className="tag">default</span>}
                  {c.isShared && <span className="tag">shared</span>}
                  {!c.canEdit && <span className="tag">read only</span>}
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
                <td>{meets(c.calendarId) ? 'yes' : 'no'}</td>
                <td>
                  {!c.selected ? (
                    'not synced'
                  ) : c.fullSyncInProgress && !c.lastError ? (
                    <span className="progress" role="status">
                      First sync in progress: {c.eventsSynced} events ({c.pagesSynced} pages)
                    </span>
                  ) : c.lastSuccessAt ? (
                    <span title={dateTime(c.lastSuccessAt)}>
                      {relative(c.lastSuccessAt)} ({duration(c.lagSeconds)})
                    </span>
                  ) : c.lastError ? (
                    'not synced yet'
                  ) : (
                    'waiting for the first sync'
                  )}
                </td>
                {spec.pushColumns && (
                  <td>{c.subscriptionExpiresAt ? relative(c.subscriptionExpiresAt) : c.selected ? 'polling' : '—'}</td>
                )}
                {spec.pushColumns && <td>{c.lastNotificationAt ? relative(c.lastNotificationAt) : '—'}</td>}
                <td>
                  <Problem row={c} />
                </td>
                <td>
                  {notifications &&
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
        {queue && `Queue: ${queue.queued} waiting, ${queue.active} running. `}Untick a calendar to stop syncing it; the
        default calendar is where calbridge creates new meetings.
      </p>
    </div>
  );
}

function Connection({
  spec,
  s,
  reload,
  extra,
}: {
  spec: ProviderSpec;
  s: ProviderStatus;
  reload: () => void;
  extra?: (s: ProviderStatus) => ReactNode;
}) {
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
  // The provider refused the grant during an action: re-read the status so the card offers Reconnect.
  useEffect(() => {
    if (a.error instanceof ApiError && a.error.code === 'reconnect_required') reload();
  }, [a.error, reload]);
  useEffect(() => {
    if (a.done) announce(a.done);
  }, [a.done]);
  const cancelConfirm = () => {
    focusAfter.current = 'button';
    setConfirming(false);
  };
  const sync = useApi(
    async (signal) => (s.connected ? await api.get('/api/calendar/sync-status', { signal }) : null),
    [s.connected, s.status, tick],
  );
  // The default calendar first, then own calendars, then shared ones, each by name.
  const rows = useMemo(
    () =>
      (sync.data?.calendars ?? [])
        .filter((r) => r.provider === spec.provider)
        .sort(
          (x, y) =>
            Number(y.isDefault) - Number(x.isDefault) ||
            Number(x.isShared) - Number(y.isShared) ||
            x.name.localeCompare(y.name),
        ),
    [sync.data, spec.provider],
  );
  // Poll while a calendar's first sync runs; one that keeps failing shows its problem instead of being polled forever.
  const syncing = rows.some((r) => r.selected && !r.lastError && (r.fullSyncInProgress || !r.lastSuccessAt));
  useEffect(() => {
    if (!s.connected || !syncing) return;
    const t = setTimeout(() => setTick((n) => n + 1), 2000);
    return () => clearTimeout(t);
  }, [s.connected, syncing, sync.data]);
  const resync = (calendarIds: string[]) =>
    void a.run(
      'resync',
      async () => {
        for (const calendarId of calendarIds)
          await api.post('/api/calendar/sync', { body: { full: true, calendarId } });
        setTick((n) => n + 1);
      },
      'Full resync queued.',
    );
  const reconnect = () =>
    s.reconnectUrl ? window.location.assign(s.reconnectUrl) : void a.run('connect', () => connect(spec, 'consent'));
  const disconnect = () =>
    a.run(
      'disconnect',
      async () => {
        await api.post(
          spec.id === 'google' ? '/api/integrations/google/disconnect' : '/api/integrations/outlook/disconnect',
        );
        focusAfter.current = 'heading';
        setConfirming(false);
        reload();
      },
      `${spec.name} disconnected.`,
    );
  const exists = ['active', 'needs_reauth', 'consent_required', 'unsupported_mailbox'].includes(s.status);
  const broken = s.status === 'needs_reauth' || s.status === 'consent_required';
  const short = (scope: string) => scope.replace(spec.scopePrefix, '');
  const headingId = `${spec.id}-h`;
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId} tabIndex={-1} ref={headingRef}>
        {spec.title}
      </h2>
      <ConnectionFacts s={s} statusText={spec.statusText} neutral={exists && s.status !== 'unsupported_mailbox'}>
        {s.providerTenantId && spec.id === 'google' && (
          <>
            <dt>{spec.tenantLabel}</dt>
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
                    <code>{short(scope)}</code>
                    {spec.scopeWhy[short(scope)] && ` — ${spec.scopeWhy[short(scope)]}`}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </ConnectionFacts>
      {s.status === 'needs_reauth' && (
        <p className="hint">
          {spec.company} no longer accepts calbridge’s access: sign in again to resume sync and scheduling.
        </p>
      )}
      <div className="actions">
        {!exists && (
          <button
            type="button"
            className="primary"
            disabled={a.busy !== null}
            onClick={() => void a.run('connect', () => connect(spec))}
          >
            Connect {spec.name}
          </button>
        )}
        {broken && (
          <button type="button" className="primary" disabled={a.busy !== null} onClick={reconnect}>
            Reconnect {spec.name}
          </button>
        )}
        {s.connected && (
          <>
            <button
              type="button"
              disabled={a.busy !== null}
              onClick={() =>
                void a.run(
                  'refresh',
                  async () => {
                    setCalendars(
                      (
                        await api.get(
                          spec.id === 'google'
                            ? '/api/integrations/google/calendars'
                            : '/api/integrations/outlook/calendars',
                        )
                      ).calendars,
                    );
                    setTick((n) => n + 1);
                  },
                  'Calendar list refreshed.',
                )
              }
            >
              Refresh calendars
            </button>
            <button
              type="button"
              disabled={a.busy !== null || !rows.some((r) => r.selected)}
              onClick={() => resync(rows.filter((r) => r.selected).map((r) => r.calendarId))}
            >
              Resync everything
            </button>
          </>
        )}
        {exists && !confirming && (
          <button
            type="button"
            className="danger"
            ref={disconnectRef}
            disabled={a.busy !== null}
            onClick={() => setConfirming(true)}
          >
            Disconnect {spec.name}
          </button>
        )}
      </div>
      {confirming && (
        <div
          id={`${spec.id}-disconnect`}
          className="notice"
          role="alertdialog"
          aria-labelledby={`${spec.id}-disconnect-q`}
          tabIndex={-1}
          ref={confirmRef}
          onKeyDown={(e) => e.key === 'Escape' && cancelConfirm()}
        >
          <p id={`${spec.id}-disconnect-q`}>
            Disconnect {spec.name}? Synced meetings stay in calbridge; sync and scheduling through {spec.name} stop.
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
          <span className="spinner" aria-hidden="true" />{' '}
          {a.busy === 'connect' ? `Opening ${spec.company}…` : 'Working…'}
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
          ) : !sync.data ? (
            <Loading label="Loading sync status…" />
          ) : (
            <CalendarTable
              spec={spec}
              rows={rows}
              calendars={calendars}
              queue={sync.data.queue}
              notifications={sync.data.notifications}
              busy={a.busy !== null}
              onResync={(id) => resync([id])}
              onChanged={() => setTick((n) => n + 1)}
            />
          )}
        </>
      )}
      {extra?.(s)}
    </section>
  );
}

/**
 * The settings card of one provider: its callback banner, then its connection. `extra` adds provider-only parts
 * inside the card (Outlook: IT approval); `bannerError` words callback errors the provider knows better.
 */
export function ProviderSettings({
  spec,
  extra,
  bannerError,
}: {
  spec: ProviderSpec;
  extra?: (s: ProviderStatus) => ReactNode;
  bannerError?: (error: string) => string | null;
}) {
  const status = useApi(
    (signal) =>
      api.get(spec.id === 'google' ? '/api/integrations/google/status' : '/api/integrations/outlook/status', {
        signal,
      }),
    [spec.id],
  );
  return (
    <>
      <CallbackBanner spec={spec} more={bannerError} />
      <Async state={status} label={`Checking your ${spec.name} connection…`}>
        {(s) => <Connection spec={spec} s={s} reload={status.reload} extra={extra} />}
      </Async>
    </>
  );
}
