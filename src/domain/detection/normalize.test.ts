// Normalisation of addresses and domains, public-domain and subdomain tests.
import { describe, expect, it } from 'vitest';
import { domainSuffixes, isPublicMailDomain, isSameOrSubdomain, normalizeDomain, normalizeEmail } from './normalize.js';

describe('normalize', () => {
  it('normalises domains and rejects junk', () => {
    expect(normalizeDomain(' @EU.AcmeCorp.com. ')).toBe('eu.acmecorp.com');
    expect(normalizeDomain('bücher.de')).toBe('xn--bcher-kva.de');
    expect(normalizeDomain('localhost')).toBeNull();
    expect(normalizeDomain('a..b')).toBeNull();
    expect(normalizeDomain('')).toBeNull();
  });

  it('normalises e-mail addresses', () => {
    expect(normalizeEmail(' Jane.Doe@EU.AcmeCorp.com ')).toBe('jane.doe@eu.acmecorp.com');
    expect(normalizeEmail('no-at-sign')).toBeNull();
    expect(normalizeEmail('@acmecorp.com')).toBeNull();
    expect(normalizeEmail('a b@acmecorp.com')).toBeNull();
  });

  it('lists parent domains down to two labels', () => {
    expect(domainSuffixes('a.eu.acmecorp.com')).toEqual(['a.eu.acmecorp.com', 'eu.acmecorp.com', 'acmecorp.com']);
    expect(domainSuffixes('acmecorp.com')).toEqual(['acmecorp.com']);
  });

  it('tests subdomains on label boundaries', () => {
    expect(isSameOrSubdomain('eu.acmecorp.com', 'acmecorp.com')).toBe(true);
    expect(isSameOrSubdomain('notacmecorp.com', 'acmecorp.com')).toBe(false);
  });

  it('knows public mail domains and their subdomains', () => {
    for (const d of ['gmail.com', 'outlook.com', 'hotmail.com', 'yahoo.com', 'icloud.com', 'mail.yahoo.com']) {
      expect(isPublicMailDomain(d)).toBe(true);
    }
    expect(isPublicMailDomain('acmecorp.com')).toBe(false);
  });
});
