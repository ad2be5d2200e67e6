// Wires customer detection, meeting metrics, the health webhook and prep briefs onto the container, sync and routes.
import type { Config } from '../../config/config.js';
import type { RouteModule } from '../../http/build-app.js';
import { meetingRoutes } from '../../http/routes/meetings.js';
import { DetectionService } from '../../services/detection/detection-service.js';
import { MeetingService } from '../../services/detection/meeting-service.js';
import type { TenantSettingsSource } from '../../services/detection/ports.js';
import { PgCustomerStore } from '../../stores/customer-store.js';
import { PgMeetingQueryStore } from '../../stores/meeting-query-store.js';
import type { Container } from '../container.js';
import { registerFeature } from '../server.js';
import type { SyncRuntime } from './sync.js';

export interface DetectionRuntime {
  detection: DetectionService;
  meetings: MeetingService;
  close(): Promise<void>;
}

/** Builds the detection runtime on a container and hooks it to customer changes and (when given) the sync engine. */
export function createDetectionRuntime(
  container: Container,
  opts: { sync?: SyncRuntime; now?: () => Date; log?: (o: Record<string, unknown>, m: string) => void } = {},
): DetectionRuntime {
  const now = opts.now ?? (() => new Date());
  const log = opts.log ?? (() => undefined);
  const db = container.database.db;
  const store = new PgMeetingQueryStore(db);
  const customerStore = new PgCustomerStore(db);
  const settings: TenantSettingsSource = {
    settings: async (tenantId) => (await container.tenantStore.getTenant(tenantId))?.settings ?? {},
  };
  const detection = new DetectionService({ store, customers: customerStore, settings });
  const meetings = new MeetingService({
    detection,
    store,
    queries: store,
    customers: customerStore,
    settings,
    now,
  });
  container.customers.onChange(async (tenantId, before, after) => {
    await detection.onCustomerChanged(tenantId, before, after);
  });
  opts.sync?.sync.onMeetingsChanged(async (tenantId, changed) => {
    try {
      await detection.detectMeetings(tenantId, changed);
    } catch (e) {
      // The sync page is committed already; `detectPending` picks these meetings up later.
      log({ tenantId, err: e instanceof Error ? e.message : String(e) }, 'detection after sync failed');
    }
  });
  return { detection, meetings, close: async () => undefined };
}

/** The route modules of the feature. */
export function detectionModules(r: DetectionRuntime): RouteModule[] {
  return [meetingRoutes(r.meetings)];
}

/** The wired runtime per container (tests and other features look it up). */
export const detectionFeatures = new WeakMap<object, DetectionRuntime>();

registerFeature(async ({ container }: { container: Container; config: Config }) => {
  const sync = (container as Container & { sync?: SyncRuntime }).sync;
  const runtime = createDetectionRuntime(container, { sync });
  detectionFeatures.set(container, runtime);
  return { modules: detectionModules(runtime), close: () => runtime.close() };
});
