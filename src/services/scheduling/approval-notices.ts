// Approval requests reach their approvers: an e-mail to each from the organizer's own mailbox and the platform webhook's
// proposal events, both put in the outbox (a row insert) and delivered by the background job with retries. Nothing
// here fails the request that made or decided the proposal: an outbox that cannot be written is logged and skipped.
import type { Approvers, PolicyUser } from '../../domain/approval-policy.js';
import type { Tenant } from '../../domain/tenancy.js';
import type { DeliveryStore } from '../../ports/detection.js';
import type { ProposalRecord } from '../../ports/scheduling.js';
import type { PlatformEvents } from '../webhooks/platform-events.js';

/**
 * The platform events of a proposal. `proposal.created` reaches the older healthWebhookUrl under its older name,
 * `proposal.approval_requested` (docs/webhooks.md).
 */
export type ProposalEventType = 'proposal.created' | 'proposal.approved' | 'proposal.rejected' | 'proposal.expired';

/** The proposal as the webhook's events show it (no body, no internal payload). */
export interface ProposalEventProposal {
  id: string;
  kind: string;
  status: string;
  subject: string;
  start: string;
  end: string;
  organizer: { userId: string; email: string | null };
  customerId: string | null;
  notifiesExternal: boolean;
  expiresAt: string;
  /** Where a person approves it in the web app. */
  url: string;
}

/** One proposal event (docs/webhooks.md); the delivery adds `deliveryId`. */
export interface ProposalEvent {
  type: ProposalEventType;
  tenantId: string;
  occurredAt: string;
  proposal: ProposalEventProposal;
  /** Who may approve it (approval_requested). */
  approvers?: Array<{ userId: string; email: string }>;
  /** Who decided (approved, rejected). */
  decidedBy?: { userId: string };
  /** approved: the meeting created or changed. */
  result?: { meetingId: string | null; providerEventId: string | null; joinUrl: string | null } | null;
}

export interface ApprovalNoticeDeps {
  outbox: Pick<DeliveryStore, 'enqueue'>;
  /** Where the proposal events go (the tenant's endpoints and its healthWebhookUrl). */
  events: Pick<PlatformEvents, 'emit'>;
  /** This server's public URL (links in e-mails and events). */
  publicUrl: () => string;
  now: () => Date;
  /** Where an outbox write that failed is reported (tenant, proposal and error code only). */
  log?: (o: Record<string, unknown>, msg: string) => void;
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export class ApprovalNotices {
  constructor(private readonly deps: ApprovalNoticeDeps) {}

  /** The web app's page of a proposal: `<public base url>/app/approvals/<id>`. */
  linkOf(proposalId: string): string {
    return `${this.deps.publicUrl().replace(/\/+$/, '')}/app/approvals/${proposalId}`;
  }

  /** A new proposal: an e-mail to each approver other than the organizer, and the approval_requested event. */
  async requested(tenant: Tenant, rec: ProposalRecord, organizer: PolicyUser | null, approvers: Approvers) {
    const link = this.linkOf(rec.id);
    const who = organizer?.displayName ?? organizer?.email ?? 'A colleague';
    const when = `${rec.preview.start} – ${rec.preview.end}`;
    const subject = `Approval requested: ${rec.preview.subject}`;
    const html =
      `<p>${escapeHtml(who)} proposes a meeting that needs your approval.</p>` +
      `<p><strong>${escapeHtml(rec.preview.subject)}</strong><br>${escapeHtml(when)}` +
      `${rec.preview.notifiesExternal ? '<br>Invites people outside your organisation.' : ''}</p>` +
      `<p><a href="${escapeHtml(link)}">Review and approve</a></p>` +
      `<p>It expires at ${escapeHtml(rec.expiresAt)}.</p>`;
    const text =
      `${who} proposes a meeting that needs your approval.\n\n${rec.preview.subject}\n${when}\n` +
      `${rec.preview.notifiesExternal ? 'Invites people outside your organisation.\n' : ''}\n` +
      `Review and approve: ${link}\n\nIt expires at ${rec.expiresAt}.\n`;
    for (const a of approvers.users) {
      if (a.id === rec.userId) continue;
      await this.enqueue(tenant.id, rec.id, 'approval_email', {
        userId: rec.userId,
        proposalId: rec.id,
        to: [a.email],
        subject,
        html,
        text,
      });
    }
    await this.event(tenant, rec, organizer, {
      type: 'proposal.created',
      approvers: approvers.users.map((u) => ({ userId: u.id, email: u.email })),
    });
  }

  /** A decision: the proposal.approved or proposal.rejected event. */
  async decided(tenant: Tenant, rec: ProposalRecord, organizer: PolicyUser | null, decision: 'approved' | 'rejected') {
    await this.event(tenant, rec, organizer, {
      type: decision === 'approved' ? 'proposal.approved' : 'proposal.rejected',
      decidedBy: { userId: rec.decidedBy ?? '' },
      ...(decision === 'approved'
        ? {
            result: rec.result
              ? {
                  meetingId: rec.result.meetingId,
                  providerEventId: rec.result.providerEventId,
                  joinUrl: rec.result.joinUrl,
                }
              : null,
          }
        : {}),
    });
  }

  /** A pending proposal that passed its expiry (marked expired by the read that found it so). */
  async expired(tenant: Tenant, rec: ProposalRecord, organizer: PolicyUser | null) {
    await this.event(tenant, rec, organizer, { type: 'proposal.expired' });
  }

  private async event(
    tenant: Tenant,
    rec: ProposalRecord,
    organizer: PolicyUser | null,
    part: Pick<ProposalEvent, 'type' | 'approvers' | 'decidedBy' | 'result'>,
  ): Promise<void> {
    const { type, ...rest } = part;
    const event: Omit<ProposalEvent, 'type' | 'tenantId' | 'occurredAt'> = {
      ...rest,
      proposal: {
        id: rec.id,
        kind: rec.kind,
        status: rec.status,
        subject: rec.preview.subject,
        start: rec.preview.start,
        end: rec.preview.end,
        organizer: { userId: rec.userId, email: organizer?.email ?? null },
        customerId: rec.customerId,
        notifiesExternal: rec.preview.notifiesExternal,
        expiresAt: rec.expiresAt,
        url: this.linkOf(rec.id),
      },
    };
    await this.deps.events.emit(tenant.id, type, { ...event });
  }

  private async enqueue(
    tenantId: string,
    proposalId: string,
    kind: 'approval_email',
    payload: Record<string, unknown>,
  ): Promise<void> {
    try {
      await this.deps.outbox.enqueue(tenantId, kind, payload, this.deps.now());
    } catch (e) {
      this.deps.log?.(
        { tenantId, proposalId, kind, code: e instanceof Error ? e.name : 'error' },
        'approval notice not queued',
      );
    }
  }
}
