// Approvals: pending proposals with exactly what will be sent to whom, kept live (re-read every 15 s and after any
// action); approvers and requesters may change time, attendees and message before approval; reject asks for a
// reason the requester sees; each attendee by name with their own local time, formatted one way.
import { useQuery } from '@tanstack/react-query';
import { DateTime } from 'luxon';
import { useState } from 'react';
import { api, request } from '../api/client';
import { meetingServiceName } from '../api/provider';
import { Async, ErrorBox, type AsyncState } from '../components/async';
import { PeoplePicker, type PickedPerson } from '../components/people-picker';
import { SafeHtml } from '../components/safe-html';
import { browserZone, dateTime } from '../format';
import { approvalsChanged, useSession } from '../session';
import { Link, useLocation } from '../router';
import './approvals.css';

/** How often the lists are re-read while the page is open. */
export const APPROVALS_REFRESH_MS = 15_000;

interface PreviewAttendee {
  email: string;
  name: string | null;
  timeZone?: string | null;
  type: string;
  external: boolean;
  localStart?: string | null;
  availability?: string;
}
export interface Proposal {
  id: string;
  kind: string;
  status: string;
  expiresAt: string;
  createdAt: string;
  error?: string | null;
  preview: {
    action: string;
    subject: string;
    bodyHtml: string;
    teams: boolean;
    room: string | null;
    start: string;
    end: string;
    timeZone: string;
    organizer: string;
    /** The organizer's calendar service; absent on proposals made before it was recorded (then Outlook). */
    provider?: 'MICROSOFT' | 'GOOGLE';
    notifiesExternal: boolean;
    attendees: PreviewAttendee[];
    completeness?: string;
  };
  result?: { joinUrl?: string | null } | null;
  /** Why it was rejected, as its approver wrote it. */
  decisionReason?: string | null;
  userId?: string;
  createdBy?: string | null;
  /** A series: how it repeats (summary in words, e.g. "Every Tuesday, 6 times"); null for a single meeting. */
  recurrence?: { summary: string } | null;
  /** Who may approve it now under the tenant's policy (servers before the policy do not say). */
  approvers?: Array<{ userId: string; email: string; displayName: string | null }>;
}

/** Whether `userId` may approve `p`: as the proposal says, else `fallback`. */
export const mayApprove = (p: Proposal, userId: string, fallback: boolean): boolean =>
  p.approvers ? p.approvers.some((a) => a.userId === userId) : fallback;

/** One way to show a time everywhere on this page: "Tue 12 May, 10:00 (New York)". */
export function when(iso: string, zone: string | null | undefined): string {
  const z = zone || browserZone();
  const d = DateTime.fromISO(iso, { zone: 'utc' }).setZone(z);
  if (!d.isValid) return '—';
  const city = z.split('/').pop()!.replace(/_/g, ' ');
  return `${d.toFormat('ccc d LLL, HH:mm')} (${city})`;
}

const TYPE: Record<string, string> = { required: 'Required', optional: 'Optional', resource: 'Room' };
const AVAILABILITY: Record<string, string> = {
  free: 'Free',
  busy: 'Busy',
  tentative: 'Tentative',
  oof: 'Away',
  workingElsewhere: 'Working elsewhere',
  unknown: 'Calendar not visible',
};

