// A Kysely dialect for an embedded PGlite instance. Kysely 0.29 ships one (PGliteDialect), but 0.29 declares
// Node >= 22; on Kysely 0.28 (Node >= 20) this file is that dialect, ported (ADR 0014). It reuses Kysely's
// PostgreSQL adapter, introspector and compiler: only the driver differs.
import type { PGlite, Transaction as PGliteTransaction } from '@electric-sql/pglite';
import {
  createQueryId,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
  type CompiledQuery,
} from 'kysely';

export interface PGliteDialectConfig {
  pglite: PGlite;
}

/**
 * @example new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) })
 */
export class PGliteDialect implements Dialect {
  constructor(private readonly config: PGliteDialectConfig) {}

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PGliteDriver(this.config.pglite);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's Dialect signature
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
}

/**
 * PGlite has one connection. Kysely 0.28 leaves serialising its use to the driver (0.29 does it itself for
 * adapters without multiple connections), so acquiring the connection takes a lock that releasing it frees: a
 * transaction keeps the connection until it ends, and queries from elsewhere wait.
 */
class PGliteDriver implements Driver {
  private connection?: PGliteConnection;
  private lock: Promise<void> | null = null;
  private unlock: (() => void) | null = null;

  constructor(private readonly pglite: PGlite) {}

  async init(): Promise<void> {
    if (this.pglite.closed) throw new Error('PGlite instance is already closed.');
    if (!this.pglite.ready) await this.pglite.waitReady;
    this.connection = new PGliteConnection(this.pglite);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    while (this.lock) await this.lock;
    this.lock = new Promise<void>((resolve) => {
      this.unlock = resolve;
    });
    if (!this.connection) throw new Error('PGlite dialect: driver not initialised');
    return this.connection;
  }

  async releaseConnection(): Promise<void> {
    const unlock = this.unlock;
    this.lock = null;
    this.unlock = null;
    unlock?.();
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await (connection as PGliteConnection).begin(settings);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PGliteConnection).end('commit');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PGliteConnection).end('rollback');
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    await connection.executeQuery(compile(sql`savepoint ${sql.id(name)}`.toOperationNode(), createQueryId()));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    await connection.executeQuery(
      compile(sql`rollback to savepoint ${sql.id(name)}`.toOperationNode(), createQueryId()),
    );
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    await connection.executeQuery(compile(sql`release savepoint ${sql.id(name)}`.toOperationNode(), createQueryId()));
  }

  async destroy(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close();
  }
}

class PGliteConnection implements DatabaseConnection {
  private tx: PGliteTransaction | null = null;
  private finish: ((outcome: 'commit' | 'rollback') => void) | null = null;
  private closed: Promise<unknown> | null = null;

  constructor(private readonly pglite: PGlite) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const { affectedRows, rows } = await (this.tx ?? this.pglite).query<R>(
      compiled.sql,
      compiled.parameters as unknown[],
      { rowMode: 'object' },
    );
    return { numAffectedRows: affectedRows != null ? BigInt(affectedRows) : undefined, rows: rows ?? [] };
  }

  // eslint-disable-next-line require-yield -- the interface asks for a generator
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming is not supported by PGlite.');
  }

  /**
   * Opens a transaction with PGlite's own `transaction()`: it holds PGlite's transaction lock, so other users of
   * the instance (pg-boss's PGlite adapter) wait for it to end instead of running inside it.
   */
  async begin(settings: TransactionSettings): Promise<void> {
    let begun!: () => void;
    let failed!: (e: unknown) => void;
    const started = new Promise<void>((resolve, reject) => {
      begun = resolve;
      failed = reject;
    });
    const outcome = new Promise<'commit' | 'rollback'>((resolve) => {
      this.finish = resolve;
    });
    this.closed = this.pglite.transaction(async (tx) => {
      this.tx = tx;
      try {
        if (settings.isolationLevel || settings.accessMode) {
          const parts = [settings.isolationLevel && `isolation level ${settings.isolationLevel}`, settings.accessMode];
          await tx.query(`set transaction ${parts.filter(Boolean).join(' ')}`);
        }
      } catch (e) {
        failed(e);
        throw e;
      }
      begun();
      if ((await outcome) === 'rollback') await tx.rollback();
    });
    // A transaction that fails to start rejects `started`; one that fails on commit rejects `closed` (see end()).
    this.closed.catch((e: unknown) => failed(e));
    await started;
  }

  async end(how: 'commit' | 'rollback'): Promise<void> {
    const closed = this.closed;
    this.finish?.(how);
    try {
      if (how === 'commit') await closed;
      else await closed?.catch(() => undefined);
    } finally {
      this.tx = null;
      this.finish = null;
      this.closed = null;
    }
  }
}
