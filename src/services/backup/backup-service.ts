// Backup and restore of a tenant's calbridge-owned data: customers, stakeholders, manual associations, templates, audit.
// Calendar content is not exported: it belongs to the provider and comes back by sync.
import { AppError } from '../../domain/errors.js';
import type { TenantBackupStore, TenantData } from '../../ports/backup.js';

export const BACKUP_FORMAT = 'calbridge.tenant-backup.v1';

/** The backup file: the tenant's data with its format tag and the export time. */
export interface TenantBackup extends TenantData {
  format: typeof BACKUP_FORMAT;
  exportedAt: string;
}

/**
 * Exports and restores tenants through the TenantBackupStore port.
 * @example const backups = new TenantBackupService(store); await backups.importTenant(await backups.exportTenant(id));
 */
export class TenantBackupService {
  constructor(
    private readonly store: TenantBackupStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Exports everything calbridge owns for a tenant, in a stable order so two exports of the same state are identical
   * (apart from `exportedAt`).
   */
  async exportTenant(tenantId: string): Promise<TenantBackup> {
    const data = await this.store.read(tenantId);
    if (!data) throw new AppError('not_found', `No tenant ${tenantId}.`);
    return { format: BACKUP_FORMAT, exportedAt: this.now().toISOString(), ...data };
  }

  /**
   * Restores a backup into a tenant (the same id, created when missing), replacing its calbridge-owned data in one
   * transaction. Ids are kept, so references (stakeholders → customers, audit target ids) stay valid. Manual
   * associations are re-applied to synced meetings with the same provider event id, and kept for ones not synced yet.
   */
  async importTenant(backup: TenantBackup): Promise<{ customers: number; manualAssociationsApplied: number }> {
    if (backup?.format !== BACKUP_FORMAT) throw new AppError('validation_failed', `Not a ${BACKUP_FORMAT} file.`);
    const r = await this.store.replace(backup);
    return { customers: backup.customers.length, manualAssociationsApplied: r.manualAssociationsApplied };
  }
}
