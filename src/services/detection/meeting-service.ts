// Customer meetings for the API: read with candidates, list per customer, associate by hand or return to detection.
import { AppError } from '../../domain/errors.js';
import type { Actor } from '../../domain/tenancy.js';
import type { CustomerStore } from '../../ports/stores.js';
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
   * detection and survives later syncs and re-detection until `clearAssociation`.
   */
  async associate(actor: Actor, meetingId: string, customerId: string | null): Promise<CustomerMeetingView> {
    await this.get(actor, meetingId);
    if (customerId !== null && !(await this.deps.customers.get(actor.tenantId, customerId))) {
      throw new AppError('not_found', 'No such customer.', { details: { field: 'customerId' } });
    }
    if (!(await this.deps.store.setManual(actor.tenantId, meetingId, customerId))) throw notFound();
    await this.deps.detection.detectMeetings(actor.tenantId, [meetingId]);
    return this.get(actor, meetingId);
  }

  /** Removes the manual association: the meeting is detected automatically again. */
  async clearAssociation(actor: Actor, meetingId: string): Promise<CustomerMeetingView> {
    await this.get(actor, meetingId);
    if (!(await this.deps.store.clearManual(actor.tenantId, meetingId))) throw notFound();
    await this.deps.detection.detectMeetings(actor.tenantId, [meetingId]);
    return this.get(actor, meetingId);
  }

  async listForCustomer(
    actor: Actor,
    customerId: string,
    q: { when: 'past' | 'upcoming'; limit: number; offset: number },
  ): Promise<{ items: CustomerMeetingView[]; total: number }> {
    if (!(await this.deps.customers.get(actor.tenantId, customerId))) {
      throw new AppError('not_found', 'No such customer.');
    }
    return this.deps.queries.listCustomerMeetings(await this.viewer(actor), customerId, { ...q, now: this.deps.now() });
  }
}
