// Targeted re-detection: which meetings a customer change can affect, so only those are detected again.
import { emailDomain, isSameOrSubdomain, normalizeDomain, normalizeEmail } from './normalize.js';
import { compileRegex, KeywordMatcher } from './patterns.js';
import type { CustomerProfile, DetectableMeeting, DetectionResult, SubjectPattern } from './types.js';

/**
 * What changed in one customer's profile (normalised). A created customer is a change from `null`, a deleted
 * one a change to `null`. Stores can turn `addedDomains` / `addedStakeholders` into a query (participant domain
 * equal to or under an added domain, participant address in the added set) and add the meetings whose stored
 * detection lists `customerId` as a candidate; `isMeetingAffected` is the exact in-memory filter.
 */
export interface CustomerChange {
  customerId: string;
  addedDomains: string[];
  removedDomains: string[];
  addedStakeholders: string[];
  removedStakeholders: string[];
  addedPatterns: SubjectPattern[];
  removedPatterns: SubjectPattern[];
  /** A stakeholder's role changed (affects evidence text only, and metrics' executive presence). */
  rolesChanged: string[];
}

const samePattern = (a: SubjectPattern, b: SubjectPattern): boolean => a.kind === b.kind && a.value === b.value;

function normalizedSet(values: readonly string[], normalize: (s: string) => string | null): Set<string> {
  const out = new Set<string>();
  for (const v of values) {
    const n = normalize(v);
    if (n !== null) out.add(n);
  }
  return out;
}

/**
 * Compares two versions of a customer.
 * @example
 * diffCustomer(before, { ...before, domains: [...before.domains, 'acme.io'] }).addedDomains // ['acme.io']
 */
export function diffCustomer(before: CustomerProfile | null, after: CustomerProfile | null): CustomerChange {
  const id = after?.id ?? before?.id ?? '';
  const bd = normalizedSet(before?.domains ?? [], normalizeDomain);
  const ad = normalizedSet(after?.domains ?? [], normalizeDomain);
  const roles = (p: CustomerProfile | null): Map<string, string | null> => {
    const m = new Map<string, string | null>();
    for (const s of p?.stakeholders ?? []) {
      const e = normalizeEmail(s.email);
      if (e !== null) m.set(e, s.role);
    }
    return m;
  };
  const bs = roles(before);
  const as = roles(after);
  const bp = before?.subjectPatterns ?? [];
  const ap = after?.subjectPatterns ?? [];
  return {
    customerId: id,
    addedDomains: [...ad].filter((d) => !bd.has(d)).sort(),
    removedDomains: [...bd].filter((d) => !ad.has(d)).sort(),
    addedStakeholders: [...as.keys()].filter((e) => !bs.has(e)).sort(),
    removedStakeholders: [...bs.keys()].filter((e) => !as.has(e)).sort(),
    addedPatterns: ap.filter((p) => !bp.some((q) => samePattern(p, q))),
    removedPatterns: bp.filter((p) => !ap.some((q) => samePattern(p, q))),
    rolesChanged: [...as.keys()].filter((e) => bs.has(e) && bs.get(e) !== as.get(e)).sort(),
  };
}

/** True when nothing detection reads changed. */
export function isEmptyChange(c: CustomerChange): boolean {
  return (
    c.addedDomains.length + c.removedDomains.length + c.addedStakeholders.length + c.removedStakeholders.length === 0 &&
    c.addedPatterns.length + c.removedPatterns.length + c.rolesChanged.length === 0
  );
}

/**
 * Builds a reusable predicate telling whether a meeting must be detected again after `change`:
 * - the customer already is a candidate (or the winner) of the meeting's previous detection: anything removed
 *   or added can change its evidence, confidence or rank;
 * - otherwise the meeting can only gain the customer: a participant is at or under an added domain, is an added
 *   stakeholder, or the subject matches an added pattern.
 * Unaffected meetings keep their result unchanged, which a property test checks against full re-detection.
 * @example
 * const affected = affectedMeetings(diffCustomer(before, after));
 * const todo = meetings.filter((m) => affected(m, previousResults.get(m.id) ?? null));
 */
export function affectedMeetings(
  change: CustomerChange,
): (meeting: DetectableMeeting, previous: DetectionResult | null) => boolean {
  if (isEmptyChange(change)) return () => false;
  const keywords = new KeywordMatcher<true>();
  const regexes: Array<{ test(s: string): boolean }> = [];
  for (const p of change.addedPatterns) {
    try {
      if (p.kind === 'keyword') keywords.add(p.value, true);
      else regexes.push(compileRegex(p.value));
    } catch {
      // A pattern the index would skip cannot make a meeting match.
    }
  }
  const stakeholders = new Set(change.addedStakeholders);
  return (meeting, previous) => {
    if (previous?.candidates.some((c) => c.customerId === change.customerId)) return true;
    if (previous?.customerId === change.customerId) return true;
    const emails = [meeting.organizerEmail, ...meeting.attendees.map((a) => a.email)];
    for (const raw of emails) {
      const email = raw === null ? null : normalizeEmail(raw);
      if (email === null) continue;
      if (stakeholders.has(email)) return true;
      const domain = emailDomain(email) as string;
      if (change.addedDomains.some((d) => isSameOrSubdomain(domain, d))) return true;
    }
    if (keywords.match(meeting.subject).length > 0) return true;
    return regexes.some((r) => r.test(meeting.subject));
  };
}
