// The composition root: opens the database, runs migrations, builds stores, services and the provider registry.
import { join } from 'node:path';
import { systemClock, type Clock } from '../ports/clock.js';
import type { Config } from '../config/config.js';
import { decodeKey } from '../config/config.js';
import { compileRegex, keywordTokens } from '../domain/detection/patterns.js';
import { MockCalendarWorld } from '../providers/mock/index.js';
import { ProviderRegistry } from '../providers/registry.js';
import { TenantBackupService } from '../services/backup/backup-service.js';
import { CustomerService } from '../services/customers/customer-service.js';
import { TenantService } from '../services/tenancy/tenant-service.js';
import { SessionService } from '../services/tenancy/session-service.js';
import { PgSessionStore } from '../stores/session-store.js';
import { PgAuditStore } from '../stores/audit-store.js';
import { Keyring, loadOrCreateKeyFile } from '../stores/crypto/keyring.js';
import { PgCustomerStore } from '../stores/customer-store.js';
import { isReachable, openDatabase, type Database } from '../stores/database.js';
import { migrateToLatest } from '../stores/migrate.js';
import { MIGRATIONS } from '../stores/migrations/index.js';
import { saveTemplate, templateRootOf } from '../stores/pglite-template.js';
import { PgTenantBackupStore } from '../stores/tenant-backup-store.js';
import { verifiedDomainsOf } from '../stores/verified-domains.js';
import { PgTenantStore } from '../stores/tenant-store.js';
import { PgTokenVault } from '../stores/token-vault.js';

export interface Container {
  config: Config;
  database: Database;
  keyring: Keyring;
  /** Where the embedded key file lives; null when keys come from the environment. */
  keyFile: string | null;
  vault: PgTokenVault;
  audit: PgAuditStore;
  tenantStore: PgTenantStore;
  tenants: TenantService;
  /** Browser sessions (sign-in cookies). */
  sessions: SessionService;
  customers: CustomerService;
  /** Tenant export and import (`calbridge export` / `import`). */
  backups: TenantBackupService;
  providers: ProviderRegistry;
  mockWorld: MockCalendarWorld;
  close(): Promise<void>;
}

/**
 * The embedded database's buffer cache: 32 MB instead of initdb's 128 MB, which PGlite's memory held from the start
 * (idle RSS of a warm npm start about 90 MB lower; issue 20). The files under it are in the OS page cache anyway.
 */
export const EMBEDDED_SHARED_BUFFERS = '32MB';

/** A subject pattern is either `/regex/` (RE2, linear time) or keywords; both are validated here. */
export function validateSubjectPattern(pattern: string): void {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(pattern);
  if (m) compileRegex(m[1]!);
  else keywordTokens(pattern);
}

/** Keys from the environment, or the embedded key file (created with mode 0600 on first start). */
export function loadKeyring(config: Config): { keyring: Keyring; keyFile: string | null } {
  if (config.encryptionKey) {
    return {
      keyring: new Keyring(
        decodeKey(config.encryptionKey)!,
        config.previousEncryptionKeys.map((k) => decodeKey(k)!),
      ),
      keyFile: null,
    };
  }
  const keyFile = join(config.dataDir, 'keys.json');
  return { keyring: loadOrCreateKeyFile(keyFile), keyFile };
}

/**
 * Builds everything the server, the worker and the CLI need.
 * @example const c = await createContainer(loadConfig()); … await c.close();
 */
export async function createContainer(
  config: Config,
  opts: { database?: Database; migrate?: boolean; clock?: Clock } = {},
): Promise<Container> {
  const dataDir = config.databaseUrl ? null : join(config.dataDir, 'pg');
  const templateRoot = templateRootOf(config.pgTemplateDir);
  const database =
    opts.database ??
    (await openDatabase({
      url: config.databaseUrl,
      dataDir,
      schema: config.databaseSchema,
      sharedBuffers: EMBEDDED_SHARED_BUFFERS,
      templateRoot,
    }));
  if (opts.migrate !== false) {
    const { applied } = await migrateToLatest(database.db);
    // A folder this start made and migrated from nothing: kept as this install's template for later fresh folders
    // (before anything else writes to it). ADR 0026.
    if (!opts.database && dataDir && database.pglite && applied.length === Object.keys(MIGRATIONS).length)
      await saveTemplate(database.pglite, dataDir, templateRoot);
  }
  const { keyring, keyFile } = loadKeyring(config);
  const vault = new PgTokenVault(database.db, keyring);
  const audit = new PgAuditStore(database.db);
  const tenantStore = new PgTenantStore(database.db);
  const tenants = new TenantService(
    tenantStore,
    audit,
    { allowLoopback: config.allowLoopbackWebhooks },
    opts.clock ?? systemClock,
    (tenantId) => verifiedDomainsOf(database.db, tenantId),
  );
  const sessions = new SessionService(
    new PgSessionStore(database.db),
    audit,
    { idleMs: config.sessionIdleMinutes * 60_000, maxMs: config.sessionMaxHours * 3_600_000 },
    opts.clock ?? systemClock,
  );
  const customers = new CustomerService(new PgCustomerStore(database.db), audit, validateSubjectPattern);
  const mockWorld = new MockCalendarWorld();
  const providers = new ProviderRegistry({ testMode: config.testMode, mockWorld, factories: {} });
  return {
    config,
    database,
    keyring,
    keyFile,
    vault,
    audit,
    tenantStore,
    tenants,
    sessions,
    customers,
    backups: new TenantBackupService(new PgTenantBackupStore(database.db)),
    providers,
    mockWorld,
    close: () => database.close(),
  };
}

/** True when the database answers. */
export const databaseReady = (c: Container) => () => isReachable(c.database.db);
