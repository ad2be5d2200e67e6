// Where calbridge may send a tenant's webhooks (health signals, prep briefs): https to public unicast addresses only,
// so a tenant cannot make the server call into its own network (SSRF). Checked when the URL is stored (literal IP
// addresses, schemes, `localhost`) and again for every delivery, on each address DNS gives (see docs/adr/0015).
// Address classes come from ipaddr.js (the library Fastify's proxy-addr uses), not from hand-written ranges.
import ipaddr from 'ipaddr.js';
import { AppError } from '../../domain/errors.js';

export interface WebhookUrlPolicy {
  /**
   * Also permit loopback receivers (127.0.0.0/8, ::1, `localhost`), over http or https: development and tests
   * (`CALBRIDGE_ALLOW_LOOPBACK_WEBHOOKS`). Never other private or reserved ranges.
   */
  allowLoopback: boolean;
}

export type AddressVerdict = 'public' | 'loopback' | 'refused';

/**
 * Classifies an IP address: `public` (global unicast), `loopback`, or `refused` (private, link-local, unique-local,
 * carrier-grade NAT, multicast, reserved, documentation, NAT64 and 6to4 prefixes, anything not global unicast).
 * IPv4-mapped IPv6 addresses are classified as the IPv4 address they carry. Not an IP address: `refused`.
 */
export function classifyAddress(address: string): AddressVerdict {
  const bare = address.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(bare)) return 'refused';
  const range = ipaddr.process(bare).range();
  if (range === 'unicast') return 'public';
  if (range === 'loopback') return 'loopback';
  return 'refused';
}

/** Whether a connection to this address is permitted by the policy. */
export function addressAllowed(address: string, policy: WebhookUrlPolicy): boolean {
  const v = classifyAddress(address);
  return v === 'public' || (v === 'loopback' && policy.allowLoopback);
}

const isLocalhostName = (host: string) => /^(.+\.)?localhost\.?$/i.test(host);

const refuse = (reason: string, field: string): never => {
  throw new AppError('webhook_url_not_allowed', `The webhook URL is not allowed: ${reason}.`, {
    details: { field, reason },
  });
};

/**
 * Checks what can be checked of a webhook URL without DNS: an absolute https URL without credentials whose host, when
 * an IP address, is public (or loopback, with `allowLoopback`). http is accepted only to a loopback host, with
 * `allowLoopback`. Throws AppError('webhook_url_not_allowed') naming `field`; returns the parsed URL.
 */
export function checkWebhookUrl(raw: string, policy: WebhookUrlPolicy, field = 'healthWebhookUrl'): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('not an absolute URL', field);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') refuse('only https URLs are accepted', field);
  if (url.username || url.password) refuse('credentials in the URL are not accepted', field);
  // WHATWG URL parsing already turned every IPv4 spelling (0x7f.1, 2130706433) into dotted decimal.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = ipaddr.isValid(host);
  const loopback = literal ? classifyAddress(host) === 'loopback' : isLocalhostName(host);
  if (loopback) {
    if (!policy.allowLoopback) refuse('loopback addresses are not accepted', field);
    return url;
  }
  if (url.protocol !== 'https:') refuse('only https URLs are accepted', field);
  if (literal && classifyAddress(host) !== 'public')
    refuse('private, link-local and reserved addresses are not accepted', field);
  return url;
}
