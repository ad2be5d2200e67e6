// The sync worker and a provider asking for a long wait: the job is queued again for the Retry-After and the
// current one ends without an error, logged and counted (fakes for the sync service, store and queue).
import { describe, expect, it } from 'vitest';
import { AppError } from '../../domain/errors.js';
import type { JobQueue, SyncJob } from '../../ports/jobs.js';
import type { SyncService } from './sync-service.js';
import { SyncWorker } from './worker.js';

const JOB: SyncJob = { tenantId: 't1', calendarId: 'c1', connectionId: 'k1', reason: 'notification', full: false };

function worker(failure: unknown) {
  const enqueued: Array<{ job: SyncJob; delaySeconds?: number }> = [];
  const logs: Array<{ obj: Record<string, unknown>; msg: string }> = [];
  const throttled: unknown[] = [];
  const queue = {
    enqueueSync: async (job: SyncJob, o: { delaySeconds?: number } = {}) => {
      enqueued.push({ job, delaySeconds: o.delaySeconds });
      return true;
    },
  } as unknown as JobQueue;
  const sync = {
    syncCalendar: async () => {
      throw failure;
    },
  } as unknown as SyncService;
  const store = { getTarget: async () => null } as never;
  const w = new SyncWorker(sync, store, store, { forTarget: () => null as never }, queue, {
    pollIntervalSeconds: 3600,
    publicBaseUrl: null,
    debounceSeconds: 0,
    now: () => new Date(),
    log: (obj, msg) => logs.push({ obj, msg }),
    onThrottled: (info) => throttled.push(info),
  });
  return { w, enqueued, logs, throttled };
}

describe('sync worker and Retry-After', () => {
  it('queues the job again after the asked wait and finishes without throwing', async () => {
    const err = new AppError('provider_throttled', undefined, { details: { status: 429, retryAfterSeconds: 300 } });
    const { w, enqueued, logs, throttled } = worker(err);
    await expect(w.run(JOB)).resolves.toBeUndefined();
    expect(enqueued).toEqual([{ job: { ...JOB, reason: 'throttled' }, delaySeconds: 300 }]);
    expect(w.throttledReschedules).toBe(1);
    expect(throttled).toEqual([{ calendarId: 'c1', reason: 'notification', retryAfterSeconds: 300 }]);
    expect(logs.map((l) => l.msg)).toContain('sync throttled: rescheduled after Retry-After');
  });

  it('does the same for an unavailable provider with a Retry-After, and keeps other failures failing', async () => {
    const unavailable = worker(
      new AppError('provider_unavailable', undefined, { details: { status: 503, retryAfterSeconds: 120 } }),
    );
    await unavailable.w.run(JOB);
    expect(unavailable.enqueued.map((e) => e.delaySeconds)).toEqual([120]);

    const bare = worker(new AppError('provider_throttled'));
    await expect(bare.w.run(JOB)).rejects.toThrow(AppError);
    expect(bare.enqueued).toEqual([]);
    const other = worker(new AppError('provider_error', undefined, { details: { retryAfterSeconds: 5 } }));
    await expect(other.w.run(JOB)).rejects.toThrow(AppError);
    expect(other.w.throttledReschedules).toBe(0);
  });
});
