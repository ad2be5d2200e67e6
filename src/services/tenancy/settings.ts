// Tenant settings checked at write, whatever the caller (HTTP, CLI, import): a value the readers cannot use is refused
// with validation_failed naming the field, so a stored setting never breaks the tenant's later requests or jobs.
import { AppError } from '../../domain/errors.js';
import { SCORE_FACTORS, resolveScoreOptions, type ScoreFactorName } from '../../domain/metrics/score.js';
import type { TenantSettings } from '../../domain/tenancy.js';
import { checkWebhookUrl, type WebhookUrlPolicy } from './webhook-url.js';

/** The keys a tenant's settings may hold (TenantSettings); readers ignore any other stored key. */
export const SETTINGS_KEYS: ReadonlyArray<keyof TenantSettings> = [
  'onlineMeetingByDefault',
  'privacyMode',
  'bufferMinutes',
  'allowSelfApprovalInternal',
  'ownDomains',
  'sharedCalendarVisibility',
  'engagementWeights',
  'healthWebhookThreshold',
  'healthWebhookUrl',
  'prepBriefMinutesBefore',
  'proposalTtlHours',
  'signIn',
  'approvalPolicy',
];

const invalid = (field: string, message: string, details: Record<string, unknown> = {}): never => {
  throw new AppError('validation_failed', message, { details: { field, ...details } });
};

/** Checks engagement weights: known factors only, each 0–100, and at least one factor weighted above zero. */
export function checkEngagementWeights(weights: unknown): void {
  if (weights === undefined) return;
  if (!weights || typeof weights !== 'object' || Array.isArray(weights))
    invalid('engagementWeights', 'engagementWeights must be an object of factor weights.');
  const entries = Object.entries(weights as Record<string, unknown>);
  const unknown = entries.map(([k]) => k).filter((k) => !SCORE_FACTORS.includes(k as ScoreFactorName));
  if (unknown.length)
    invalid(
      'engagementWeights',
      `Unknown engagement factors: ${unknown.join(', ')} (known: ${SCORE_FACTORS.join(', ')})`,
      {
        unknown,
      },
    );
  const bad = entries.filter(([, v]) => typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100);
  if (bad.length)
    invalid('engagementWeights', 'Engagement weights must be numbers from 0 to 100.', { invalid: bad.map(([k]) => k) });
  try {
    resolveScoreOptions({ weights: weights as Record<ScoreFactorName, number> });
  } catch (e) {
    invalid('engagementWeights', e instanceof Error ? e.message : 'The engagement weights are not valid.');
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** Checks the sign-in allow-list: Entra tenant ids are GUIDs, Google domains are host names with a dot. */
export function checkSignIn(signIn: unknown): void {
  if (signIn === undefined) return;
  if (!signIn || typeof signIn !== 'object' || Array.isArray(signIn))
    invalid('signIn', 'signIn must be an object with microsoftTenantIds and/or googleDomains.');
  const o = signIn as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => k !== 'microsoftTenantIds' && k !== 'googleDomains');
  if (unknown.length) invalid('signIn', `Unknown signIn keys: ${unknown.join(', ')}`, { unknown });
  const list = (key: string, ok: RegExp, what: string) => {
    const v = o[key];
    if (v === undefined) return;
    if (!Array.isArray(v) || v.length > 50)
      invalid(`signIn.${key}`, `signIn.${key} must be a list of at most 50 ${what}.`);
    const bad = (v as unknown[]).filter((x) => typeof x !== 'string' || !ok.test(x));
    if (bad.length) invalid(`signIn.${key}`, `signIn.${key} holds values that are not ${what}.`, { invalid: bad });
  };
  list('microsoftTenantIds', GUID, 'Entra tenant ids (GUIDs)');
  list('googleDomains', DOMAIN, 'domain names');
}

/**
 * Checks a settings patch before it is stored; throws AppError('validation_failed') with `details.field`, or
 * AppError('webhook_url_not_allowed') for a webhook URL outside the policy (https to public addresses).
 * Unknown keys are refused; every known key is checked by what its readers need.
 */
export function checkSettingsPatch(patch: TenantSettings, policy: WebhookUrlPolicy): void {
  const unknown = Object.keys(patch).filter((k) => !SETTINGS_KEYS.includes(k as keyof TenantSettings));
  if (unknown.length) invalid(unknown[0]!, `Unknown settings: ${unknown.join(', ')}`, { unknown });
  checkEngagementWeights(patch.engagementWeights);
  checkSignIn(patch.signIn);
  const url = patch.healthWebhookUrl;
  if (url !== undefined && url !== null) {
    if (typeof url !== 'string' || url.length > 2000) invalid('healthWebhookUrl', 'healthWebhookUrl must be a URL.');
    checkWebhookUrl(url, policy, 'healthWebhookUrl');
  }
}
