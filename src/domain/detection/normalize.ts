// E-mail and domain normalisation for customer detection: lower-casing, IDN to ASCII, public mail domains, subdomain tests.

/**
 * Consumer mail providers: an address on one of these (or a subdomain of one) says nothing about the company a
 * person works for, so it never counts as a customer domain. A stakeholder's exact address still counts.
 */
export const PUBLIC_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'outlook.fr',
  'outlook.de',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.fr',
  'hotmail.de',
  'hotmail.it',
  'hotmail.es',
  'live.com',
  'live.co.uk',
  'live.fr',
  'msn.com',
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.fr',
  'yahoo.de',
  'yahoo.co.jp',
  'ymail.com',
  'rocketmail.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'protonmail.ch',
  'pm.me',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'web.de',
  't-online.de',
  'mail.com',
  'email.com',
  'zoho.com',
  'zohomail.com',
  'yandex.com',
  'yandex.ru',
  'mail.ru',
  'qq.com',
  '163.com',
  '126.com',
  'fastmail.com',
  'hey.com',
  'tutanota.com',
  'tuta.io',
  'orange.fr',
  'free.fr',
  'laposte.net',
  'libero.it',
  'comcast.net',
  'att.net',
  'verizon.net',
]);

const DOMAIN_SHAPE = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/**
 * Normalises a domain: trims, lower-cases, drops a leading `@` and a trailing dot, converts IDN to ASCII
 * (punycode). Returns `null` when the result is not a plausible host name with at least two labels.
 * @example normalizeDomain(' @EU.AcmeCorp.com. ') // 'eu.acmecorp.com'
 */
export function normalizeDomain(input: string): string | null {
  let d = input.trim().toLowerCase();
  if (d.startsWith('@')) d = d.slice(1);
  if (d.endsWith('.')) d = d.slice(0, -1);
  if (d === '') return null;
  if (!/^[\x20-\x7e]*$/.test(d)) {
    try {
      d = new URL(`http://${d}`).hostname;
    } catch {
      return null;
    }
  }
  return DOMAIN_SHAPE.test(d) ? d : null;
}

/**
 * Normalises an e-mail address: trims and lower-cases it and normalises its domain part.
 * Returns `null` when it has no `local@domain` shape.
 * @example normalizeEmail(' Jane.Doe@EU.AcmeCorp.com ') // 'jane.doe@eu.acmecorp.com'
 */
export function normalizeEmail(input: string): string | null {
  const s = input.trim();
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1) return null;
  const local = s.slice(0, at).toLowerCase();
  const domain = normalizeDomain(s.slice(at + 1));
  if (domain === null || /\s/.test(local)) return null;
  return `${local}@${domain}`;
}

/** The domain part of a normalised address (`null` if the address does not normalise). */
export function emailDomain(email: string): string | null {
  const n = normalizeEmail(email);
  return n === null ? null : n.slice(n.lastIndexOf('@') + 1);
}

/**
 * The domain and each parent domain with at least two labels, most specific first.
 * @example domainSuffixes('a.eu.acmecorp.com') // ['a.eu.acmecorp.com', 'eu.acmecorp.com', 'acmecorp.com']
 */
export function domainSuffixes(domain: string): string[] {
  const out: string[] = [];
  let d = domain;
  for (;;) {
    out.push(d);
    const dot = d.indexOf('.');
    const rest = d.slice(dot + 1);
    if (dot < 0 || !rest.includes('.')) return out;
    d = rest;
  }
}

/** True when `domain` equals `parent` or is a subdomain of it (both normalised). */
export function isSameOrSubdomain(domain: string, parent: string): boolean {
  return domain === parent || domain.endsWith(`.${parent}`);
}

/** True when the (normalised) domain is a public mail provider or a subdomain of one. */
export function isPublicMailDomain(domain: string): boolean {
  return domainSuffixes(domain).some((d) => PUBLIC_MAIL_DOMAINS.has(d));
}

/** True when the (normalised) domain is one of the tenant's own domains or a subdomain of one. */
export function isTenantDomain(domain: string, tenantDomains: ReadonlySet<string>): boolean {
  return domainSuffixes(domain).some((d) => tenantDomains.has(d));
}
