// From a stored customer to the profile detection indexes: `/regex/` patterns become RE2 regexes, the rest keywords.
import type { Customer } from '../../domain/customers.js';
import type { CustomerProfile, SubjectPattern } from '../../domain/detection/types.js';

/**
 * A stored subject pattern in detection's terms: `/…/` (optionally with flags, which are ignored: matching is
 * always case-insensitive) is an RE2 regular expression, anything else a keyword.
 * @example toSubjectPattern('/QBR|quarterly/') // { kind: 'regex', value: 'QBR|quarterly' }
 */
export function toSubjectPattern(pattern: string): SubjectPattern {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(pattern);
  return m ? { kind: 'regex', value: m[1] ?? '' } : { kind: 'keyword', value: pattern };
}

export function toProfile(c: Customer): CustomerProfile {
  return {
    id: c.id,
    name: c.name,
    domains: c.domains,
    subjectPatterns: c.subjectPatterns.map(toSubjectPattern),
    stakeholders: c.stakeholders.map((s) => ({ email: s.email, role: s.role })),
  };
}
