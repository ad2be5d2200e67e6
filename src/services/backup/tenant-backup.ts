// Deprecated entry point kept for src/cli/backup.ts, which passes the database handle: it builds the store and the
// service per call. It is the one import of a store from services (a known violation in the layer baseline); delete
// it when the composition root hands the CLI a TenantBackupService (src/services/backup/backup-service.ts).
import { PgTenantBackupStore } from '../../stores/tenant-backup-store.js';
import { TenantBackupService, type TenantBackup } from './backup-service.js';

export { BACKUP_FORMAT, type TenantBackup } from './backup-service.js';

type Database = ConstructorParameters<typeof PgTenantBackupStore>[0];

/** @deprecated Use TenantBackupService.exportTenant. */
export function exportTenant(db: Database, tenantId: string): Promise<TenantBackup> {
  return new TenantBackupService(new PgTenantBackupStore(db)).exportTenant(tenantId);
}

/** @deprecated Use TenantBackupService.importTenant. */
export function importTenant(
  db: Database,
  backup: TenantBackup,
): Promise<{ customers: number; manualAssociationsApplied: number }> {
  return new TenantBackupService(new PgTenantBackupStore(db)).importTenant(backup);
}
