// One proposal's own page (/approvals/<id>, the link in an approver's e-mail): its status, what will be sent, who may
// approve it under the tenant's policy, and Approve / Reject for a person who may.
import { useState } from 'react';
import { api, ApiError, request } from '../api/client';
import { Async, ErrorBox, Loading, useApi } from '../components/async';
import { dateTime } from '../format';
import { Link } from '../router';
import { useSession } from '../session';
import { mayApprove, ProposalCard, type Proposal } from './approvals';

/** A camelCase key as words: `selfApproveInternal` → "Self approve internal". */
const words = (k: string): string => {
  const w = k
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return w.charAt(0).toUpperCase() + w.slice(1);
};

function value(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (Array.isArray(v)) return v.length ? v.map(value).join(', ') : 'none';
  if (typeof v === 'object')
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${words(k)}: ${value(x)}`)
      .join('; ');
  return String(v);
}

interface Policy {
  eligibleApprovers?: Array<{ userId: string; email: string; displayName: string | null }>;
  approvers?: { kind?: string; userIds?: string[]; users?: Array<{ email: string; displayName?: string | null }> };
  selfApproveInternal?: boolean;
  selfApproveExternal?: boolean;
  expiryHours?: number;
}

function approversText(a: Policy['approvers']): string {
  if (!a) return '—';
  if (a.kind === 'role') return 'Anyone with the approver or admin role';
  if (a.kind === 'manager') return 'The organizer’s manager (from the directory); else anyone with the approver role';
  if (a.kind === 'named')
    return `Named people: ${(a.users?.map((u) => u.displayName ?? u.email) ?? a.userIds ?? []).join(', ') || 'none'}`;
  return value(a);
}

const KNOWN = [
  'eligibleApprovers',
  'approvers',
  'selfApproveInternal',
  'selfApproveExternal',
  'expiryHours',
  'tenantId',
  'updatedAt',
  'id',
];

/** The approval policy: who may approve, self-approval, expiry (and any further field the server states). */
export function PolicySummary({ policy, title = 'Approval policy' }: { policy: unknown; title?: string }) {
  if (!policy || typeof policy !== 'object') return null;
  const p = ((policy as { policy?: Policy }).policy ?? policy) as Policy & Record<string, unknown>;
  const rest = Object.entries(p).filter(([k]) => !KNOWN.includes(k));
  return (
    <section className="card" aria-labelledby="policy-h" data-testid="approval-policy">
      <h2 id="policy-h">{title}</h2>
      <dl className="facts">
        <dt>Who may approve</dt>
        <dd>{approversText(p.approvers)}</dd>
        {p.eligibleApprovers && (
          <>
            <dt>Approvers now</dt>
            <dd>
              {p.eligibleApprovers.length
                ? p.eligibleApprovers.map((a) => a.displayName ?? a.email).join(', ')
                : 'nobody yet: an admin gives someone the approver role'}
            </dd>
          </>
        )}
        {p.selfApproveInternal !== undefined && (
          <>
            <dt>Organizers approve their own internal meetings</dt>
            <dd>{p.selfApproveInternal ? 'Yes' : 'No'}</dd>
          </>
        )}
        {p.selfApproveExternal !== undefined && (
          <>
            <dt>Organizers approve their own meetings with external people</dt>
            <dd>{p.selfApproveExternal ? 'Yes' : 'No: another person approves'}</dd>
          </>
        )}
        {p.expiryHours !== undefined && (
          <>
            <dt>A proposal waits</dt>
            <dd>{p.expiryHours} hours, then expires</dd>
          </>
        )}
        {rest.map(([k, v]) => (
          <div key={k} style={{ display: 'contents' }}>
            <dt>{words(k)}</dt>
            <dd>{value(v)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** The tenant's approval policy; null when the server has no such route (yet) or refuses. */
export function useApprovalPolicy() {
  return useApi(
    (signal) => request<unknown>('get', '/api/approval-policy', { signal, quiet: true }).catch(() => null),
    [],
  );
}

const STATUS: Record<string, string> = {
  pending: 'Waiting for approval',
  approving: 'Being sent',
  approved: 'Approved: the invitation was sent',
  rejected: 'Rejected: nothing was sent',
  expired: 'Expired: nothing was sent',
  failed: 'Failed to send',
};

export function ApprovalPage({ id }: { id: string }) {
  const who = useSession();
  const own = (p: Proposal) => !!who.email && p.preview.organizer.toLowerCase() === who.email.toLowerCase();
  const [notice, setNotice] = useState<string | null>(null);
  const proposal = useApi(
    async (signal) => (await api.get('/api/proposals/{id}', { params: { id }, signal })) as unknown as Proposal,
    [id],
  );
  const policy = useApprovalPolicy();
  // Whether the caller may approve it: it is among the proposals waiting for them (null: the server cannot say).
  const mine = useApi(
    async (signal) => {
      try {
        const r = await request<{ items?: Array<{ id: string }> }>('get', '/api/approvals/pending', {
          signal,
          quiet: true,
        });
        return { known: true, ids: new Set((r.items ?? []).map((x) => x.id)) };
      } catch (e) {
        if (e instanceof DOMException) throw e;
        return { known: false, ids: new Set<string>() };
      }
    },
    [id, notice],
  );
  if (proposal.error instanceof ApiError && (proposal.error.status === 404 || proposal.error.status === 403))
    return (
      <>
        <h1>Proposal</h1>
        <ErrorBox error={proposal.error} />
        <Link to="/approvals">All approvals</Link>
      </>
    );
  return (
    <>
      <h1>Proposal</h1>
      <p>
        <Link to="/approvals">← All approvals</Link>
      </p>
      {notice && (
        <p className="success" role="status">
          {notice}
        </p>
      )}
      <Async state={proposal} label="Loading the proposal…">
        {(p) => {
          if (mine.data === undefined) return <Loading label="Loading the proposal…" />;
          const canDecide =
            p.status === 'pending' && mayApprove(p, who.userId, !mine.data.known || mine.data.ids.has(p.id));
          return (
            <>
              <p className="status-line" role="status" data-status={p.status}>
                Status: <strong>{STATUS[p.status] ?? p.status}</strong> (proposed {dateTime(p.createdAt)})
              </p>
              {p.status === 'pending' && !canDecide && (
                <p className="notice" role="note">
                  You may not approve this proposal: the approval policy below says who may.
                </p>
              )}
              <ProposalCard
                p={p}
                linked={false}
                canDecide={canDecide}
                canReject={canDecide || own(p)}
                canEdit={p.status === 'pending' && (canDecide || own(p))}
                onDone={(m) => {
                  setNotice(m);
                  proposal.reload();
                }}
              />
            </>
          );
        }}
      </Async>
      {policy.data ? <PolicySummary policy={policy.data} title="Who may approve" /> : null}
    </>
  );
}
