// A tenant admin's data rights: export everything calbridge holds about the tenant (JSON lines, streamed), and delete
// the tenant or a user in one idempotent background job whose progress is visible. A tenant deletion cuts off every
// key and session, stops each calendar connection (provider subscriptions deleted, the grant revoked where the
// provider can: Google; Microsoft has no per-token revocation, so its tokens are erased), forgets the tenant's queued
// jobs, and erases the tenant's rows in one transaction. A user deletion runs UserService.delete (the same as
// DELETE /api/users/{id}) inside the job.
import { createHash, randomBytes } from 'node:crypto';
import { AppError, isAppError } from '../../domain/errors.js';
import type { Actor } from '../../domain/tenancy.js';
import { systemClock, type Clock } from '../../ports/clock.js';
import type { DataJob, DataJobStore, TenantEraser, TenantExporter } from '../../ports/data-jobs.js';
import type { JobQueue } from '../../ports/jobs.js';
import type { TenantStore } from '../../ports/stores.js';
import type { TenantBackupService } from '../backup/backup-service.js';
import type { TenantService } from './tenant-service.js';
import type { UserService } from './user-service.js';

/** Stops one provider's connection of a user, revoking the grant at the provider where it can. */
export interface GrantRevoker {
  disconnect(
    actor: Actor,
    userId: string,
    opts: { revokeGrant: boolean },
  ): Promise<{ grant?: string; subscriptionsDeleted?: number }>;
}

export interface DataRightsDeps {
  jobs: DataJobStore;
  eraser: TenantEraser;
  exporter: TenantExporter;
  backups: TenantBackupService;
  tenantStore: TenantStore;
  tenants: TenantService;
  users: UserService;
  /** Per provider (`MICROSOFT`, `GOOGLE`). */
  connections: Record<string, GrantRevoker>;
  queue: Pick<JobQueue, 'enqueueDataJob' | 'forgetTenant'>;
  clock?: Clock;
}

export const EXPORT_FORMAT = 'calbridge.tenant-export.v1';
const hash = (t: string) => createHash('sha256').update(t).digest('hex');

/** A job as its status route answers it. */
export interface DataJobView {
  id: string;
  kind: DataJob['kind'];
  state: DataJob['state'];
  stepsDone: number;
  stepsTotal: number;
  step: string | null;
  result: Record<string, number>;
  errorCode: string | null;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export const jobView = (j: DataJob): DataJobView => ({
  id: j.id,
  kind: j.kind,
  state: j.state,
  stepsDone: j.stepsDone,
  stepsTotal: j.stepsTotal,
  step: j.step,
  result: j.result,
  errorCode: j.errorCode,
  attempts: j.attempts,
  createdAt: j.createdAt.toISOString(),
  updatedAt: j.updatedAt.toISOString(),
  finishedAt: j.finishedAt?.toISOString() ?? null,
});

/** How long a run may go without writing progress before another run of its job takes it over. */
const RUN_LEASE_MS = 5 * 60_000;
/** How often a run waiting for another run of its job looks again. */
const CLAIM_POLL_MS = 250;

/**
 * @example const { job, statusToken } = await rights.requestTenantDeletion(admin, 'Contoso'); // then poll status
 */
export class DataRightsService {
  private readonly clock: Clock;

  constructor(private readonly d: DataRightsDeps) {
    this.clock = d.clock ?? systemClock;
  }

  /**
   * Every row calbridge holds for the caller's tenant as JSON lines: a header, the restorable backup document
   * (`calbridge restore`), then one line per row of every table that names the tenant (secrets left out).
   */
  async *exportTenant(actor: Actor): AsyncIterable<string> {
    const backup = await this.d.backups.exportTenant(actor.tenantId);
    yield `${JSON.stringify({ format: EXPORT_FORMAT, tenantId: actor.tenantId, exportedAt: backup.exportedAt })}\n`;
    yield `${JSON.stringify({ table: 'backup', row: backup })}\n`;
    for await (const line of this.d.exporter.rows(actor.tenantId)) yield `${JSON.stringify(line)}\n`;
  }

  private async request(
    actor: Actor,
    kind: DataJob['kind'],
    userId: string | null,
  ): Promise<{ job: DataJobView; statusToken: string | null }> {
    const pending = await this.d.jobs.pending(actor.tenantId, kind, userId);
    if (pending) return { job: jobView(pending), statusToken: null };
    const statusToken = `cbj_${randomBytes(24).toString('base64url')}`;
    const job = await this.d.jobs.create({
      kind,
      tenantId: actor.tenantId,
      userId,
      requestedBy: actor.userId,
      statusTokenHash: hash(statusToken),
    });
    await this.d.queue.enqueueDataJob(job.id);
    return { job: jobView(job), statusToken };
  }

  /**
   * Queues the deletion of the caller's tenant; `confirm` must be the tenant's name exactly. A deletion already queued
   * or running is answered instead of a second (its status token is not shown again).
   */
  async requestTenantDeletion(actor: Actor, confirm: string) {
    const tenant = await this.d.tenantStore.getTenant(actor.tenantId);
    if (!tenant) throw new AppError('not_found', 'No such tenant.');
    if (confirm !== tenant.name)
      throw new AppError('validation_failed', "Type the organisation's name exactly to confirm its deletion.", {
        details: { field: 'confirm', reason: 'confirmation_mismatch' },
      });
    return this.request(actor, 'tenant_deletion', null);
  }

