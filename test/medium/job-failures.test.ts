// Failures of background jobs are seen: each failed run is logged once at warn with the tenant and a stable code (never
// a secret, a token or a body) and counted in /metrics as calbridge_job_failures_total{job,code}.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/ports/clock.js';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
const clock = fixedClock('2026-12-12T10:00:00Z');

beforeAll(async () => {
  t = await createTestApp({ LOG_LEVEL: 'info' }, { clock });
});
afterAll(async () => {
  await t?.close();
});

const metricsText = async () => (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
const failures = (text: string, job: string, code: string) =>
  Number(new RegExp(`calbridge_job_failures_total\\{job="${job}",code="${code}"\\} (\\d+)`).exec(text)?.[1] ?? 0);

describe('job failures', () => {
  it('a webhook delivery that fails is logged with its tenant and code, counted, and leaks nothing', async () => {
    const tenant = await t.newTenant();
    const secret = (
      (await t.app.inject({ method: 'POST', url: '/api/settings/webhook-secret', headers: tenant.auth })).json() as {
        secret: string;
      }
    ).secret;
    // Nothing listens on port 9: the delivery fails and is retried later.
    const url = 'http://127.0.0.1:9/hooks?token=do-not-log-me';
    await t.runtime.detection.outbox.enqueue(
      tenant.tenantId,
      'health_webhook',
      { url, event: { type: 'customer.health_changed', tenantId: tenant.tenantId, note: 'body-text-do-not-log' } },
      clock.now(),
    );
    const before = failures(await metricsText(), 'outbox-deliveries', 'delivery_failed');
    await t.runtime.jobs.tick();
    expect(failures(await metricsText(), 'outbox-deliveries', 'delivery_failed')).toBe(before + 1);
    const lines = t
      .logs()
      .split('\n')
      .filter((l) => l.includes('"job":"outbox-deliveries"'));
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 40,
      tenantId: tenant.tenantId,
      code: 'delivery_failed',
      kind: 'health_webhook',
    });
    const all = t.logs();
    for (const s of [secret, 'do-not-log-me', 'body-text-do-not-log', tenant.apiKey]) expect(all).not.toContain(s);
  });

  it('a job run that throws is counted under its job with the error code', async () => {
    const before = failures(await metricsText(), 'prep-briefs', 'internal');
    const briefs = t.runtime.detection.briefs;
    const original = briefs.runDue.bind(briefs);
    briefs.runDue = async () => {
      throw new Error('database went away');
    };
    try {
      await t.runtime.jobs.tick();
    } finally {
      briefs.runDue = original;
    }
    expect(failures(await metricsText(), 'prep-briefs', 'internal')).toBe(before + 1);
    expect(t.logs()).toMatch(/"job":"prep-briefs".*"code":"internal"/);
    expect(t.logs()).not.toContain('database went away');
  });
});