/** Change time, attendees and message of a pending proposal (PATCH /api/proposals/{id}). */
function EditProposal({ p, onSaved }: { p: Proposal; onSaved: (next: Proposal) => void }) {
  const v = p.preview;
  const zone = v.timeZone || browserZone();
  const minutes = Math.round((Date.parse(v.end) - Date.parse(v.start)) / 60_000);
  const [start, setStart] = useState(
    DateTime.fromISO(v.start, { zone: 'utc' }).setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm"),
  );
  const [duration, setDuration] = useState(minutes);
  const [people, setPeople] = useState<PickedPerson[]>(
    v.attendees.filter((a) => a.type !== 'resource').map((a) => ({ email: a.email, name: a.name })),
  );
  const [message, setMessage] = useState(v.bodyHtml.replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]+>/g, ''));
  const [state, setState] = useState<{ busy: boolean; error?: unknown }>({ busy: false });
  const save = async () => {
    setState({ busy: true });
    try {
      const startIso = DateTime.fromISO(start, { zone }).toUTC().toISO()!;
      const body = message
        .split(/\n{2,}/)
        .map((para) => `<p>${para.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\n/g, '<br>')}</p>`)
        .join('');
      const next = await api.patch('/api/proposals/{id}', {
        params: { id: p.id },
        body: {
          start: startIso,
          end: DateTime.fromISO(startIso).plus({ minutes: duration }).toUTC().toISO()!,
          attendees: people.map((x) => ({ email: x.email, name: x.name })),
          bodyHtml: body,
        },
      });
      approvalsChanged();
      onSaved(next as unknown as Proposal);
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  return (
    <form
      className="edit-proposal"
      aria-label={`Change “${v.subject}”`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="toolbar">
        <label className="field">
          Starts ({zone})
          <input type="datetime-local" value={start} required onChange={(e) => setStart(e.target.value)} />
        </label>
        <label className="field">
          Duration (minutes)
          <input
            type="number"
            min={5}
            max={480}
            step={5}
            value={duration}
            onChange={(e) => setDuration(Number(e.target.value))}
          />
        </label>
      </div>
      <fieldset className="field">
        <legend>Attendees</legend>
        <PeoplePicker value={people} onChange={setPeople} />
      </fieldset>
      <label className="field">
        Message
        <textarea rows={4} value={message} onChange={(e) => setMessage(e.target.value)} maxLength={5000} />
      </label>
      <div className="actions">
        <button type="submit" className="primary" disabled={state.busy || people.length === 0}>
          Save changes
        </button>
      </div>
      {state.error !== undefined && <ErrorBox error={state.error} />}
    </form>
  );
}

/**
 * One proposal with exactly what will be sent; Approve / Reject unless `canDecide` is false (the caller may not
 * approve it); `canEdit` offers changes before approval; `linked` adds a link to the proposal's own page.
 */
export function ProposalCard({
  p: initial,
  onDone,
  canDecide = true,
  canReject = canDecide,
  canEdit = canDecide,
  linked = true,
}: {
  p: Proposal;
  onDone: (message: string) => void;
  /** May approve it. */
  canDecide?: boolean;
  /** May reject it (an organizer may always withdraw their own). */
  canReject?: boolean;
  /** May change it before approval (its requester or an approver). */
  canEdit?: boolean;
  linked?: boolean;
}) {
  const [edited, setEdited] = useState<Proposal | null>(null);
  const p = edited && edited.id === initial.id && edited.createdAt === initial.createdAt ? edited : initial;
  const [state, setState] = useState<{ busy: boolean; error?: unknown }>({ busy: false });
  const [mode, setMode] = useState<'view' | 'edit' | 'reject'>('view');
  const [reason, setReason] = useState('');
  const service = meetingServiceName(p.preview.provider);
  const approve = async () => {
    setState({ busy: true });
    try {
      const done = await api.post('/api/proposals/{id}/approve', { params: { id: p.id } });
      const join = done.result?.joinUrl;
      approvalsChanged();
      onDone(`Approved: the invitation was sent for “${p.preview.subject}”.${join ? ` ${service} link: ${join}` : ''}`);
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  const reject = async () => {
    setState({ busy: true });
    try {
      await api.post('/api/proposals/{id}/reject', {
        params: { id: p.id },
        body: reason.trim() ? { reason: reason.trim() } : {},
      });
      approvalsChanged();
      onDone(`Rejected: “${p.preview.subject}” will not be sent.`);
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  const v = p.preview;
  const pending = p.status === 'pending';
  return (
    <article className="card proposal" aria-labelledby={`p-${p.id}`}>
      <h2 id={`p-${p.id}`}>
        {v.action === 'create' ? 'New meeting' : v.action === 'update' ? 'Change meeting' : 'Cancel meeting'}:{' '}
        {v.subject}
      </h2>
      <dl className="facts">
        <dt>When</dt>
        <dd>
          {when(v.start, v.timeZone)} –{' '}
          {DateTime.fromISO(v.end, { zone: 'utc' })
            .setZone(v.timeZone || browserZone())
            .toFormat('HH:mm')}
        </dd>
        {p.recurrence && (
          <>
            <dt>Repeats</dt>
            <dd data-testid="repeat-summary">{p.recurrence.summary}</dd>
          </>
        )}
        <dt>From</dt>
        <dd>{v.organizer}</dd>
        <dt>{service}</dt>
        <dd>{v.teams ? `Yes, a ${service} link is added` : 'No'}</dd>
        {v.room && (
          <>
            <dt>Room</dt>
            <dd>{v.room}</dd>
          </>
        )}
        <dt>Expires</dt>
        <dd>{dateTime(p.expiresAt)}</dd>
        {p.approvers && (
          <>
            <dt>Who approves</dt>
            <dd>{p.approvers.length ? p.approvers.map((a) => a.displayName ?? a.email).join(', ') : 'nobody yet'}</dd>
          </>
        )}
      </dl>
      {v.notifiesExternal && (
        <p className="notice" role="note">
          ⚠ People outside your organisation will receive this invitation.
        </p>
      )}
      {p.decisionReason && (
        <p className="notice" role="note" data-testid="decision-reason">
          Reason given: {p.decisionReason}
        </p>
      )}
      {/* focusable, so the table can be scrolled sideways with the keyboard on a phone */}
      <div className="table-wrap" tabIndex={0} role="region" aria-label={`Attendees of ${v.subject}`}>
        <table>
          <caption>Who receives it, at their own local time</caption>
          <thead>
            <tr>
              <th scope="col">Attendee</th>
              <th scope="col">Attendance</th>
              <th scope="col">Their local time</th>
              <th scope="col">Availability</th>
            </tr>
          </thead>
          <tbody>
            {v.attendees.map((a) => (
              <tr key={a.email}>
                <th scope="row">
                  {a.name ? (
                    <>
                      {a.name} <span className="muted small">{a.email}</span>
                    </>
                  ) : (
                    a.email
                  )}{' '}
                  {a.external && <span className="tag">external</span>}
                </th>
                <td>{TYPE[a.type] ?? a.type}</td>
                <td>{a.type === 'resource' ? '—' : a.timeZone ? when(v.start, a.timeZone) : 'zone not known'}</td>
                <td>{AVAILABILITY[a.availability ?? ''] ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>Message</h3>
      <SafeHtml html={v.bodyHtml} />
      {p.error && <p className="error">Last attempt failed: {p.error}</p>}
      {mode === 'edit' && pending && (
        <EditProposal
          p={p}
          onSaved={(next) => {
            setEdited(next);
            setMode('view');
            setState({ busy: false });
          }}
        />
      )}
      {mode === 'reject' && pending && (
        <div className="reject-box">
          <label className="field">
            Reason (the requester sees it)
            <textarea rows={2} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <div className="actions">
            <button type="button" className="danger" disabled={state.busy} onClick={() => void reject()}>
              {canDecide ? 'Reject' : 'Withdraw'}
            </button>
            <button type="button" onClick={() => setMode('view')}>
              Keep it
            </button>
          </div>
        </div>
      )}
      {mode === 'view' && (canDecide || canReject || canEdit) && pending && (
        <div className="actions">
          {canDecide && (
            <button type="button" className="primary" disabled={state.busy} onClick={() => void approve()}>
              Approve and send
            </button>
          )}
          {canEdit && v.action !== 'delete' && (
            <button type="button" disabled={state.busy} onClick={() => setMode('edit')}>
              Change…
            </button>
          )}
          {canReject && (
            <button type="button" className="danger" disabled={state.busy} onClick={() => setMode('reject')}>
              {canDecide ? 'Reject…' : 'Withdraw (reject)…'}
            </button>
          )}
        </div>
      )}
      {!canDecide && pending && (
        <p className="hint">Another person approves this proposal (see the approval policy on its page).</p>
      )}
      {linked && (
        <p>
          <Link to={`/approvals/${encodeURIComponent(p.id)}`}>Open this proposal’s page</Link>
        </p>
      )}
      {state.error !== undefined && <ErrorBox error={state.error} />}
    </article>
  );
}

/** A TanStack query as the older AsyncState the <Async> component reads. */
function asState<T>(q: { data?: T; error: unknown; isPending: boolean; refetch: () => unknown }): AsyncState<T> {
  return {
    data: q.data,
    error: q.error ?? undefined,
    loading: q.isPending,
    reload: () => void q.refetch(),
  } as AsyncState<T>;
}

/** The pending proposals the caller may approve, kept live; null when the server cannot say (no such route yet). */
export function useWaitingForMe() {
  const q = useQuery({
    queryKey: ['/api/approvals/pending', 'items'],
    queryFn: async ({ signal }) => {
      try {
        const r = await request<{ items?: Proposal[] }>('get', '/api/approvals/pending', { signal, quiet: true });
        return r.items ?? [];
      } catch (e) {
        if (e instanceof DOMException) throw e;
        return null;
      }
    },
    refetchInterval: APPROVALS_REFRESH_MS,
  });
  return asState(q);
}

export function ApprovalsPage() {
  const who = useSession();
  const { query } = useLocation();
  const [notice, setNotice] = useState<string | null>(null);
  const proposals = useQuery({
    queryKey: ['/api/proposals', { status: 'pending' }],
    queryFn: async ({ signal }) =>
      (await api.get('/api/proposals', { query: { status: 'pending' }, signal })).items as unknown as Proposal[],
    refetchInterval: APPROVALS_REFRESH_MS,
  });
  const mine = useQuery({
    queryKey: ['/api/proposals', { mine: true, status: 'rejected' }],
    queryFn: async ({ signal }) =>
      (await api.get('/api/proposals', { query: { mine: true, status: 'rejected', limit: 5 }, signal }))
        .items as unknown as Proposal[],
    refetchInterval: APPROVALS_REFRESH_MS,
  });
  const waiting = useWaitingForMe();
  const done = (m: string) => {
    setNotice(m);
    approvalsChanged();
  };
  const forMe = waiting.data ?? [];
  const forMeIds = new Set(forMe.map((p) => p.id));
  const isMine = (p: Proposal) =>
    p.userId === who.userId || (!!who.email && p.preview.organizer.toLowerCase() === who.email.toLowerCase());
  return (
    <>
      <h1>Approvals</h1>
      <p className="hint">This list refreshes itself every {APPROVALS_REFRESH_MS / 1000} seconds.</p>
      {notice && (
        <p className="success" role="status">
          {notice}
        </p>
      )}
      {!notice && query.get('created') && (
        <p className="success" role="status">
          Proposal created. Review it below: nothing is sent until it is approved.
        </p>
      )}
      {forMe.length > 0 && (
        <section aria-labelledby="waiting-h">
          <h2 id="waiting-h">Waiting for your approval ({forMe.length})</h2>
          {forMe.map((p) => (
            <ProposalCard key={`${p.id}`} p={p} onDone={done} canEdit />
          ))}
        </section>
      )}
      <Async state={asState(proposals)} label="Loading proposals…">
        {(items) => {
          // (a proposal waiting for me is shown once, above)
          const pending = items.filter((p) => p.status === 'pending' && !forMeIds.has(p.id));
          if (pending.length === 0) return forMe.length ? null : <p>No proposals waiting for approval.</p>;
          return (
            <section aria-labelledby="mine-h">
              <h2 id="mine-h">{forMe.length > 0 ? 'Other pending proposals' : 'Pending proposals'}</h2>
              {pending.map((p) => (
                <ProposalCard
                  key={p.id}
                  p={p}
                  // when the server says who may approve, only those get Approve; anyone listed here may reject
                  canDecide={mayApprove(p, who.userId, waiting.data === null)}
                  canReject
                  canEdit={isMine(p) || mayApprove(p, who.userId, waiting.data === null)}
                  onDone={done}
                />
              ))}
            </section>
          );
        }}
      </Async>
      {(mine.data ?? []).length > 0 && (
        <section aria-labelledby="rejected-h">
          <h2 id="rejected-h">Your recently rejected requests</h2>
          <ul className="rejected-list">
            {(mine.data ?? []).map((p) => (
              <li key={p.id}>
                <Link to={`/approvals/${encodeURIComponent(p.id)}`}>{p.preview.subject}</Link>:{' '}
                {p.decisionReason ? `“${p.decisionReason}”` : 'no reason given'}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
