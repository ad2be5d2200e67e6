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

/**
 * Checks a settings patch before it is stored; throws AppError('validation_failed') with `details.field`, or
 * AppError('webhook_url_not_allowed') for a webhook URL outside the policy (https to public addresses).
 * Unknown keys are refused; every known key is checked by what its readers need.
 */
export function checkSettingsPatch(patch: TenantSettings, policy: WebhookUrlPolicy): void {
  const unknown = Object.keys(patch).filter((k) => !SETTINGS_KEYS.includes(k as keyof TenantSettings));
  if (unknown.length) invalid(unknown[0]!, `Unknown settings: ${unknown.join(', ')}`, { unknown });
  checkEngagementWeights(patch.engagementWeights);
  const url = patch.healthWebhookUrl;
  if (url !== undefined && url !== null) {
    if (typeof url !== 'string' || url.length > 2000) invalid('healthWebhookUrl', 'healthWebhookUrl must be a URL.');
    checkWebhookUrl(url, policy, 'healthWebhookUrl');
  }
}
