// Outbound webhook POSTs (health signals, prep briefs) to URLs tenants choose, guarded against SSRF: https only (http
// and loopback only with CALBRIDGE_ALLOW_LOOPBACK_WEBHOOKS), every address DNS gives must be public, and the socket
// connects to the address that was checked (DNS rebinding cannot swap it); no redirect is followed, a short timeout,
// and only the first 512 bytes of the answer are read (the delivery log shows them). See docs/adr/0015 and SECURITY.md.
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent } from 'undici';
import { AppError } from '../../domain/errors.js';
import type { HttpPost } from '../../ports/mail.js';
import { addressAllowed, checkWebhookUrl, type WebhookUrlPolicy } from '../../services/tenancy/webhook-url.js';

/** Resolves every address of a host name (as dns.lookup with `all: true`). */
export type ResolveAll = (hostname: string, options: LookupAllOptions) => Promise<LookupAddress[]>;

const systemResolveAll: ResolveAll = (hostname, options) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

export interface WebhookPostOptions extends WebhookUrlPolicy {
  /** Whole request, connect to answer headers (default 5 s). */
  timeoutMs?: number;
  /** Largest answer body accepted before the connection is dropped (default 64 KiB; the body is never read). */
  maxResponseBytes?: number;
  /** DNS (tests resolve names to chosen addresses). */
  resolveAll?: ResolveAll;
}

/**
 * A lookup for net/tls.connect that resolves the name, refuses the connection unless every address is allowed, and
 * hands the checked addresses to the socket (so the connection goes to an address that was checked).
 */
export function guardedLookup(policy: WebhookUrlPolicy, resolveAll: ResolveAll = systemResolveAll): LookupFunction {
  return ((hostname: string, options: { all?: boolean; family?: number | string; hints?: number }, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : Number(options.family ?? 0);
    resolveAll(hostname, { all: true, family, ...(options.hints ? { hints: options.hints } : {}) })
      .then((addresses) => {
        if (addresses.length === 0) throw new Error(`no address for ${hostname}`);
        const refused = addresses.filter((a) => !addressAllowed(a.address, policy));
        if (refused.length)
          throw new AppError(
            'webhook_url_not_allowed',
            'The webhook host resolves to an address that is not allowed.',
            {
              details: { reason: 'address_not_allowed' },
            },
          );
        if (options.all) (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      })
      .catch((e: unknown) => callback(e as NodeJS.ErrnoException, '', 0));
  }) as LookupFunction;
}

/** How much of a receiver's answer is kept for the delivery log. */
export const RESPONSE_PREVIEW_BYTES = 512;

/** Reads at most `limit` bytes of a body as text and drops the rest (the stream is destroyed, not drained). */
async function firstBytes(stream: AsyncIterable<Buffer> & { destroy(): unknown }, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) break;
    }
  } catch {
    // a body cut short is kept as far as it came
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/** The guarded HttpPost and the agent behind it (close it on shutdown: connections are dropped at once). */
export function createWebhookPost(o: WebhookPostOptions): { post: HttpPost; close: () => Promise<void> } {
  const timeoutMs = o.timeoutMs ?? 5_000;
  const policy: WebhookUrlPolicy = { allowLoopback: o.allowLoopback };
  const agent = new Agent({
    connect: { lookup: guardedLookup(policy, o.resolveAll), timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    maxResponseSize: o.maxResponseBytes ?? 65_536,
    keepAliveTimeout: 1_000,
  });
  const post: HttpPost = async (url, init) => {
    // The URL as stored may predate the policy: checked again (scheme, literal addresses) before every delivery.
    const u = checkWebhookUrl(url, policy, 'url');
    const res = await agent.request({
      origin: u.origin,
      path: `${u.pathname}${u.search}`,
      method: 'POST',
      headers: init.headers,
      body: init.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    // A redirect is an answer like any other non-2xx (never followed). Only the first bytes of the body are read (the
    // delivery log shows them), the rest is dropped unread.
    const body = await firstBytes(res.body, RESPONSE_PREVIEW_BYTES);
    return body ? { status: res.statusCode, body } : { status: res.statusCode };
  };
  // On shutdown a delivery in flight is cut (its lease expires and it is retried); waiting for it would hold the exit.
  return { post, close: () => agent.destroy() };
}
