// Prep briefs: a scheduled scan enqueues one brief per upcoming customer meeting occurrence, a set time before it.
import type { TenantSettings } from '../../domain/tenancy.js';
import type { CustomerStore } from '../../ports/stores.js';
import type { BriefStore, TenantSettingsSource, UpcomingCustomerMeeting } from '../../ports/detection.js';
import type { MetricsService } from '../metrics/metrics-service.js';
import { openItems, renderBrief, type BriefContent } from './render.js';

export const DEFAULT_BRIEF_MINUTES = 30;
/** Longest lead time a tenant may configure (one day); the scan looks this far ahead. */
export const MAX_BRIEF_MINUTES = 1440;

export interface BriefServiceDeps {
  store: BriefStore;
  metrics: MetricsService;
  customers: Pick<CustomerStore, 'get'>;
  settings: TenantSettingsSource;
  /** True when the user's connection can send mail (`MailSender`); otherwise the platform webhook is used. */
  canSendMail: (tenantId: string, userId: string) => Promise<boolean>;
  now: () => Date;
}

/** Minutes before the meeting a tenant wants its brief (default 30, clamped to 1 … 1440). */
export function briefLeadMinutes(s: TenantSettings): number {
  const m = s.prepBriefMinutesBefore ?? DEFAULT_BRIEF_MINUTES;
  return Number.isFinite(m) ? Math.min(MAX_BRIEF_MINUTES, Math.max(1, Math.round(m))) : DEFAULT_BRIEF_MINUTES;
}

/**
 * Exactly once per occurrence: `BriefStore.claimBrief` inserts (tenant, occurrence key, 'prep') into briefs_sent
 * and the delivery into the outbox in one transaction, so concurrent workers and restarts can run `runDue`
 * as often as they like. The occurrence key is the iCalUId plus the occurrence start, so the same meeting on
 * several calendars of the tenant gets one brief (for the first such calendar's user).
 */
export class BriefService {
  constructor(private readonly deps: BriefServiceDeps) {}

  /** Enqueues the briefs that are due now; returns how many were enqueued by this call. */
  async runDue(limit = 500): Promise<number> {
    const now = this.deps.now();
    const upcoming = await this.deps.store.upcoming(now, new Date(now.getTime() + MAX_BRIEF_MINUTES * 60_000), limit);
    const settings = new Map<string, TenantSettings>();
    let enqueued = 0;
    for (const m of upcoming) {
      let s = settings.get(m.tenantId);
      if (!s) settings.set(m.tenantId, (s = await this.deps.settings.settings(m.tenantId)));
      if (Date.parse(m.start) - briefLeadMinutes(s) * 60_000 > now.getTime()) continue;
      if (await this.enqueue(m, s)) enqueued++;
    }
    return enqueued;
  }

  private async enqueue(m: UpcomingCustomerMeeting, s: TenantSettings): Promise<boolean> {
    const byMail = await this.deps.canSendMail(m.tenantId, m.userId);
    const url = s.healthWebhookUrl ?? null;
    if (!byMail && !url) return false;
    const content = await this.content(m);
    if (!content) return false;
    const rendered = renderBrief(content);
    const to = await this.deps.store.userEmail(m.tenantId, m.userId);
    const delivery = byMail
      ? { kind: 'brief_email' as const, payload: { userId: m.userId, to: to ? [to] : [], ...rendered } }
      : {
          kind: 'brief_webhook' as const,
          payload: {
            url: url as string,
            event: {
              type: 'meeting.prep_brief',
              tenantId: m.tenantId,
              meetingId: m.id,
              userId: m.userId,
              brief: content,
              text: rendered.text,
            },
          },
        };
    return this.deps.store.claimBrief(
      { tenantId: m.tenantId, occurrenceKey: m.occurrenceKey, kind: 'prep', meetingId: m.id },
      { ...delivery, at: this.deps.now() },
    );
  }

  /** What the brief says; null when the customer no longer exists. */
  async content(m: UpcomingCustomerMeeting): Promise<BriefContent | null> {
    const customer = await this.deps.customers.get(m.tenantId, m.customerId);
    if (!customer) return null;
    const known = new Map(customer.stakeholders.map((x) => [x.email.toLowerCase(), x]));
    const people = [
      ...(m.organizer ? [{ ...m.organizer, response: 'organizer' }] : []),
      ...m.attendees.filter((a) => a.type !== 'resource'),
    ];
    const seen = new Set<string>();
    const attendees = people
      .filter((p) => !seen.has(p.email.toLowerCase()) && seen.add(p.email.toLowerCase()))
      .map((p) => ({
        email: p.email,
        name: p.name ?? known.get(p.email.toLowerCase())?.name ?? null,
        role: known.get(p.email.toLowerCase())?.role ?? null,
        response: p.response,
      }));
    const [last, health] = await Promise.all([
      this.deps.store.recentMeetings(m.tenantId, m.customerId, new Date(m.start), 5),
      this.deps.metrics.scoreOf(m.tenantId, m.customerId),
    ]);
    const [w30, w90] = health.metrics.windows;
    return {
      customerName: customer.name,
      subject: m.subject,
      start: m.start,
      attendees,
      lastMeetings: last.map((x) => ({ subject: x.subject, start: x.start })),
      score: health.score,
      trend: health.trend,
      meetings30: w30?.meetings ?? 0,
      meetings90: w90?.meetings ?? 0,
      change30: w30?.change ?? 0,
      openItems: openItems(m.body, m.bodyContentType),
    };
  }
}
