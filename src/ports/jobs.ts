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

export interface JobQueue {
  /**
   * Enqueues a calendar sync. At most one sync per calendar waits and one runs, so a burst of notifications
   * collapses into one debounced job.
   */
  enqueueSync(job: SyncJob, opts?: { delaySeconds?: number }): Promise<boolean>;
  /** Starts processing sync jobs in this process. */
  workSync(handler: (job: SyncJob) => Promise<void>, opts?: { concurrency?: number }): Promise<void>;
  /** Jobs waiting or running. */
  depth(): Promise<{ queued: number; active: number }>;
  /**
   * A recurring job shared by every process on the database: one schedule (re-registering replaces it) sends a job
   * every `everyMinutes`; at most one waits and one runs at a time, and a run missed while no process was up happens
   * once. This process works the job with `handler`. `everyMinutes` 0 removes the schedule and works nothing.
   */
  recurring(name: string, opts: { everyMinutes: number }, handler: () => Promise<void>): Promise<void>;
  /** Sends one run of a recurring job now (collapsed with one already waiting). */
  runRecurringNow(name: string): Promise<void>;
  stop(): Promise<void>;
}
