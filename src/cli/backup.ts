// `calbridge export --tenant <id> [--out file]` and `calbridge import --file <file>`.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Config } from '../config/config.js';
import { AppError } from '../domain/errors.js';
import type { Out } from './out.js';
import { createContainer } from '../main/container.js';
import type { TenantBackup } from '../services/backup/backup-service.js';
import { isUuid } from '../stores/customer-store.js';

export async function runExport(config: Config, o: { tenant: string; out?: string }, out: Out): Promise<void> {
  if (!isUuid(o.tenant)) throw new AppError('not_found', `No tenant ${o.tenant}.`);
  const c = await createContainer(config);
  try {
    const backup = await c.backups.exportTenant(o.tenant);
    const text = JSON.stringify(backup, null, 2) + '\n';
    if (o.out) {
      writeFileSync(o.out, text, { mode: 0o600 });
      out(`Exported tenant ${o.tenant} to ${o.out} (${backup.customers.length} customers).`, {
        file: o.out,
        customers: backup.customers.length,
      });
    } else {
      process.stdout.write(text);
    }
  } finally {
    await c.close();
  }
}

export async function runImport(config: Config, o: { file: string }, out: Out): Promise<void> {
  let backup: TenantBackup;
  try {
    backup = JSON.parse(readFileSync(o.file, 'utf8')) as TenantBackup;
  } catch (e) {
    throw new AppError(
      'validation_failed',
      `Cannot read ${o.file}: ${e instanceof Error ? e.message.split('\n')[0] : 'invalid JSON'}`,
    );
  }
  const c = await createContainer(config);
  try {
    const r = await c.backups.importTenant(backup);
    out(
      `Imported tenant ${backup.tenant.id}: ${r.customers} customers, ${r.manualAssociationsApplied} manual associations applied.`,
      { tenantId: backup.tenant.id, ...r },
    );
  } finally {
    await c.close();
  }
}
