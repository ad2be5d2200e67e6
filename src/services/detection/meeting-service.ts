// Customer meetings for the API: read with candidates, list per customer, associate by hand or return to detection.
import { AppError } from '../../domain/errors.js';
import type { Actor } from '../../domain/tenancy.js';
import type { CustomerInput } from '../../domain/customers.js';
import { CustomerIndex } from '../../domain/detection/customer-index.js';
import { detectWithIndex } from '../../domain/detection/detect.js';
import type { CustomerStore } from '../../ports/stores.js';
import { toSubjectPattern } from './profile.js';
import type { DetectionService } from './detection-service.js';
import type {
  CustomerMeetingView,
  DetectionStore,
  MeetingQueryStore,
  MeetingViewer,
  TenantSettingsSource,
} from '../../ports/detection.js';

export interface MeetingServiceDeps {
  detection: DetectionService;
  store: DetectionStore;
  queries: MeetingQueryStore;
  customers: Pick<CustomerStore, 'get'>;
  settings: TenantSettingsSource;
  now: () => Date;
  /** Validates and normalises a customer's rules as create/update would (CustomerService.draft). */
  drafts: { draft(input: Partial<CustomerInput>): Partial<CustomerInput> };
}

/** Most meetings a preview reads (the viewer's newest); beyond it the count says `capped`. */
export const PREVIEW_SCAN_LIMIT = 20_000;

/** Draft rules of a customer being created or edited. */
export interface CustomerDraft {
  domains?: string[];
  subjectPatterns?: string[];
  stakeholders?: Array<{ email: string }>;
  /** The customer being edited: its stored stakeholders count too. */
  customerId?: string;
}

export interface RulesPreview {
  /** Synced meetings (copies on several calendars once) the rules would match. */
  matches: number;
  byReason: { domain: number; stakeholder: number; subject: number };
  /** Matching meetings a person set by hand to another customer or to "not a customer": they stay as set. */
  keptByHand: number;
  /** The newest matches (at most 5). */
  sample: Array<{ id: string; subject: string; start: string; reason: 'domain' | 'stakeholder' | 'subject' }>;
  /** True when more meetings exist than the preview reads. */
  capped: boolean;
}

const notFound = () => new AppError('not_found', 'No such meeting.');

export class MeetingService {
  constructor(private readonly deps: MeetingServiceDeps) {}

  /** What the actor may see: own meetings, and shared-calendar meetings when the tenant says `team`. */
  async viewer(actor: Actor): Promise<MeetingViewer> {
    const s = await this.deps.settings.settings(actor.tenantId);
    return {
      tenantId: actor.tenantId,
      userId: actor.userId,
      teamSeesSharedCalendars: s.sharedCalendarVisibility === 'team',
    };
  }

  async get(actor: Actor, meetingId: string): Promise<CustomerMeetingView> {
    const m = await this.deps.queries.getMeeting(await this.viewer(actor), meetingId);
    if (!m) throw notFound();
    return m;
  }

  /**
   * Associates a meeting with a customer by hand (`null`: "not a customer meeting"). The association wins over
   * detection and survives later syncs and re-detection until `clearAssociation`. It is a decision about the meeting,
   * so its copies in the tenant's other calendars (same iCalUId and start) follow it: metrics count a meeting once.
   */
  async associate(actor: Actor, meetingId: string, customerId: string | null): Promise<CustomerMeetingView> {
    await this.get(actor, meetingId);
    if (customerId !== null && !(await this.deps.customers.get(actor.tenantId, customerId))) {
      throw new AppError('not_found', 'No such customer.', { details: { field: 'customerId' } });
    }
    const ids = await this.deps.store.setManual(actor.tenantId, meetingId, customerId);
    if (ids.length === 0) throw notFound();
    await this.deps.detection.detectMeetings(actor.tenantId, ids);
    return this.get(actor, meetingId);
  }

  /** Removes the manual association: the meeting is detected automatically again. */
  async clearAssociation(actor: Actor, meetingId: string): Promise<CustomerMeetingView> {
    await this.get(actor, meetingId);
    const ids = await this.deps.store.clearManual(actor.tenantId, meetingId);
    if (ids.length === 0) throw notFound();
    await this.deps.detection.detectMeetings(actor.tenantId, ids);
    return this.get(actor, meetingId);
  }

  /**
   * How many of the meetings the actor sees the draft rules would match, on their own (other customers' rules do
   * not compete here). Validation is the customer's own: the same codes and `details.field` as create and update.
   */
  async preview(actor: Actor, draft: CustomerDraft): Promise<RulesPreview> {
    const n = this.deps.drafts.draft({
      domains: draft.domains ?? [],
      subjectPatterns: draft.subjectPatterns ?? [],
      stakeholders: draft.stakeholders ?? [],
    });
    const existing = draft.customerId ? await this.deps.customers.get(actor.tenantId, draft.customerId) : null;
    if (draft.customerId && !existing) {
      throw new AppError('not_found', 'No such customer.', { details: { field: 'customerId' } });
    }
    const id = existing?.id ?? 'draft';
    const stakeholders = new Map<string, string | null>();
    for (const s of existing?.stakeholders ?? []) stakeholders.set(s.email, s.role);
    for (const s of n.stakeholders ?? []) if (!stakeholders.has(s.email)) stakeholders.set(s.email, s.role ?? null);
    const settings = await this.deps.settings.settings(actor.tenantId);
    const index = CustomerIndex.build(
      [
        {
          id,
          name: existing?.name ?? 'draft',
          domains: n.domains ?? [],
          subjectPatterns: (n.subjectPatterns ?? []).map(toSubjectPattern),
          stakeholders: [...stakeholders].map(([email, role]) => ({ email, role })),
        },
      ],
      { tenantDomains: settings.ownDomains ?? [] },
    );
    const rows = await this.deps.queries.previewRows(await this.viewer(actor), PREVIEW_SCAN_LIMIT + 1);
    const capped = rows.length > PREVIEW_SCAN_LIMIT;
    const out: RulesPreview = {
      matches: 0,
      byReason: { domain: 0, stakeholder: 0, subject: 0 },
      keptByHand: 0,
      sample: [],
      capped,
    };
    const seen = new Set<string>();
    for (const row of rows.slice(0, PREVIEW_SCAN_LIMIT)) {
      if (seen.has(row.occurrenceKey)) continue;
      const r = detectWithIndex(row, index);
      if (r.customerId === null || r.reason === 'none' || r.reason === 'manual' || r.reason === 'manual_none') continue;
      seen.add(row.occurrenceKey);
      if (row.manual && row.customerId !== existing?.id) {
        out.keptByHand++;
        continue;
      }
      out.matches++;
      out.byReason[r.reason]++;
      if (out.sample.length < 5)
        out.sample.push({ id: row.id, subject: row.subject, start: row.start, reason: r.reason });
    }
    return out;
  }

  async listForCustomer(
    actor: Actor,
    customerId: string,
    q: { when: 'past' | 'upcoming'; match?: 'customer' | 'candidate'; limit: number; offset: number },
  ): Promise<{ items: CustomerMeetingView[]; total: number }> {
    if (!(await this.deps.customers.get(actor.tenantId, customerId))) {
      throw new AppError('not_found', 'No such customer.');
    }
    return this.deps.queries.listCustomerMeetings(await this.viewer(actor), customerId, { ...q, now: this.deps.now() });
  }
}
