// Configuration: defaults, fail-fast validation with the variable's name, and the README table in step.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, ENV_VARS, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has working defaults for the embedded setup', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.databaseUrl).toBeNull();
    expect(c.dataDir).toMatch(/data$/);
    expect(c.startEmulator).toBe(true);
    expect(c.microsoft.authorityTenant).toBe('organizations');
    expect(c.sync).toEqual({ pollIntervalSeconds: 120, windowPastDays: 90, windowFutureDays: 365 });
    // a fresh embedded data folder is a copy of the install's migrated template unless turned off (ADR 0026)
    expect(c.pgTemplateDir).toBe('default');
    expect(loadConfig({ CALBRIDGE_PG_TEMPLATE_DIR: 'off' }).pgTemplateDir).toBe('off');
    expect(loadConfig({ CALBRIDGE_PG_TEMPLATE_DIR: 'tpl' }).pgTemplateDir).toMatch(/\/tpl$/);
  });

  it('fails fast with the variable name', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ CALBRIDGE_ENCRYPTION_KEY: 'short' })).toThrow(/CALBRIDGE_ENCRYPTION_KEY/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ CALBRIDGE_TEST_MODE: 'maybe' })).toThrow(/CALBRIDGE_TEST_MODE/);
  });

  it('refuses an http PUBLIC_BASE_URL in production (providers refuse http notification URLs)', () => {
    const env = { NODE_ENV: 'production', PUBLIC_BASE_URL: 'http://calbridge.example.com' };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/PUBLIC_BASE_URL must be an https URL when NODE_ENV=production/);
    expect(loadConfig({ ...env, PUBLIC_BASE_URL: 'https://calbridge.example.com/' }).publicBaseUrl).toBe(
      'https://calbridge.example.com',
    );
    // development and tests keep plain http (loopback receivers of the emulator)
    expect(loadConfig({ PUBLIC_BASE_URL: 'http://127.0.0.1:3000' }).publicBaseUrl).toBe('http://127.0.0.1:3000');
  });

  it('permits loopback webhook receivers by default only for the offline demo (bundled emulators, not production)', () => {
    expect(loadConfig({}).allowLoopbackWebhooks).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).allowLoopbackWebhooks).toBe(false);
    expect(loadConfig({ MICROSOFT_CLIENT_ID: 'abc' }).allowLoopbackWebhooks).toBe(false);
    expect(loadConfig({ CALBRIDGE_START_EMULATOR: 'false' }).allowLoopbackWebhooks).toBe(false);
    expect(loadConfig({ CALBRIDGE_TEST_MODE: 'true' }).allowLoopbackWebhooks).toBe(false);
    const prod = { NODE_ENV: 'production', MICROSOFT_CLIENT_ID: 'abc' };
    expect(loadConfig({ ...prod, CALBRIDGE_ALLOW_LOOPBACK_WEBHOOKS: 'true' }).allowLoopbackWebhooks).toBe(true);
    expect(loadConfig({ CALBRIDGE_ALLOW_LOOPBACK_WEBHOOKS: 'false' }).allowLoopbackWebhooks).toBe(false);
    expect(() => loadConfig({ CALBRIDGE_ALLOW_LOOPBACK_WEBHOOKS: 'sometimes' })).toThrow(
      /CALBRIDGE_ALLOW_LOOPBACK_WEBHOOKS/,
    );
  });

  it('reads METRICS_TOKEN, refusing a short one', () => {
    expect(loadConfig({}).metricsToken).toBeNull();
    expect(loadConfig({ METRICS_TOKEN: 'metrics-token-0123456789' }).metricsToken).toBe('metrics-token-0123456789');
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });

  it('does not start the emulator when Microsoft credentials are configured', () => {
    expect(loadConfig({ MICROSOFT_CLIENT_ID: 'abc' }).startEmulator).toBe(false);
  });

  it('lists every variable in the README configuration table', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const v of ENV_VARS) expect(readme, v).toMatch(new RegExp(`\\|\\s*\`${v}\`\\s*\\|`));
  });
});
