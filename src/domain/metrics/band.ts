// Health bands: the engagement score (0–100) in three words a CSM acts on. See docs/engagement-score.md.

export type HealthBand = 'healthy' | 'at_risk' | 'critical';

/** Lowest score of each band: healthy from 70, at risk from 40, critical below. */
export const HEALTH_BANDS: ReadonlyArray<{ band: HealthBand; from: number }> = [
  { band: 'healthy', from: 70 },
  { band: 'at_risk', from: 40 },
  { band: 'critical', from: 0 },
];

/**
 * The band of a score.
 * @example healthBand(89) // 'healthy'; healthBand(40) // 'at_risk'; healthBand(39) // 'critical'
 */
export function healthBand(score: number): HealthBand {
  return (HEALTH_BANDS.find((b) => score >= b.from) ?? HEALTH_BANDS[HEALTH_BANDS.length - 1]!).band;
}
