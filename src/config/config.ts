// The only reader of process.env: parses, validates and types calbridge's configuration; fails fast at boot.
import { resolve } from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface MicrosoftConfig {
  /** Unset → `npm start` runs the bundled Microsoft 365 emulator and uses its demo app. */
  clientId: string | null;
  clientSecret: string | null;
  redirectUri: string | null;
  /** e.g. `https://login.microsoftonline.com`. */
  authorityHost: string;
  /** `organizations` (work accounts of any tenant), `common`, or one tenant id. */
  authorityTenant: string;
  /** e.g. `https://graph.microsoft.com`. */
  graphBaseUrl: string;
  /** Extra CA certificate (PEM file) to trust for the identity and Graph endpoints (the emulator's). */
  caFile: string | null;
  /** Entra tenant ids allowed to connect; empty = any. */
  allowedTenants: string[];
  /** Request Place.Read.All (admin consent) for room lookup. */
  roomsEnabled: boolean;
  /** Request read-only scopes (free/busy-only deployments). */
  readOnly: boolean;
}

export interface GoogleConfig {
  clientId: string | null;
  clientSecret: string | null;
  redirectUri: string | null;
  /** OAuth endpoints base (authorize/token), e.g. `https://accounts.google.com`. */
  authBaseUrl: string;
  /** Request read-only scopes (free/busy and reading, no writes and no mail), as MICROSOFT_READ_ONLY on Outlook. */
  readOnly: boolean;
  /** Calendar API root, e.g. `https://www.googleapis.com`. */
  apiBaseUrl: string;
  caFile: string | null;
}

export interface Config {
  port: number;
  host: string;
  /** Unset → embedded PostgreSQL (PGlite) in `dataDir/pg`. */
  databaseUrl: string | null;
  /** Postgres schema to use on a server database (isolates test runs); default `public`. */
  databaseSchema: string;
  dataDir: string;
  /**
   * Where migrated templates of the embedded database's data folder are kept (a fresh folder is copied from one
   * instead of initdb + migrations): `default` (unset) → `node_modules/.cache/calbridge-pgdata/`; `off` → none.
   */
  pgTemplateDir: string | null;
  /** Current token-encryption key (32 bytes, base64 or hex). Unset → a key file in the data dir. */
  encryptionKey: string | null;
  /** Older keys still accepted for decryption until `rotate-key` re-encrypts. */
  previousEncryptionKeys: string[];
  logLevel: LogLevel;
  /** Public URL of this service (webhooks, OAuth redirects); unset → polling only. */
  publicBaseUrl: string | null;
  /** Use the in-memory mock provider for every tenant (tests, demos). */
  testMode: boolean;
  /** Run a sync worker inside the server process (default for the embedded setup). */
  embeddedWorker: boolean;
  /** Start the bundled emulator when no Microsoft credentials are configured. */
  startEmulator: boolean;
  emulatorPort: number;
  microsoft: MicrosoftConfig;
  google: GoogleConfig;
  sync: { pollIntervalSeconds: number; windowPastDays: number; windowFutureDays: number };
  /** Requests per minute per API key. */
  rateLimitPerMinute: number;
  /** Requests per minute per tenant, all its keys together (checked after the per-key limit); default 5 × per key. */
  rateLimitTenantPerMinute: number;
  /** Failed authentications one client address may make per minute before it is refused (429) until the minute ends. */
  authFailuresPerMinute: number;
  /** A browser session ends after this many minutes without a request (SESSION_IDLE_MINUTES, default 8 hours). */
  sessionIdleMinutes: number;
  /** A browser session ends this many hours after sign-in whatever its use (SESSION_MAX_HOURS, default 7 days). */
  sessionMaxHours: number;
  /** Minutes between scheduled re-evaluations of every customer's engagement score; 0 turns them off. */
  healthReevaluationMinutes: number;
  /** Seconds between passes of a worker's interval jobs (webhook and e-mail deliveries, prep briefs). */
  jobTickSeconds: number;
  /**
   * Longest one calendar sync job may run before the queue fails it into a retry. A worker that dies mid-sync is
   * noticed sooner, by its missing heartbeat (ADR 0016).
   */
  syncJobTimeoutSeconds: number;
  /**
   * Tenants' webhook URLs may name loopback receivers (127.0.0.0/8, ::1, localhost) over http or https; never other
   * private ranges. Off by default; on by default for the offline demo (bundled emulators, not production).
   */
  allowLoopbackWebhooks: boolean;
  /**
   * Bearer token `/metrics` requires (of every client); unset → `/metrics` answers loopback clients only (127.0.0.0/8,
   * ::1) and is 404 to others.
   */
  metricsToken: string | null;
}

