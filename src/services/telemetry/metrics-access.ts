// Who may read the Prometheus exposition (server-wide figures of every tenant): with a configured token, the callers
// that send it (`Authorization: Bearer <token>`); without one, loopback clients only — a scraper on the same host.
import { createHash, timingSafeEqual } from 'node:crypto';
import { classifyAddress } from '../tenancy/webhook-url.js';

/** `allowed`; `unauthenticated` (a token is configured and was not sent); `hidden` (answer as if there were no route). */
export type MetricsAccess = 'allowed' | 'unauthenticated' | 'hidden';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Decides a request for /metrics. `remoteAddress` is the socket's peer (never a forwarded header): behind a reverse
 * proxy on the same host every request is loopback, so such deployments set a token.
 */
export function metricsAccess(o: {
  token: string | null;
  authorization: string | undefined;
  remoteAddress: string | undefined;
}): MetricsAccess {
  if (o.token !== null) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(o.authorization ?? '');
    return m && timingSafeEqual(digest(m[1]!), digest(o.token)) ? 'allowed' : 'unauthenticated';
  }
  return o.remoteAddress && classifyAddress(o.remoteAddress) === 'loopback' ? 'allowed' : 'hidden';
}
