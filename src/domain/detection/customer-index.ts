// A prebuilt index over a tenant's customers (domains, stakeholder addresses, patterns) so that detecting one
// meeting costs O(participants × domain depth + subject tokens + regex patterns / 64 set scans), not O(customers).
import { AppError } from '../errors.js';
import { domainSuffixes, isPublicMailDomain, isTenantDomain, normalizeDomain, normalizeEmail } from './normalize.js';
import { KeywordMatcher, RegexSetMatcher } from './patterns.js';
import type { CustomerProfile, DetectableMeeting, SubjectPattern } from './types.js';

/** A profile entry the index did not use, with why (a public or tenant domain, a bad address or pattern). */
export interface SkippedEntry {
  customerId: string;
  field: 'domains' | 'stakeholders' | 'subjectPatterns';
  value: string;
  reason: string;
}

/** Raw evidence for one customer, before ranking (see detect.ts). */
export interface CustomerEvidence {
  customerId: string;
  /** participant address → the configured domain it fell under, or `null` if it matched only as a stakeholder. */
  byDomain: Map<string, string>;
  /** participant address → stakeholder role (`null` when the role is unknown). */
  byStakeholder: Map<string, string | null>;
  patterns: SubjectPattern[];
}

/** A normalised participant address and what the index knows about its domain. */
interface AddressInfo {
  email: string;
  domain: string;
  tenant: boolean;
  public: boolean;
}

/** Normalised addresses remembered per index (cleared when full). */
const ADDRESS_CACHE_SIZE = 50_000;

interface IndexedCustomer {
  profile: CustomerProfile;
  domains: string[];
  stakeholders: Map<string, string | null>;
  keywords: Array<{ keyword: string; value: PatternValue }>;
  regexes: PatternValue[];
}

interface PatternValue {
  customerId: string;
  pattern: SubjectPattern;
}

function addTo(map: Map<string, Set<string>>, key: string, id: string): void {
  const set = map.get(key);
  if (set) set.add(id);
  else map.set(key, new Set([id]));
}

function removeFrom(map: Map<string, Set<string>>, key: string, id: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(id);
  if (set.size === 0) map.delete(key);
}

/**
 * The lookup structure detection runs on. Build it once per tenant and keep it up to date with `upsert` and
 * `remove` as customers change. Customer domains that are public mail domains or the tenant's own are ignored
 * (listed in `skipped`); patterns that fail validation are skipped too (validate on write with
 * `validateSubjectPatterns` so this never happens).
 * @example
 * const index = CustomerIndex.build(customers, { tenantDomains: ['calbridge.example'] });
 * const result = detectWithIndex(meeting, index);
 */
export class CustomerIndex {
  readonly tenantDomains: ReadonlySet<string>;
  private readonly customers = new Map<string, IndexedCustomer>();
  private readonly domainMap = new Map<string, Set<string>>();
  private readonly stakeholderMap = new Map<string, Set<string>>();
  private readonly keywords = new KeywordMatcher<PatternValue>();
  private readonly regexes = new RegexSetMatcher<PatternValue>();
  private readonly skippedByCustomer = new Map<string, SkippedEntry[]>();
  private readonly addressCache = new Map<string, AddressInfo | null>();

  private constructor(tenantDomains: Iterable<string>) {
    const set = new Set<string>();
    for (const d of tenantDomains) {
      const n = normalizeDomain(d);
      if (n !== null) set.add(n);
    }
    this.tenantDomains = set;
  }

  static build(customers: readonly CustomerProfile[], ctx: { tenantDomains: readonly string[] }): CustomerIndex {
    const index = new CustomerIndex(ctx.tenantDomains);
    for (const c of customers) index.upsert(c);
    return index;
  }

  /** Number of indexed customers. */
  get size(): number {
    return this.customers.size;
  }

  /** Everything the index ignored, per customer. */
  get skipped(): SkippedEntry[] {
    return [...this.skippedByCustomer.values()].flat();
  }

  profile(customerId: string): CustomerProfile | undefined {
    return this.customers.get(customerId)?.profile;
  }

