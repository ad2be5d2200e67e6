// Unit tests of the sync API's logic: status derived from stored facts, manual syncs, notification intake.
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../domain/errors.js';
import type { NotificationBatch, SyncJob } from '../../ports/jobs.js';
import type { CalendarSyncStatusRow, SyncTarget } from '../../ports/sync.js';
import { MAX_NOTIFICATIONS_PER_BATCH, SyncStatusService, type SyncStatusDeps } from './sync-status.js';
import { hashClientState } from './worker.js';

const NOW = new Date('2026-05-04T12:00:00Z');

const row = (over: Partial<CalendarSyncStatusRow>): CalendarSyncStatusRow => ({
  calendarId: 'cal-1',
  name: 'Calendar',
  isShared: false,
  ownerEmail: null,
  selected: true,
  isDefault: true,
  canEdit: true,
  connectionId: 'conn-1',
  provider: 'MICROSOFT',
  pollIntervalSeconds: null,
  lastSuccessAt: null,
  lastAttemptAt: null,
  lastError: null,
  subscriptionExpiresAt: null,
  lastNotificationAt: null,
  fullSyncInProgress: null,
  pagesSynced: null,
  eventsSynced: null,
  lastFullSyncAt: null,
  ...over,
});

const target = (calendarId: string): SyncTarget => ({
  tenantId: 't',
  userId: 'u',
  calendarId,
  providerCalendarId: `p-${calendarId}`,
  provider: 'MICROSOFT',
  connectionId: 'conn-1',
  mailbox: 'me@contoso.com',
  isShared: false,
});

function setup(rows: CalendarSyncStatusRow[]) {
  const enqueued: SyncJob[] = [];
  const stored: NotificationBatch[] = [];
  const counted: string[] = [];
  const gauges: Record<string, number> = {};
  const depthScopes: Array<{ tenantId: string } | undefined> = [];
  const deps: SyncStatusDeps = {
    store: {
      status: async () => rows,
      listTargets: async () => [target('cal-1'), target('cal-2')],
    },
    queue: {
      enqueueSync: async (job) => {
        enqueued.push(job);
        return true;
      },
      depth: async (scope) => {
        depthScopes.push(scope);
        return { queued: 2, active: 1 };
      },
      enqueueNotifications: async (batch) => {
        stored.push(batch);
      },
    },
    worker: {
      onChannelNotification: async (n) => (n.state === 'sync' ? 'ignored' : 'queued'),
    },
    metrics: {
      notifications: { inc: (l: { outcome: string }) => counted.push(l.outcome) },
      queueDepth: { set: (l: { state: string }, v: number) => (gauges[l.state] = v) },
      registry: { contentType: 'text/plain; version=0.0.4', metrics: async () => 'calbridge_up 1\n' },
    } as unknown as SyncStatusDeps['metrics'],
    pollIntervalSeconds: 300,
    notificationsEnabled: () => true,
    now: () => NOW,
  };
  return { service: new SyncStatusService(deps), enqueued, stored, counted, gauges, depthScopes };
}

describe('SyncStatusService.status', () => {
  it('derives lag, next run and throttling from the stored facts', async () => {
    const { service } = setup([
      row({
        lastSuccessAt: new Date('2026-05-04T11:59:00Z'),
        lastAttemptAt: new Date('2026-05-04T11:58:00Z'),
        lastError: 'provider_throttled: 429',
        pollIntervalSeconds: 600,
      }),
      row({ calendarId: 'cal-2', selected: false }),
    ]);
    const report = await service.status('t', 'u');
    expect(report.notifications).toBe(true);
    expect(report.queue).toEqual({ queued: 2, active: 1 });
    expect(report.calendars[0]).toMatchObject({
      lagSeconds: 60,
      pollIntervalSeconds: 600,
      nextRunAt: '2026-05-04T12:08:00.000Z',
      throttled: true,
      lastSuccessAt: '2026-05-04T11:59:00.000Z',
      fullSyncInProgress: false,
      pagesSynced: 0,
    });
    expect(report.calendars[1]).toMatchObject({ nextRunAt: null, lagSeconds: null, pollIntervalSeconds: 300 });
  });

  it("reads the queue figures of the caller's tenant only", async () => {
    const { service, depthScopes } = setup([]);
    await service.status('tenant-a', 'u');
    expect(depthScopes).toEqual([{ tenantId: 'tenant-a' }]);
  });
});

