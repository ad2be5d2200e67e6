// Approvals: pending proposals with exactly what will be sent to whom; approve sends, reject discards.
import { useState } from 'react';
import { api, request } from '../api/client';
import { meetingServiceName } from '../api/provider';
import { Async, ErrorBox, useApi } from '../components/async';
import { SafeHtml } from '../components/safe-html';
import { dateTime, time } from '../format';
import { approvalsChanged, useSession } from '../session';
import { Link, useLocation } from '../router';

interface PreviewAttendee {
  email: string;
  name: string | null;
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
  /** Who may approve it now under the tenant's policy (servers before the policy do not say). */
  approvers?: Array<{ userId: string; email: string; displayName: string | null }>;
}

/** Whether `userId` may approve `p`: as the proposal says, else `fallback`. */
export const mayApprove = (p: Proposal, userId: string, fallback: boolean): boolean =>
  p.approvers ? p.approvers.some((a) => a.userId === userId) : fallback;

/**
 * One proposal with exactly what will be sent; Approve / Reject unless `canDecide` is false (the caller may not
 * approve it); `linked` adds a link to the proposal's own page.
 */
export function ProposalCard({
  p,
  onDone,
  canDecide = true,
  canReject = canDecide,
  linked = true,
}: {
  p: Proposal;
  onDone: (message: string) => void;
  /** May approve it. */
  canDecide?: boolean;
  /** May reject it (an organizer may always withdraw their own). */
  canReject?: boolean;
  linked?: boolean;
}) {
  const [state, setState] = useState<{ busy: boolean; error?: unknown }>({ busy: false });
  const service = meetingServiceName(p.preview.provider);
  const decide = async (what: 'approve' | 'reject') => {
    setState({ busy: true });
    try {
      if (what === 'approve') {
        const done = await api.post('/api/proposals/{id}/approve', { params: { id: p.id } });
        const join = done.result?.joinUrl;
        approvalsChanged();
        onDone(
          `Approved: the invitation was sent for “${p.preview.subject}”.${join ? ` ${service} link: ${join}` : ''}`,
        );
      } else {
        await api.post('/api/proposals/{id}/reject', { params: { id: p.id } });
        approvalsChanged();
        onDone(`Rejected: “${p.preview.subject}” will not be sent.`);
      }
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  const v = p.preview;
  return (
    <article className="card" aria-labelledby={`p-${p.id}`}>
      <h2 id={`p-${p.id}`}>
        {v.action === 'create' ? 'New meeting' : v.action === 'update' ? 'Change meeting' : 'Cancel meeting'}:{' '}
        {v.subject}
      </h2>
      <dl className="facts">
        <dt>When</dt>
        <dd>
          {dateTime(v.start, v.timeZone)}–{time(v.end, v.timeZone)} ({v.timeZone})
        </dd>
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
            <dt>Approvers</dt>
            <dd>{p.approvers.length ? p.approvers.map((a) => a.displayName ?? a.email).join(', ') : 'nobody yet'}</dd>
          </>
        )}
      </dl>
      {v.notifiesExternal && (
        <p className="notice" role="note">
          ⚠ External people will receive this invitation.
        </p>
      )}
      <div className="table-wrap">
        <table>
          <caption>Who receives it</caption>
          <thead>
            <tr>
              <th scope="col">Attendee</th>
              <th scope="col">Type</th>
              <th scope="col">Their local time</th>
              <th scope="col">Availability</th>
            </tr>
          </thead>
          <tbody>
            {v.attendees.map((a) => (
              <tr key={a.email}>
                <th scope="row">
                  {a.name ?? a.email} <code>{a.email}</code> {a.external && <span className="tag">external</span>}
                </th>
                <td>{a.type}</td>
                <td>{a.localStart ?? '—'}</td>
                <td>{a.availability ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>Message</h3>
      <SafeHtml html={v.bodyHtml} />
      {p.error && <p className="error">Last attempt failed: {p.error}</p>}
      {(canDecide || canReject) && p.status === 'pending' && (
        <div className="actions">
          {canDecide && (
            <button type="button" className="primary" disabled={state.busy} onClick={() => void decide('approve')}>
              Approve and send
            </button>
          )}
          {canReject && (
            <button type="button" className="danger" disabled={state.busy} onClick={() => void decide('reject')}>
              {canDecide ? 'Reject' : 'Withdraw (reject)'}
            </button>
          )}
        </div>
      )}
      {!canDecide && p.status === 'pending' && (
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

/** The pending proposals the caller may approve; null when the server cannot say (no such route yet). */
export function useWaitingForMe(deps: unknown[] = []) {
  return useApi(async (signal) => {
    try {
      const r = await request<{ items?: Proposal[] }>('get', '/api/approvals/pending', { signal, quiet: true });
      return r.items ?? [];
    } catch (e) {
      if (e instanceof DOMException) throw e;
      return null;
    }
  }, deps);
}

export function ApprovalsPage() {
  const who = useSession();
  const { query } = useLocation();
  const [notice, setNotice] = useState<string | null>(null);
  const proposals = useApi(
    async (signal) =>
      (await api.get('/api/proposals', { query: { status: 'pending' }, signal })).items as unknown as Proposal[],
    [],
  );
  const waiting = useWaitingForMe();
  const done = (m: string) => {
    setNotice(m);
    proposals.reload();
    waiting.reload();
  };
  const forMe = waiting.data ?? [];
  const forMeIds = new Set(forMe.map((p) => p.id));
  return (
    <>
      <h1>Approvals</h1>
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
          <h2 id="waiting-h">Waiting for your approval</h2>
          {forMe.map((p) => (
            <ProposalCard key={p.id} p={p} onDone={done} />
          ))}
        </section>
      )}
      <Async state={proposals} label="Loading proposals…">
        {(items) => {
          // (a proposal waiting for me is shown once, above)
          const pending = items.filter((p) => p.status === 'pending' && !forMeIds.has(p.id));
          if (pending.length === 0) return forMe.length ? null : <p>No proposals waiting for approval.</p>;
          return (
            <section aria-labelledby="mine-h">
              {forMe.length > 0 && <h2 id="mine-h">Other pending proposals</h2>}
              {pending.map((p) => (
                <ProposalCard
                  key={p.id}
                  p={p}
                  // when the server says who may approve, only those get Approve; anyone listed here may reject
                  canDecide={mayApprove(p, who.userId, waiting.data === null)}
                  canReject
                  onDone={done}
                />
              ))}
            </section>
          );
        }}
      </Async>
    </>
  );
}
