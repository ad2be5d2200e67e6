// The data-jobs port: a tenant's or a user's deletion as a background job with visible progress, the rows it erases,
// and the JSON-lines export of everything calbridge holds about a tenant.

export type DataJobKind = 'tenant_deletion' | 'user_deletion';
export type DataJobState = 'queued' | 'running' | 'done' | 'failed';

export interface DataJob {
  id: string;
  kind: DataJobKind;
  /** Null once a tenant deletion is done (no row names the deleted tenant). */
  tenantId: string | null;
  userId: string | null;
  requestedBy: string | null;
  state: DataJobState;
  stepsTotal: number;
  stepsDone: number;
  step: string | null;
  result: Record<string, number>;
  errorCode: string | null;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

export interface DataJobStore {
  create(job: {
    kind: DataJobKind;
    tenantId: string;
    userId: string | null;
    requestedBy: string;
    statusTokenHash: string;
  }): Promise<DataJob>;
  get(id: string): Promise<DataJob | null>;
  /** The job with this id and status-token hash (the requester's handle once their tenant is gone). */
  byToken(id: string, statusTokenHash: string): Promise<DataJob | null>;
  /**
   * Takes the job for one run: marks it running and counts the attempt, unless it is done or another run holds it
   * (running, with progress written less than `leaseMs` ago; a run writes progress at every step). True when taken.
   */
  claim(id: string, leaseMs: number): Promise<boolean>;
  /** A deletion of this tenant (and user) that is queued or running. */
  pending(tenantId: string, kind: DataJobKind, userId: string | null): Promise<DataJob | null>;
  update(
    id: string,
    patch: Partial<
      Pick<DataJob, 'state' | 'stepsTotal' | 'stepsDone' | 'step' | 'result' | 'errorCode' | 'finishedAt'>
    > & {
      attempt?: true;
      /** Clears tenant_id and user_id (a finished tenant deletion). */
      detach?: true;
    },
  ): Promise<void>;
}

/** The rows a deletion erases. */
export interface TenantEraser {
  /** Every user id of the tenant. */
  userIds(tenantId: string): Promise<string[]>;
  /** The users of the tenant with a calendar connection not yet revoked, and its provider. */
  connections(tenantId: string, userId?: string): Promise<Array<{ userId: string; provider: string }>>;
  /** Revokes every API key and browser session of the tenant; returns how many. */
  cutOff(tenantId: string, at: Date): Promise<{ apiKeys: number; sessions: number }>;
  /** Deletes the tenant's row and, by cascade, every row that names it, in one transaction; returns rows per table. */
  eraseTenant(tenantId: string): Promise<Record<string, number>>;
  /** Whether the tenant still exists. */
  exists(tenantId: string): Promise<boolean>;
}

/** One line of a tenant export: the table it comes from and the row, secrets left out. */
export interface ExportLine {
  table: string;
  row: Record<string, unknown>;
}

export interface TenantExporter {
  /** Every row calbridge holds for the tenant, table by table (secrets and token ciphertexts left out). */
  rows(tenantId: string): AsyncIterable<ExportLine>;
}