describe('SyncStatusService.requestSync', () => {
  it('queues every calendar of the caller, or one', async () => {
    const { service, enqueued } = setup([]);
    expect(await service.requestSync('t', 'u', {})).toBe(2);
    expect(await service.requestSync('t', 'u', { calendarId: 'cal-2', full: true })).toBe(1);
    expect(enqueued.at(-1)).toMatchObject({ calendarId: 'cal-2', full: true, reason: 'manual' });
  });

  it('answers not_found for a calendar that is not the caller’s', async () => {
    const { service } = setup([]);
    const e = await service.requestSync('t', 'u', { calendarId: 'other' }).catch((x: unknown) => x);
    expect(isAppError(e, 'not_found')).toBe(true);
  });
});

describe('SyncStatusService notification intake', () => {
  it('stores a Graph batch as one job, keeping the clientState only as its hash and no resource data', async () => {
    const { service, stored, enqueued } = setup([]);
    const accepted = await service.intakeGraphNotifications({
      value: [
        { subscriptionId: 'good', clientState: 's', resourceData: { id: 'x' } },
        { subscriptionId: 'life', clientState: 's', lifecycleEvent: 'missed' },
        { subscriptionId: 'bad' },
        { nothing: 1 },
        null,
      ],
    });
    expect(accepted).toBe(3);
    expect(enqueued).toEqual([]);
    expect(stored).toEqual([
      {
        receivedAt: NOW.toISOString(),
        items: [
          { subscriptionId: 'good', clientStateHash: hashClientState('s') },
          { subscriptionId: 'life', clientStateHash: hashClientState('s'), lifecycleEvent: 'missed' },
          { subscriptionId: 'bad', clientStateHash: null },
        ],
      },
    ]);
  });

  it('ignores items whose stored text would hold a NUL or an unpaired surrogate (jsonb refuses them)', async () => {
    const { service, stored } = setup([]);
    const accepted = await service.intakeGraphNotifications({
      value: [
        { subscriptionId: 'a\u0000b' },
        { subscriptionId: 'c\ud800' },
        { subscriptionId: 'life', lifecycleEvent: 'missed\u0000' },
        // a pair cut in two by the 64-character limit
        { subscriptionId: 'cut', lifecycleEvent: `${'m'.repeat(63)}😀` },
        { subscriptionId: 'ok', clientState: 'state\u0000\udc00' },
      ],
    });
    expect(accepted).toBe(1);
    expect(stored[0]!.items).toEqual([{ subscriptionId: 'ok', clientStateHash: hashClientState('state\u0000\udc00') }]);
  });

  it('refuses a body without a value array, and more than the batch maximum, storing nothing', async () => {
    const { service, stored } = setup([]);
    const e = await service.intakeGraphNotifications({}).catch((x: unknown) => x);
    expect(isAppError(e, 'validation_failed')).toBe(true);
    const big = { value: Array.from({ length: MAX_NOTIFICATIONS_PER_BATCH + 1 }, () => ({ subscriptionId: 'x' })) };
    const tooMany = await service.intakeGraphNotifications(big).catch((x: unknown) => x);
    expect(isAppError(tooMany, 'notification_batch_too_large')).toBe(true);
    expect(stored).toEqual([]);
  });

  it('counts a Google push by its outcome', async () => {
    const { service, counted } = setup([]);
    expect(await service.intakeGooglePush({ calendarId: 'cal-1', token: 'x', state: 'sync' })).toBe('ignored');
    expect(counted).toEqual(['ignored']);
  });

  it('reads the queue depth into the gauges before the exposition', async () => {
    const { service, gauges } = setup([]);
    const m = await service.metricsExposition();
    expect(gauges).toEqual({ queued: 2, active: 1 });
    expect(m).toEqual({ contentType: 'text/plain; version=0.0.4', body: 'calbridge_up 1\n' });
  });
});