/** A configuration problem; the message names the variable and what is wrong. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string): string | null {
  const v = env[name];
  return v === undefined || v.trim() === '' ? null : v.trim();
}

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = str(env, name);
  if (raw === null) return def;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(env: Env, name: string, def: boolean): boolean {
  const raw = str(env, name);
  if (raw === null) return def;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function url(env: Env, name: string, def: string | null): string | null {
  const raw = str(env, name) ?? def;
  if (raw === null) return null;
  try {
    const u = new URL(raw);
    if (!/^(https?|postgres(ql)?):$/.test(u.protocol)) throw new Error('scheme');
  } catch {
    throw new ConfigError(`${name} must be an absolute URL, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

function list(env: Env, name: string): string[] {
  return (str(env, name) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Reads and validates the configuration.
 * @example const config = loadConfig(process.env); // throws ConfigError with a clear message
 */
export function loadConfig(env: Env = process.env): Config {
  const logLevel = (str(env, 'LOG_LEVEL') ?? 'info').toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const schema = str(env, 'DATABASE_SCHEMA') ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new ConfigError('DATABASE_SCHEMA must be a lower-case identifier');
  const encryptionKey = str(env, 'CALBRIDGE_ENCRYPTION_KEY');
  const previousEncryptionKeys = list(env, 'CALBRIDGE_PREVIOUS_ENCRYPTION_KEYS');
  for (const [name, k] of [
    ['CALBRIDGE_ENCRYPTION_KEY', encryptionKey],
    ...previousEncryptionKeys.map((k) => ['CALBRIDGE_PREVIOUS_ENCRYPTION_KEYS', k] as const),
  ] as const) {
    if (k !== null && decodeKey(k) === null) {
      throw new ConfigError(`${name} must be 32 random bytes encoded as base64 (44 chars) or hex (64 chars)`);
    }
  }
  const msClientId = str(env, 'MICROSOFT_CLIENT_ID');
  const rateLimitPerMinute = int(env, 'RATE_LIMIT_PER_MINUTE', 600, 1, 1_000_000);
  const databaseUrl = url(env, 'DATABASE_URL', null);
  const publicBaseUrl = url(env, 'PUBLIC_BASE_URL', null);
  const production = /^production$/i.test(str(env, 'NODE_ENV') ?? '');
  if (production && publicBaseUrl?.startsWith('http:')) {
    throw new ConfigError(
      `PUBLIC_BASE_URL must be an https URL when NODE_ENV=production, got "${publicBaseUrl}": Microsoft Graph and Google refuse http notification URLs, so change subscriptions would fail`,
    );
  }
  const metricsToken = str(env, 'METRICS_TOKEN');
  if (metricsToken !== null && (metricsToken.length < 16 || /\s/.test(metricsToken)))
    throw new ConfigError('METRICS_TOKEN must be at least 16 characters without spaces (a random secret)');
  const testMode = bool(env, 'CALBRIDGE_TEST_MODE', false);
  const startEmulator = bool(env, 'CALBRIDGE_START_EMULATOR', msClientId === null);
  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    host: str(env, 'HOST') ?? '127.0.0.1',
    databaseUrl,
    databaseSchema: schema,
    dataDir: resolve(str(env, 'CALBRIDGE_DATA_DIR') ?? './data'),
    pgTemplateDir: ((v) => (v === 'off' || v === 'default' ? v : resolve(v)))(
      str(env, 'CALBRIDGE_PG_TEMPLATE_DIR') ?? 'default',
    ),
    encryptionKey,
    previousEncryptionKeys,
    logLevel,
    publicBaseUrl,
    testMode,
    embeddedWorker: bool(env, 'CALBRIDGE_EMBEDDED_WORKER', true),
    startEmulator,
    emulatorPort: int(env, 'CALBRIDGE_EMULATOR_PORT', 0, 0, 65535),
    microsoft: {
      clientId: msClientId,
      clientSecret: str(env, 'MICROSOFT_CLIENT_SECRET'),
      redirectUri: url(env, 'MICROSOFT_REDIRECT_URI', null),
      authorityHost: url(env, 'MICROSOFT_AUTHORITY_HOST', 'https://login.microsoftonline.com')!,
      authorityTenant: str(env, 'MICROSOFT_AUTHORITY_TENANT') ?? 'organizations',
      graphBaseUrl: url(env, 'MICROSOFT_GRAPH_BASE_URL', 'https://graph.microsoft.com')!,
      caFile: str(env, 'MICROSOFT_CA_FILE'),
      allowedTenants: list(env, 'MICROSOFT_ALLOWED_TENANTS').map((t) => t.toLowerCase()),
      roomsEnabled: bool(env, 'MICROSOFT_ROOMS_ENABLED', true),
      readOnly: bool(env, 'MICROSOFT_READ_ONLY', false),
    },
    google: {
      clientId: str(env, 'GOOGLE_CLIENT_ID'),
      clientSecret: str(env, 'GOOGLE_CLIENT_SECRET'),
      redirectUri: url(env, 'GOOGLE_REDIRECT_URI', null),
      authBaseUrl: url(env, 'GOOGLE_AUTH_BASE_URL', 'https://accounts.google.com')!,
      apiBaseUrl: url(env, 'GOOGLE_API_BASE_URL', 'https://www.googleapis.com')!,
      caFile: str(env, 'GOOGLE_CA_FILE'),
      readOnly: bool(env, 'GOOGLE_READ_ONLY', false),
    },
    sync: {
      pollIntervalSeconds: int(env, 'SYNC_POLL_INTERVAL_SECONDS', 120, 5, 86_400),
      windowPastDays: int(env, 'SYNC_WINDOW_PAST_DAYS', 90, 0, 3650),
      windowFutureDays: int(env, 'SYNC_WINDOW_FUTURE_DAYS', 365, 1, 3650),
    },
    rateLimitPerMinute,
    // default: five keys' worth, so raising the per-key limit raises the tenant's with it
    rateLimitTenantPerMinute: int(env, 'RATE_LIMIT_TENANT_PER_MINUTE', 5 * rateLimitPerMinute, 1, 10_000_000),
    authFailuresPerMinute: int(env, 'AUTH_FAILURES_PER_MINUTE', 30, 1, 1_000_000),
    sessionIdleMinutes: int(env, 'SESSION_IDLE_MINUTES', 480, 5, 43_200),
    sessionMaxHours: int(env, 'SESSION_MAX_HOURS', 168, 1, 8_760),
    healthReevaluationMinutes: int(env, 'HEALTH_REEVALUATION_MINUTES', 60, 0, 10_080),
    jobTickSeconds: int(env, 'CALBRIDGE_JOB_TICK_SECONDS', 15, 1, 3600),
    // pg-boss 10 refuses expiries of 24 hours or more
    syncJobTimeoutSeconds: int(env, 'CALBRIDGE_SYNC_JOB_TIMEOUT_SECONDS', 900, 60, 86_399),
    // the offline demo (what `isDevStart` in src/cli/serve.ts starts) posts its webhooks to local receivers
    allowLoopbackWebhooks: bool(env, 'CALBRIDGE_ALLOW_LOOPBACK_WEBHOOKS', startEmulator && !testMode && !production),
    metricsToken,
  };
}

