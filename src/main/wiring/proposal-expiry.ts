// Wires the proposal expiry sweep: the sweep's transaction runs the expiring UPDATE and the outbox inserts of the
// `proposal.expired` events on one connection (stores and the event emitter built on the transaction), so an expiry
// and its events commit together. Nothing inside it uses the container's own connection (PGlite has one, held by
// the transaction): the tenant is read before it opens.
import type { Clock } from '../../ports/clock.js';
import { ApprovalNotices } from '../../services/scheduling/approval-notices.js';
import { ProposalExpirySweep } from '../../services/scheduling/proposal-expiry.js';
import { PlatformEvents } from '../../services/webhooks/platform-events.js';
import { PgProposalExpiryStore } from '../../stores/proposal-expiry-store.js';
import { PgWebhookEndpointStore } from '../../stores/webhook-endpoint-store.js';
import { PgOutboxStore } from '../../stores/webhook-store.js';
import type { Container } from '../container.js';

export function createProposalExpiry(
  container: Container,
  opts: { clock: Clock; publicUrl: () => string; batchSize?: number },
): ProposalExpirySweep {
  const db = container.database.db;
  const now = () => opts.clock.now();
  return new ProposalExpirySweep({
    now,
    ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
    tenantsDue: (at, limit) => new PgProposalExpiryStore(db).tenantsDue(at, limit),
    inTransaction: async (tenantId, fn) => {
      const tenant = await container.tenantStore.getTenant(tenantId);
      if (!tenant) return null;
      return db.transaction().execute(async (trx) => {
        const store = new PgProposalExpiryStore(trx);
        const notices = new ApprovalNotices({
          outbox: new PgOutboxStore(trx),
          events: new PlatformEvents({
            endpoints: new PgWebhookEndpointStore(trx),
            outbox: new PgOutboxStore(trx),
            settings: { settings: async () => tenant.settings },
            now,
            throwOnError: true,
          }),
          publicUrl: opts.publicUrl,
          now,
        });
        return fn({
          expireDue: (at, limit) => store.expireDue(tenantId, at, limit),
          announce: (record, organizer) => notices.expired(tenant, record, organizer),
        });
      });
    },
  });
}
