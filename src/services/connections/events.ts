// A small in-process event bus for connection events (connected, needs_reauth, revoked, …).
import type { ConnectionEvent } from '../../domain/connections.js';
import type { ConnectionEventBus } from '../../ports/connections.js';

export class InProcessEventBus implements ConnectionEventBus {
  private readonly listeners = new Set<(e: ConnectionEvent) => void>();
  /** The last events, newest last (status pages, tests). */
  readonly recent: ConnectionEvent[] = [];

  publish(event: ConnectionEvent): void {
    this.recent.push(event);
    if (this.recent.length > 100) this.recent.shift();
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // a failing listener never breaks the publisher
      }
    }
  }

  subscribe(listener: (e: ConnectionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