/** Decodes a 32-byte key from base64 or hex; null when it is not one. */
export function decodeKey(text: string): Buffer | null {
  const t = text.trim();
  const buf = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  return buf.length === 32 ? buf : null;
}

/** Every environment variable calbridge reads, for the README's configuration table (a test keeps them in step). */
export const ENV_VARS = [
  'PORT',
  'HOST',
  'DATABASE_URL',
  'DATABASE_SCHEMA',
  'CALBRIDGE_DATA_DIR',
  'CALBRIDGE_PG_TEMPLATE_DIR',
  'CALBRIDGE_ENCRYPTION_KEY',
  'CALBRIDGE_PREVIOUS_ENCRYPTION_KEYS',
  'LOG_LEVEL',
  'PUBLIC_BASE_URL',
  'NODE_ENV',
  'CALBRIDGE_TEST_MODE',
  'CALBRIDGE_EMBEDDED_WORKER',
  'CALBRIDGE_START_EMULATOR',
  'CALBRIDGE_EMULATOR_PORT',
  'MICROSOFT_CLIENT_ID',
  'MICROSOFT_CLIENT_SECRET',
  'MICROSOFT_REDIRECT_URI',
  'MICROSOFT_AUTHORITY_HOST',
  'MICROSOFT_AUTHORITY_TENANT',
  'MICROSOFT_GRAPH_BASE_URL',
  'MICROSOFT_CA_FILE',
  'MICROSOFT_ALLOWED_TENANTS',
  'MICROSOFT_ROOMS_ENABLED',
  'MICROSOFT_READ_ONLY',
  'GOOGLE_READ_ONLY',
  'GOOGLE_CLIENT_ID',
  'GOOGLE_CLIENT_SECRET',
  'GOOGLE_REDIRECT_URI',
  'GOOGLE_AUTH_BASE_URL',
  'GOOGLE_API_BASE_URL',
  'GOOGLE_CA_FILE',
  'CALBRIDGE_JOB_TICK_SECONDS',
  'CALBRIDGE_SYNC_JOB_TIMEOUT_SECONDS',
  'SYNC_POLL_INTERVAL_SECONDS',
  'SYNC_WINDOW_PAST_DAYS',
  'SYNC_WINDOW_FUTURE_DAYS',
  'RATE_LIMIT_PER_MINUTE',
  'RATE_LIMIT_TENANT_PER_MINUTE',
  'AUTH_FAILURES_PER_MINUTE',
  'SESSION_IDLE_MINUTES',
  'SESSION_MAX_HOURS',
  'HEALTH_REEVALUATION_MINUTES',
  'CALBRIDGE_ALLOW_LOOPBACK_WEBHOOKS',
  'METRICS_TOKEN',
] as const;
