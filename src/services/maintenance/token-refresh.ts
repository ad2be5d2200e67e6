// Proactive token refresh: renews access tokens that expire soon, so a revoked grant is found (and the connection
// marked needs_reauth) by the job, not by the user's next request or a failed sync.
import { isAppError } from '../../domain/errors.js';
import type { Clock } from '../../ports/clock.js';
import type { ConnectionRef, ExpiringTokenSource } from '../../ports/maintenance.js';

export interface TokenRefreshResult {
  refreshed: number;
  /** Connections whose grant is gone (now needs_reauth). */
  lost: number;
  failed: Array<ConnectionRef & { code: string }>;
}

export class TokenRefresher {
  constructor(
    private readonly d: {
      source: ExpiringTokenSource;
      /** Refreshes one connection's access token (the provider's token manager). */
      refresh: (ref: ConnectionRef) => Promise<void>;
      clock: Clock;
      /** Tokens expiring within this many seconds are refreshed. */
      withinSeconds: number;
      batch?: number;
    },
  ) {}

  async runOnce(): Promise<TokenRefreshResult> {
    const before = new Date(this.d.clock.now().getTime() + this.d.withinSeconds * 1000);
    const due = await this.d.source.listExpiring(before, this.d.batch ?? 200);
    const out: TokenRefreshResult = { refreshed: 0, lost: 0, failed: [] };
    for (const ref of due) {
      try {
        await this.d.refresh(ref);
        out.refreshed++;
      } catch (e) {
        if (isAppError(e, 'reconnect_required')) out.lost++;
        else out.failed.push({ ...ref, code: isAppError(e) ? e.code : 'internal' });
      }
    }
    return out;
  }
}
