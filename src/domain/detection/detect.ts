// Customer detection for one meeting: manual association first, then attendee evidence, then subject patterns.
import { CustomerIndex, type CustomerEvidence } from './customer-index.js';
import type {
  CustomerProfile,
  DetectableMeeting,
  DetectionCandidate,
  DetectionResult,
  ManualAssociation,
  SubjectPattern,
} from './types.js';

/**
 * Confidence of one candidate, on its own (0–1):
 * - attendee evidence (domain or stakeholder address): 0.75, +0.10 when a matching participant is a known
 *   stakeholder, +0.05 when two or more participants match, +0.05 when the subject matches too (max 0.95);
 * - subject only: 0.50, +0.10 when two or more patterns match (max 0.60).
 * Manual associations have confidence 1.
 */
export function candidateConfidence(c: { attendees: number; stakeholders: number; patterns: number }): number {
  if (c.attendees > 0) {
    return round3(0.75 + (c.stakeholders > 0 ? 0.1 : 0) + (c.attendees >= 2 ? 0.05 : 0) + (c.patterns > 0 ? 0.05 : 0));
  }
  return c.patterns > 0 ? round3(0.5 + (c.patterns >= 2 ? 0.1 : 0)) : 0;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function describePattern(p: SubjectPattern): string {
  return p.kind === 'keyword' ? `keyword "${p.value}"` : `pattern /${p.value}/`;
}

function toCandidate(e: CustomerEvidence): DetectionCandidate {
  const matched = new Set<string>([...e.byDomain.keys(), ...e.byStakeholder.keys()]);
  const matchedAttendees = [...matched].sort();
  const matchedStakeholders = [...e.byStakeholder.keys()].sort();
  const evidence: string[] = [];
  for (const email of matchedAttendees) {
    const domain = e.byDomain.get(email);
    if (e.byStakeholder.has(email)) {
      const role = e.byStakeholder.get(email);
      evidence.push(`attendee ${email} is a known stakeholder${role ? ` (${role})` : ''}`);
    } else if (domain !== undefined) {
      evidence.push(`attendee ${email} matches domain ${domain}`);
    }
  }
  for (const p of e.patterns) evidence.push(`subject matches ${describePattern(p)}`);
  const counts = {
    attendees: matchedAttendees.length,
    stakeholders: matchedStakeholders.length,
    patterns: e.patterns.length,
  };
  return {
    customerId: e.customerId,
    reason: counts.stakeholders > 0 ? 'stakeholder' : counts.attendees > 0 ? 'domain' : 'subject',
    confidence: candidateConfidence(counts),
    evidence,
    matchedAttendees,
    matchedStakeholders,
    matchedPatterns: [...e.patterns],
  };
}

/**
 * Orders candidates best first. The rule (deterministic, independent of input order):
 * 1. attendee evidence (domain or stakeholder) beats subject-only evidence;
 * 2. more matching participants;
 * 3. more matching known stakeholders;
 * 4. more matching subject patterns;
 * 5. smaller customer id (plain code-unit string order).
 */
export function compareCandidates(a: DetectionCandidate, b: DetectionCandidate): number {
  const tier = (c: DetectionCandidate): number => (c.matchedAttendees.length > 0 ? 1 : 0);
  return (
    tier(b) - tier(a) ||
    b.matchedAttendees.length - a.matchedAttendees.length ||
    b.matchedStakeholders.length - a.matchedStakeholders.length ||
    b.matchedPatterns.length - a.matchedPatterns.length ||
    (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0)
  );
}

/**
 * The winner's confidence, lowered when other customers compete in the same tier:
 * `winner.confidence × (0.5 + 0.5 × share)`, where `share` is the winner's matching participants over all
 * matching participants of attendee-tier candidates (subject tier: 1 / number of subject-only candidates).
 */
function resultConfidence(ranked: DetectionCandidate[]): number {
  const winner = ranked[0];
  if (!winner) return 0;
  let share: number;
  if (winner.matchedAttendees.length > 0) {
    const total = ranked.reduce((sum, c) => sum + c.matchedAttendees.length, 0);
    share = winner.matchedAttendees.length / total;
  } else {
    share = 1 / ranked.length;
  }
  return round3(winner.confidence * (0.5 + 0.5 * share));
}

/**
 * Detects the customer of one meeting with a prebuilt index; see `detectCustomer`.
 * Cost: O(participants × domain depth + subject tokens + regex patterns + candidates × log candidates).
 */
export function detectWithIndex(
  meeting: DetectableMeeting,
  index: CustomerIndex,
  manual?: ManualAssociation,
): DetectionResult {
  const ranked = [...index.collect(meeting).values()].map(toCandidate).sort(compareCandidates);
  if (manual !== undefined) return applyManual(manual, ranked);
  const winner = ranked[0];
  if (!winner) return { customerId: null, reason: 'none', confidence: 0, candidates: [] };
  return {
    customerId: winner.customerId,
    reason: winner.reason,
    confidence: resultConfidence(ranked),
    candidates: ranked,
  };
}

function applyManual(manual: ManualAssociation, ranked: DetectionCandidate[]): DetectionResult {
  if (manual.customerId === null) {
    return { customerId: null, reason: 'manual_none', confidence: 1, candidates: ranked };
  }
  const id = manual.customerId;
  const auto = ranked.find((c) => c.customerId === id);
  const manualCandidate: DetectionCandidate = {
    customerId: id,
    reason: 'manual',
    confidence: 1,
    evidence: ['associated manually', ...(auto?.evidence ?? [])],
    matchedAttendees: auto?.matchedAttendees ?? [],
    matchedStakeholders: auto?.matchedStakeholders ?? [],
    matchedPatterns: auto?.matchedPatterns ?? [],
  };
  return {
    customerId: id,
    reason: 'manual',
    confidence: 1,
    candidates: [manualCandidate, ...ranked.filter((c) => c.customerId !== id)],
  };
}

/**
 * Detects which customer a meeting is with. A manual association always wins (`{ customerId: null }` means
 * "not a customer meeting"); otherwise attendee evidence (customer domains and subdomains, known stakeholder
 * addresses even on public mail domains) beats subject patterns, and ties follow `compareCandidates`.
 * The tenant's own domains and public mail domains never count as customer domains.
 *
 * This convenience builds a `CustomerIndex` on every call (O(customers)); for many meetings build the index
 * once and call `detectWithIndex`.
 * @example
 * detectCustomer(
 *   { subject: 'QBR', organizerEmail: 'me@calbridge.example', attendees: [{ email: 'ann@eu.acmecorp.com', type: 'required' }] },
 *   [{ id: 'acme', name: 'Acme', domains: ['acmecorp.com'], subjectPatterns: [], stakeholders: [] }],
 *   { tenantDomains: ['calbridge.example'] },
 * ); // { customerId: 'acme', reason: 'domain', confidence: 0.75, candidates: [...] }
 */
export function detectCustomer(
  meeting: DetectableMeeting,
  customers: readonly CustomerProfile[],
  ctx: { tenantDomains: readonly string[] },
  manual?: ManualAssociation,
): DetectionResult {
  return detectWithIndex(meeting, CustomerIndex.build(customers, ctx), manual);
}
