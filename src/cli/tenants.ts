// `calbridge create-tenant` and `calbridge create-api-key`.
import type { Config } from '../config/config.js';
import type { Out } from './out.js';
import { createContainer } from '../main/container.js';
import { isUuid } from '../stores/customer-store.js';
import { AppError } from '../domain/errors.js';

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

export async function runCreateApiKey(config: Config, o: { tenant: string; user: string }, out: Out): Promise<void> {
  if (!isUuid(o.tenant)) throw new AppError('not_found', `No tenant ${o.tenant}.`);
  if (!/^[^\s@]+@[^\s@]+$/.test(o.user)) throw new AppError('validation_failed', `Not an email address: ${o.user}`);
  const c = await createContainer(config);
  try {
    const k = await c.tenants.createApiKey(o.tenant, o.user);
    out(`API key for ${o.user} (shown once): ${k.apiKey}`, { apiKey: k.apiKey, userId: k.userId, tenantId: o.tenant });
  } finally {
    await c.close();
  }
}
