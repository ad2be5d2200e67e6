// A small in-process event bus for connection events (connected, needs_reauth, revoked, …).
import type { ConnectionEvent } from '../../domain/connections.js';
import type { ConnectionEventBus } from '../../ports/connections.js';

export class InProcessEventBus implements ConnectionEventBus {
  private readonly listeners = new Set<(e: ConnectionEvent) => void | Promise<void>>();
  /** The last events, newest last (status pages, tests). */
  readonly recent: ConnectionEvent[] = [];

  /**
   * Calls every listener; resolves when the asynchronous ones have finished (a platform event written to the outbox
   * before the request that caused it answers). A failing listener never breaks the publisher.
   */
  async publish(event: ConnectionEvent): Promise<void> {
    this.recent.push(event);
    if (this.recent.length > 100) this.recent.shift();
    const pending: Promise<void>[] = [];
    for (const l of this.listeners) {
      try {
        const r = l(event);
        if (r) pending.push(r.catch(() => undefined));
      } catch {
        // a failing listener never breaks the publisher
      }
    }
    await Promise.all(pending);
  }

  subscribe(listener: (e: ConnectionEvent) => void | Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
