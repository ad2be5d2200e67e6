// The job-queue port: background work shared by every worker process with no double processing.

export interface SyncJob {
  tenantId: string;
  calendarId: string;
  /** The connected mailbox: jobs of one mailbox are limited in concurrency across all workers. */
  connectionId: string;
  full?: boolean;
  /** Why the job exists: `poll`, `notification`, `lifecycle`, `manual`, `outbound`. */
  reason: string;
}

/** One received Graph notification, reduced to what its verification needs (no resource data is kept). */
export interface ReceivedNotification {
  subscriptionId: string;
  /** SHA-256 (hex) of the clientState it carried, or null without one: the secret itself is never stored. */
  clientStateHash: string | null;
  /**
   * Set on lifecycle notifications (`reauthorizationRequired`, `subscriptionRemoved`, `missed`); an unknown event is
   * kept as sent and only queues a sync.
   */
  lifecycleEvent?: string;
}

/** One POST of Graph notifications as it was received (stored with one insert, processed after the 202). */
export interface NotificationBatch {
  receivedAt: string;
  items: ReceivedNotification[];
}

export interface JobQueue {
  /**
   * Enqueues a calendar sync. At most one sync per calendar waits and one runs, so a burst of notifications
   * collapses into one debounced job.
   */
  enqueueSync(job: SyncJob, opts?: { delaySeconds?: number }): Promise<boolean>;
  /** Starts processing sync jobs in this process. */
  workSync(handler: (job: SyncJob) => Promise<void>, opts?: { concurrency?: number }): Promise<void>;
  /** Sync jobs waiting or running: all of them, or those of one tenant's calendars (what the tenant may see). */
  depth(scope?: { tenantId: string }): Promise<{ queued: number; active: number }>;
  /** Stores a received batch of notifications durably, as one job (one insert). */
  enqueueNotifications(batch: NotificationBatch): Promise<void>;
  /** Starts processing stored notification batches in this process; a batch whose handler throws is retried. */
  workNotifications(
    handler: (batch: NotificationBatch) => Promise<void>,
    opts?: { concurrency?: number },
  ): Promise<void>;
  /**
   * A recurring job shared by every process on the database: one schedule (re-registering replaces it) sends a job
   * every `everyMinutes`; at most one waits and one runs at a time, and a run missed while no process was up happens
   * once. This process works the job with `handler`. `everyMinutes` 0 removes the schedule and works nothing.
   */
  recurring(name: string, opts: { everyMinutes: number }, handler: () => Promise<void>): Promise<void>;
  /** Sends one run of a recurring job now (collapsed with one already waiting). */
  runRecurringNow(name: string): Promise<void>;
  /** Queues a data job (a tenant's or a user's deletion, by its data_jobs id); a run that throws is retried. */
  enqueueDataJob(jobId: string): Promise<void>;
  /** Starts processing data jobs in this process (one at a time). */
  workDataJobs(handler: (jobId: string) => Promise<void>): Promise<void>;
  /** Deletes the jobs not yet finished whose data names the tenant (its calendar syncs); returns how many. */
  forgetTenant(tenantId: string): Promise<number>;
  stop(): Promise<void>;
}
