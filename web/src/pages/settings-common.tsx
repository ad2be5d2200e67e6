// What the Outlook and the Google cards of the settings page share: one action at a time with its outcome, the
// connection states in words, and a calendar's sync and default choices (PATCH /api/calendars/:id) shown at once
// and kept until the server's sync status agrees.
import { useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { ResponseOf } from '../api/client';
import { ErrorBox } from '../components/async';
import { ErrorDetails } from '../components/error-box';
import { describeProblemText } from '../errors';
import { dateTime } from '../format';

export type SyncRow = ResponseOf<'/api/calendar/sync-status', 'get'>['calendars'][number];

/** Connection states both providers have, in the user's words. */
export const STATUS_TEXT: Record<string, string> = {
  not_connected: 'Not connected',
  active: 'Connected',
  needs_reauth: 'Needs sign-in again',
  revoked: 'Disconnected',
};

export type Action = ReturnType<typeof useAction>;

/** One action at a time: its name while running, its error, and a done message. */
export function useAction() {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState<string | null>(null);
  /** Runs `f`; the success message is `message`, or what `f` returns when it returns a string. */
  const run = async (name: string, f: () => Promise<unknown>, message?: string) => {
    setBusy(name);
    setError(undefined);
    setDone(null);
    try {
      const r = await f();
      if (message !== undefined) setDone(message);
      else if (typeof r === 'string') setDone(r);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return { busy, error, done, run };
}

/** An action's outcome: the busy text while it runs, then its done message or its error. */
export function ActionOutcome({ a, busyText }: { a: Action; busyText: string }) {
  return (
    <>
      {a.busy && <p role="status">{busyText}</p>}
      {a.done && (
        <p role="status" className="good">
          {a.done}
        </p>
      )}
      {a.error !== undefined && <ErrorBox error={a.error} />}
    </>
  );
}

/** Why a calendar cannot be the default for new meetings (null: it can). */
export function defaultBlocker(c: SyncRow): string | null {
  if (c.isShared) return 'shared calendars cannot be the default';
  if (!c.canEdit) return 'read-only calendars cannot be the default';
  if (!c.selected) return 'sync this calendar first';
  return null;
}

type Pending = { selected: Record<string, boolean>; defaultOf: Record<string, string> };
const NONE: Pending = { selected: {}, defaultOf: {} };

/**
 * Sync on/off and the default calendar, per calendar. A change shows at once and stays shown until a sync status
 * agrees with it (a read that started before the change may answer after it); a refused change shows the server's
 * state again. `label` names a calendar in messages; `onChanged` re-reads the sync status.
 */
export function useCalendarChoices(rows: SyncRow[], label: (c: SyncRow) => string, onChanged: () => void) {
  const a = useAction();
  const [pending, setPending] = useState<Pending>(NONE);
  // A change the sync status now agrees with is no longer pending (the state object stays the same when nothing
  // changed, so a caller that builds `rows` anew on every render does not render forever).
  useEffect(
    () =>
      setPending((p) => {
        const selected = Object.entries(p.selected).filter(([id, v]) =>
          rows.some((c) => c.calendarId === id && c.selected !== v),
        );
        const defaultOf = Object.entries(p.defaultOf).filter(([, id]) =>
          rows.some((c) => c.calendarId === id && !c.isDefault),
        );
        if (selected.length === Object.keys(p.selected).length && defaultOf.length === Object.keys(p.defaultOf).length)
          return p;
        return { selected: Object.fromEntries(selected), defaultOf: Object.fromEntries(defaultOf) };
      }),
    [rows],
  );
  /** The row as the user should see it: with the changes the server has not confirmed yet. */
  const shown = (c: SyncRow): SyncRow => {
    const pendingDefault = pending.defaultOf[c.connectionId];
    return {
      ...c,
      selected: pending.selected[c.calendarId] ?? c.selected,
      isDefault: pendingDefault ? pendingDefault === c.calendarId : c.isDefault,
    };
  };
  const patch = (c: SyncRow, body: { selectedForSync?: boolean; isDefault?: boolean }) =>
    a.run(`patch-${c.calendarId}`, async () => {
      setPending((p) => ({
        selected:
          body.selectedForSync === undefined ? p.selected : { ...p.selected, [c.calendarId]: body.selectedForSync },
        defaultOf: body.isDefault ? { ...p.defaultOf, [c.connectionId]: c.calendarId } : p.defaultOf,
      }));
      const r = await api
        .patch('/api/calendars/{calendarId}', { params: { calendarId: c.calendarId }, body })
        .catch((e: unknown) => {
          setPending(NONE);
          throw e;
        });
      onChanged();
      if (body.isDefault) return `New meetings are now created in “${label(c)}”.`;
      if (body.selectedForSync === false)
        return `Stopped syncing “${label(c)}”: ${r.removedMeetings} meeting${r.removedMeetings === 1 ? '' : 's'} removed from calbridge.`;
      return `Syncing “${label(c)}” again${r.syncQueued ? ': a full sync is queued' : ''}.`;
    });
  /** Ticks or unticks a calendar; unticking asks first, since its meetings leave calbridge. */
  const toggle = (c: SyncRow, on: boolean) => {
    if (
      !on &&
      !window.confirm(
        `Stop syncing “${label(c)}”? Its meetings leave calbridge (calendar, customers, metrics) until you sync it again, and customers you linked to them by hand are forgotten.`,
      )
    )
      return;
    void patch(c, { selectedForSync: on });
  };
  const makeDefault = (c: SyncRow) => void patch(c, { isDefault: true });
  return { a, shown, toggle, makeDefault };
}

/** What both providers' status answers say of a connection. */
interface ConnectionFactsOf {
  status: string;
  account?: { name?: string | null; email?: string | null } | null;
  connectedAt?: string | null;
  lastError?: string | null;
  statusReason?: string | null;
}

/**
 * A connection's facts: its status as a pill (green when active, red when `neutral` is false), the account, what
 * `children` add (permissions, domain), when it was connected and its problem.
 */
export function ConnectionFacts({
  s,
  statusText,
  neutral,
  children,
}: {
  s: ConnectionFactsOf;
  statusText: Record<string, string>;
  neutral: boolean;
  children?: ReactNode;
}) {
  // stored problems are codes or "code: text": said in plain words, the stored text behind Details
  const problem = describeProblemText(s.lastError ?? s.statusReason);
  return (
    <dl className="facts">
      <dt>Status</dt>
      <dd>
        <span className={s.status === 'active' ? 'pill good' : neutral ? 'pill' : 'pill bad'}>
          {s.status === 'active' ? '● ' : '○ '}
          {statusText[s.status] ?? s.status}
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
      {children}
      {s.connectedAt && (
        <>
          <dt>Connected</dt>
          <dd>{dateTime(s.connectedAt)}</dd>
        </>
      )}
      {problem && (
        <>
          <dt>Problem</dt>
          <dd className="bad">
            ⚠ {problem.sentence} {problem.next}
            <ErrorDetails code={null} requestId={null} detail={s.lastError ?? s.statusReason ?? null} />
          </dd>
        </>
      )}
    </dl>
  );
}