  /** Adds or replaces a customer. Cost: O(size of that customer's profile). */
  upsert(profile: CustomerProfile): void {
    if (profile.id === '') throw new AppError('validation_failed', 'A customer id must not be empty.');
    this.remove(profile.id);
    const id = profile.id;
    const skipped: SkippedEntry[] = [];
    const entry: IndexedCustomer = { profile, domains: [], stakeholders: new Map(), keywords: [], regexes: [] };
    for (const raw of profile.domains) {
      const d = normalizeDomain(raw);
      const reason =
        d === null
          ? 'not a valid domain'
          : isPublicMailDomain(d)
            ? 'public mail domain'
            : isTenantDomain(d, this.tenantDomains)
              ? "the tenant's own domain"
              : null;
      if (reason !== null) skipped.push({ customerId: id, field: 'domains', value: raw, reason });
      else if (d !== null && !entry.domains.includes(d)) {
        entry.domains.push(d);
        addTo(this.domainMap, d, id);
      }
    }
    for (const s of profile.stakeholders) {
      const email = normalizeEmail(s.email);
      if (email === null) {
        skipped.push({ customerId: id, field: 'stakeholders', value: s.email, reason: 'not a valid address' });
        continue;
      }
      entry.stakeholders.set(email, s.role);
      addTo(this.stakeholderMap, email, id);
    }
    for (const pattern of profile.subjectPatterns) {
      try {
        const value: PatternValue = { customerId: id, pattern };
        if (pattern.kind === 'regex') {
          this.regexes.add(pattern.value, value);
          entry.regexes.push(value);
        } else {
          this.keywords.add(pattern.value, value);
          entry.keywords.push({ keyword: pattern.value, value });
        }
      } catch (e) {
        const reason = e instanceof Error ? e.message : 'not accepted';
        skipped.push({ customerId: id, field: 'subjectPatterns', value: pattern.value, reason });
      }
    }
    this.customers.set(id, entry);
    if (skipped.length > 0) this.skippedByCustomer.set(id, skipped);
  }

  /** Removes a customer (no-op when unknown). */
  remove(customerId: string): void {
    const entry = this.customers.get(customerId);
    if (!entry) return;
    for (const d of entry.domains) removeFrom(this.domainMap, d, customerId);
    for (const email of entry.stakeholders.keys()) removeFrom(this.stakeholderMap, email, customerId);
    for (const k of entry.keywords) this.keywords.remove(k.keyword, k.value);
    this.regexes.remove(...entry.regexes);
    this.customers.delete(customerId);
    this.skippedByCustomer.delete(customerId);
  }

  /**
   * The meeting's participants that can identify a customer: organizer and non-resource attendees, normalised,
   * de-duplicated, excluding invalid addresses and the tenant's own domains.
   */
  participants(meeting: DetectableMeeting): string[] {
    return [...this.participantInfos(meeting).keys()];
  }

  private participantInfos(meeting: DetectableMeeting): Map<string, AddressInfo> {
    const out = new Map<string, AddressInfo>();
    const consider = (raw: string): void => {
      const info = this.addressInfo(raw);
      if (info !== null && !info.tenant) out.set(info.email, info);
    };
    if (meeting.organizerEmail !== null) consider(meeting.organizerEmail);
    for (const a of meeting.attendees) if (a.type !== 'resource') consider(a.email);
    return out;
  }

  /** Normalisation of one raw address, memoised: the same people attend many meetings. */
  private addressInfo(raw: string): AddressInfo | null {
    const cached = this.addressCache.get(raw);
    if (cached !== undefined) return cached;
    const email = normalizeEmail(raw);
    let info: AddressInfo | null = null;
    if (email !== null) {
      const domain = email.slice(email.lastIndexOf('@') + 1);
      info = { email, domain, tenant: isTenantDomain(domain, this.tenantDomains), public: isPublicMailDomain(domain) };
    }
    if (this.addressCache.size >= ADDRESS_CACHE_SIZE) this.addressCache.clear();
    this.addressCache.set(raw, info);
    return info;
  }

  /** Collects every customer's evidence for one meeting. */
  collect(meeting: DetectableMeeting): Map<string, CustomerEvidence> {
    const found = new Map<string, CustomerEvidence>();
    const evidence = (customerId: string): CustomerEvidence => {
      let e = found.get(customerId);
      if (!e) {
        e = { customerId, byDomain: new Map(), byStakeholder: new Map(), patterns: [] };
        found.set(customerId, e);
      }
      return e;
    };
    for (const { email, domain, public: isPublic } of this.participantInfos(meeting).values()) {
      for (const id of this.stakeholderMap.get(email) ?? []) {
        evidence(id).byStakeholder.set(email, this.customers.get(id)?.stakeholders.get(email) ?? null);
      }
      if (isPublic) continue;
      // The most specific configured domain wins: eu.acmecorp.com beats acmecorp.com.
      for (const suffix of domainSuffixes(domain)) {
        const ids = this.domainMap.get(suffix);
        if (!ids) continue;
        for (const id of ids) evidence(id).byDomain.set(email, suffix);
        break;
      }
    }
    for (const { customerId, pattern } of this.keywords.match(meeting.subject))
      evidence(customerId).patterns.push(pattern);
    for (const { customerId, pattern } of this.regexes.match(meeting.subject))
      evidence(customerId).patterns.push(pattern);
    return found;
  }
}