  /** Queues the deletion of a user of the caller's tenant; `confirm` must be their address. */
  async requestUserDeletion(actor: Actor, userId: string, confirm: string) {
    const user = await this.d.tenantStore.getUser(actor.tenantId, userId);
    if (!user) throw new AppError('not_found', 'No such user.');
    if (confirm.trim().toLowerCase() !== user.email)
      throw new AppError('validation_failed', "Type the user's address exactly to confirm their deletion.", {
        details: { field: 'confirm', reason: 'confirmation_mismatch' },
      });
    if (user.role === 'admin' && user.status === 'active') {
      const admins = (await this.d.tenantStore.listUsers(actor.tenantId)).filter(
        (u) => u.role === 'admin' && u.status === 'active',
      );
      if (admins.length <= 1)
        throw new AppError('last_admin', undefined, {
          details: { reason: 'The organisation would be left without an active admin.' },
        });
    }
    return this.request(actor, 'user_deletion', userId);
  }

  /** A job of the caller's tenant (404 for another tenant's). */
  async status(actor: Actor, jobId: string): Promise<DataJobView> {
    const job = await this.d.jobs.get(jobId);
    if (!job || job.tenantId !== actor.tenantId) throw new AppError('not_found', 'No such data job.');
    return jobView(job);
  }

  /** A job by its id and the status token its request answered (the handle that outlives the tenant). */
  async statusByToken(jobId: string, token: string): Promise<DataJobView> {
    const job = /^cbj_[A-Za-z0-9_-]{32}$/.test(token) ? await this.d.jobs.byToken(jobId, hash(token)) : null;
    if (!job) throw new AppError('not_found', 'No such data job.');
    return jobView(job);
  }

  /** Runs (or resumes) a job; safe to run again at any point, also after it finished. */
  async run(jobId: string): Promise<void> {
    const job = await this.d.jobs.get(jobId);
    if (!job || job.state === 'done' || !job.tenantId) return;
    // One run at a time: a second delivery of the same job (the queue's retry of a run it thought lost, a second
    // worker) waits for the run holding it, and takes over only when that one stops writing progress for a lease.
    // Two runs at once could otherwise interleave, one writing (an audit row of a disconnect) after the other erased.
    while (!(await this.d.jobs.claim(jobId, RUN_LEASE_MS))) {
      const current = await this.d.jobs.get(jobId);
      if (!current || current.state === 'done' || !current.tenantId) return;
      await new Promise((r) => setTimeout(r, CLAIM_POLL_MS));
    }
    try {
      if (job.kind === 'tenant_deletion') await this.deleteTenant(job, job.tenantId);
      else await this.deleteUser(job, job.tenantId);
    } catch (e) {
      await this.d.jobs.update(jobId, { state: 'failed', errorCode: isAppError(e) ? e.code : 'internal' });
      throw e;
    }
  }

  private actorFor(job: DataJob, tenantId: string): Actor {
    return { tenantId, userId: job.requestedBy ?? 'system', role: 'admin', apiKeyId: null, sessionId: null };
  }

  private async deleteTenant(job: DataJob, tenantId: string): Promise<void> {
    const actor = this.actorFor(job, tenantId);
    const result: Record<string, number> = { ...job.result };
    const add = (k: string, n = 1) => (result[k] = (result[k] ?? 0) + n);
    const connections = await this.d.eraser.connections(tenantId);
    const users = await this.d.eraser.userIds(tenantId);
    const total = connections.length + 3;
    let done = 0;
    const step = async (name: string, f: () => Promise<void>) => {
      await this.d.jobs.update(job.id, { step: name, stepsTotal: total, stepsDone: done });
      await f();
      done += 1;
      await this.d.jobs.update(job.id, { stepsDone: done, result });
    };
    await step('revoke_access', async () => {
      const r = await this.d.eraser.cutOff(tenantId, this.clock.now());
      for (const u of users) this.d.tenants.forgetCallers(tenantId, u);
      add('apiKeysRevoked', r.apiKeys);
      add('sessionsRevoked', r.sessions);
    });
    for (const c of connections)
      await step(`stop_connection:${c.provider.toLowerCase()}`, async () => {
        const service = this.d.connections[c.provider];
        if (!service) return;
        try {
          const r = await service.disconnect(actor, c.userId, { revokeGrant: true });
          add('connectionsStopped');
          add('subscriptionsDeleted', r.subscriptionsDeleted ?? 0);
          if (r.grant === 'revoked' || r.grant === 'invalid') add('grantsRevoked');
          else if (r.grant === 'unsupported') add('grantsErasedNotRevocable');
          else if (r.grant === 'failed') add('grantRevocationsFailed');
        } catch (e) {
          if (!isAppError(e, 'not_connected')) throw e;
        }
      });
    await step('forget_jobs', async () => {
      add('queuedJobsRemoved', await this.d.queue.forgetTenant(tenantId));
    });
    await step('erase_rows', async () => {
      const counts = await this.d.eraser.eraseTenant(tenantId);
      add(
        'rowsErased',
        Object.values(counts).reduce((a, b) => a + b, 0),
      );
    });
    await this.d.jobs.update(job.id, {
      state: 'done',
      step: null,
      stepsDone: total,
      stepsTotal: total,
      result,
      finishedAt: this.clock.now(),
      detach: true,
    });
  }

  private async deleteUser(job: DataJob, tenantId: string): Promise<void> {
    const actor = this.actorFor(job, tenantId);
    await this.d.jobs.update(job.id, { step: 'delete_user', stepsTotal: 1, stepsDone: 0 });
    try {
      await this.d.users.delete(actor, job.userId!);
    } catch (e) {
      // a second run after the user is gone has nothing left to do
      if (!isAppError(e, 'not_found')) throw e;
    }
    await this.d.jobs.update(job.id, {
      state: 'done',
      step: null,
      stepsDone: 1,
      stepsTotal: 1,
      finishedAt: this.clock.now(),
    });
  }
}
