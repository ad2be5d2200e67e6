// `calbridge create-tenant` and `calbridge create-api-key`.
import type { Config } from '../config/config.js';
import type { Out } from './out.js';
import { createContainer } from '../main/container.js';
import { isUuid } from '../stores/customer-store.js';
import { AppError } from '../domain/errors.js';
import type { Role } from '../domain/tenancy.js';

export async function runCreateTenant(
  config: Config,
  o: { name: string; provider: 'MICROSOFT' | 'GOOGLE' },
  out: Out,
): Promise<void> {
  const c = await createContainer(config);
  try {
    const t = await c.tenants.createTenant({ name: o.name, calendarProvider: o.provider });
    out(`Tenant ${t.name} created: ${t.id}`, { tenantId: t.id, name: t.name, calendarProvider: t.calendarProvider });
  } finally {
    await c.close();
  }
}

export async function runCreateApiKey(
  config: Config,
  o: { tenant: string; user: string; role?: Role },
  out: Out,
): Promise<void> {
  if (!isUuid(o.tenant)) throw new AppError('not_found', `No tenant ${o.tenant}.`);
  if (!/^[^\s@]+@[^\s@]+$/.test(o.user)) throw new AppError('validation_failed', `Not an email address: ${o.user}`);
  const c = await createContainer(config);
  try {
    const k = await c.tenants.createApiKey(o.tenant, o.user, o.role ? { role: o.role } : {});
    const user = await c.tenants.getUser({ tenantId: o.tenant, userId: k.userId });
    out(`API key for ${o.user} (${user.role}, shown once): ${k.apiKey}`, {
      apiKey: k.apiKey,
      userId: k.userId,
      tenantId: o.tenant,
      role: user.role,
    });
  } finally {
    await c.close();
  }
}
